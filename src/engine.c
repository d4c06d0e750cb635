/* engine.c: the libuv <-> curl_multi glue. Sockets are watched with one
 * uv_poll_t each, every multi handle has its own uv_timer_t, and curl's 0 ms
 * timeouts and finished transfers are handled from one uv_idle_t, so curl is
 * never called from inside its own callbacks and owners are never resumed
 * from them either. */
#include "molotov/engine.h"
#include "molotov/common.h"

#include <signal.h>
#include <stdlib.h>

typedef struct {
    CURLM *multi;
    uv_timer_t timer;
    mt_engine *engine;
    int xfers;
    bool kick;
} shard;

typedef struct sock_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    shard *sh;
    mt_engine *engine;            /* outlives the shard when closing */
    struct sock_ctx *prev, *next; /* the engine's open sockets */
} sock_ctx;

struct mt_engine {
    uv_loop_t *loop;
    uv_idle_t idle;
    shard **shards;
    int nshards;
    int per_shard;
    int active;
    int closing; /* handles whose close callback is pending */
    bool closed;
    sock_ctx *socks;
    mt_xfer *done_head, *done_tail;
};

static void release(mt_engine *e)
{
    if (--e->closing > 0 || !e->closed) return;
    free(e->shards);
    free(e);
}

static void drain(shard *sh)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(sh->multi, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *easy = msg->easy_handle; /* copy before the handle is removed */
        CURLcode res = msg->data.result;
        mt_xfer *x = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
        if (x->keep)
            x->attached = true; /* libcurl 7.88's easy_send/recv need it in its multi */
        else
            curl_multi_remove_handle(sh->multi, easy);
        x->result = res;
        x->active = false;
        x->next = NULL;
        sh->engine->active--;
        mt_engine *e = sh->engine;
        if (e->done_tail)
            e->done_tail->next = x;
        else
            e->done_head = x;
        e->done_tail = x;
    }
}

static void on_idle(uv_idle_t *h);

static void wake(mt_engine *e)
{
    if (!uv_is_active((uv_handle_t *)&e->idle)) uv_idle_start(&e->idle, on_idle);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    sock_ctx *c = h->data;
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    else {
        if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    }
    shard *sh = c->sh; /* c may be freed during socket_action */
    int running;
    curl_multi_socket_action(sh->multi, c->fd, flags, &running);
    drain(sh);
    if (sh->engine->done_head) wake(sh->engine);
}

static void on_timer(uv_timer_t *t)
{
    shard *sh = t->data;
    int running;
    curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain(sh);
    if (sh->engine->done_head) wake(sh->engine);
}

static void on_sock_closed(uv_handle_t *h)
{
    sock_ctx *c = h->data;
    mt_engine *e = c->engine;
    free(c);
    release(e);
}

static void sock_close(sock_ctx *c)
{
    mt_engine *e = c->engine;
    if (c->prev)
        c->prev->next = c->next;
    else
        e->socks = c->next;
    if (c->next) c->next->prev = c->prev;
    uv_poll_stop(&c->poll);
    e->closing++;
    uv_close((uv_handle_t *)&c->poll, on_sock_closed);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy;
    shard *sh = userp;
    sock_ctx *c = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (c) {
            sock_close(c);
            curl_multi_assign(sh->multi, s, NULL);
        }
        return 0;
    }
    if (!c) {
        c = mt_calloc(1, sizeof(*c));
        c->fd = s;
        c->sh = sh;
        c->engine = sh->engine;
        uv_poll_init_socket(sh->engine->loop, &c->poll, s);
        c->poll.data = c;
        c->next = sh->engine->socks;
        if (c->next) c->next->prev = c;
        sh->engine->socks = c;
        curl_multi_assign(sh->multi, s, c);
    }
    int events = 0;
    if (what & CURL_POLL_IN) events |= UV_READABLE;
    if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
    uv_poll_start(&c->poll, events, on_poll);
    return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    shard *sh = userp;
    if (timeout_ms < 0) {
        uv_timer_stop(&sh->timer);
    } else if (timeout_ms == 0) {
        uv_timer_stop(&sh->timer);
        sh->kick = true; /* served from the idle handle, outside curl */
        wake(sh->engine);
    } else {
        uv_timer_start(&sh->timer, on_timer, (uint64_t)timeout_ms, 0);
    }
    return 0;
}

/* Hands finished transfers to their owners, who may start new ones. */
static bool deliver(mt_engine *e)
{
    mt_xfer *x = e->done_head;
    if (!x) return false;
    e->done_head = e->done_tail = NULL;
    while (x) {
        mt_xfer *next = x->next;
        x->done(x);
        x = next;
    }
    return true;
}

static bool kick_shards(mt_engine *e)
{
    bool any = false;
    for (int i = 0; i < e->nshards; i++) {
        shard *sh = e->shards[i];
        if (!sh->kick) continue;
        sh->kick = false;
        any = true;
        int running;
        curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        drain(sh);
    }
    return any;
}

static void on_idle(uv_idle_t *h)
{
    mt_engine *e = h->data;
    /* A few rounds, so a transfer started by a completion goes out at once. */
    bool work = true;
    for (int round = 0; round < 4 && work; round++) {
        work = deliver(e);
        work = kick_shards(e) || work;
    }
    bool pending = e->done_head != NULL;
    for (int i = 0; i < e->nshards && !pending; i++) pending = e->shards[i]->kick;
    if (!pending) uv_idle_stop(&e->idle);
}

static shard *shard_new(mt_engine *e)
{
    shard *sh = mt_calloc(1, sizeof(*sh));
    sh->engine = e;
    sh->multi = curl_multi_init();
    if (!sh->multi) {
        free(sh);
        return NULL;
    }
    curl_multi_setopt(sh->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(sh->multi, CURLMOPT_SOCKETDATA, sh);
    curl_multi_setopt(sh->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(sh->multi, CURLMOPT_TIMERDATA, sh);
    /* one connection per worker, as each session keeps its own */
    curl_multi_setopt(sh->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
    curl_multi_setopt(sh->multi, CURLMOPT_MAXCONNECTS, (long)e->per_shard * 2);
    uv_timer_init(e->loop, &sh->timer);
    sh->timer.data = sh;
    return sh;
}

int mt_engine_new(uv_loop_t *loop, int per_shard, mt_engine **out)
{
    static bool global_done;
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return MT_ECURL;
        signal(SIGPIPE, SIG_IGN);
        global_done = true;
    }
    mt_engine *e = mt_calloc(1, sizeof(*e));
    e->loop = loop;
    e->per_shard = per_shard > 0 ? per_shard : 100;
    if (uv_idle_init(loop, &e->idle)) {
        free(e);
        return MT_EUV;
    }
    e->idle.data = e;
    *out = e;
    return MT_OK;
}

static shard *pick_shard(mt_engine *e, int *index)
{
    for (int i = 0; i < e->nshards; i++) {
        if (e->shards[i]->xfers < e->per_shard) {
            *index = i;
            return e->shards[i];
        }
    }
    shard *sh = shard_new(e);
    if (!sh) return NULL;
    e->shards = mt_realloc(e->shards, sizeof(*e->shards) * (size_t)(e->nshards + 1));
    e->shards[e->nshards] = sh;
    *index = e->nshards++;
    return sh;
}

int mt_engine_xfer_init(mt_engine *e, mt_xfer *x, mt_xfer_cb done, void *data)
{
    x->easy = curl_easy_init();
    if (!x->easy) return MT_ECURL;
    shard *sh = pick_shard(e, &x->shard);
    if (!sh) {
        curl_easy_cleanup(x->easy);
        x->easy = NULL;
        return MT_ECURL;
    }
    sh->xfers++;
    x->done = done;
    x->data = data;
    x->active = false;
    x->next = NULL;
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
    curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
    return MT_OK;
}

void mt_engine_xfer_free(mt_engine *e, mt_xfer *x)
{
    if (!x->easy) return;
    mt_engine_cancel(e, x);
    e->shards[x->shard]->xfers--;
    curl_easy_cleanup(x->easy);
    x->easy = NULL;
}

int mt_engine_start(mt_engine *e, mt_xfer *x)
{
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
    if (curl_multi_add_handle(e->shards[x->shard]->multi, x->easy) != CURLM_OK) return MT_ECURL;
    x->active = true;
    e->active++;
    return MT_OK;
}

static void unqueue(mt_engine *e, mt_xfer *x)
{
    mt_xfer **pp = &e->done_head, *prev = NULL;
    while (*pp && *pp != x) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp) return;
    *pp = x->next;
    if (e->done_tail == x) e->done_tail = prev;
}

void mt_engine_cancel(mt_engine *e, mt_xfer *x)
{
    if (x->attached) {
        curl_multi_remove_handle(e->shards[x->shard]->multi, x->easy);
        x->attached = false;
    }
    if (x->active) {
        curl_multi_remove_handle(e->shards[x->shard]->multi, x->easy);
        x->active = false;
        e->active--;
    } else {
        unqueue(e, x); /* finished but not yet delivered */
    }
}

uv_loop_t *mt_engine_loop(const mt_engine *e)
{
    return e->loop;
}

int mt_engine_active(const mt_engine *e)
{
    return e->active;
}

static void on_handle_closed(uv_handle_t *h)
{
    release(h->data);
}

static void on_timer_closed(uv_handle_t *h)
{
    shard *sh = h->data;
    mt_engine *e = sh->engine;
    free(sh);
    release(e);
}

void mt_engine_close(mt_engine *e)
{
    e->closed = true;
    e->closing++; /* held until every handle below is closing */
    for (int i = 0; i < e->nshards; i++) {
        shard *sh = e->shards[i];
        curl_multi_cleanup(sh->multi); /* removes its sockets through socket_cb */
        e->closing++;
        uv_close((uv_handle_t *)&sh->timer, on_timer_closed);
    }
    while (e->socks) sock_close(e->socks); /* any curl did not report */
    e->closing++;
    uv_close((uv_handle_t *)&e->idle, on_handle_closed);
    release(e);
}
