/* h1.c: the HTTP/1.x response reader (h1.h) over http_parser. The parser is
 * paused at three points so that raw bytes can be told apart: the end of a
 * header block (the block is copied as received), the last chunk (the
 * trailer lines that follow are copied after the block, as libcurl does)
 * and the end of a message (a 1xx answer starts the next block; the final
 * one ends the answer and leaves the rest of the bytes unused). Bodies go
 * through zlib when asked, into the response buffer up to max_body; like
 * libcurl, a compressed stream cut short is kept as far as it goes, and
 * bytes after its end are refused. */
#include "molotov/h1.h"

#include <string.h>
#include <strings.h>

enum { CODING_NONE, CODING_GZIP, CODING_SNIFF, CODING_INFLATE, CODING_END };
enum { STOP_NONE, STOP_HEAD, STOP_LAST_CHUNK, STOP_DONE };

/* The pause reason of the last callback, kept apart from mt_h1's fields
 * that the header exposes (one reader per parse at a time: the loop's). */
typedef struct {
    mt_h1 *h;
    int stop;
    bool no_body;
} cb_state;

/* Inflated bytes land here before they are kept or counted as dropped: one
 * loop thread reads HTTP in a process, so one buffer serves every reader. */
static unsigned char inflated[16384];

static int fail_cb(mt_h1 *h, const char *why)
{
    if (!h->error) h->error = why;
    return -1;
}

static cb_state *state_of(http_parser *hp)
{
    return hp->data;
}

/* ---- the body ---- */

static void keep(mt_h1 *h, const void *data, size_t n)
{
    mt_respbuf *r = h->resp;
    size_t room = r->body.len < h->max_body ? h->max_body - r->body.len : 0;
    size_t k = n < room ? n : room;
    if (k) mt_buf_append(&r->body, data, k);
    r->dropped += n - k; /* read and counted, not kept: memory stays bounded */
}

static int z_start(mt_h1 *h, int window_bits)
{
    if (!h->z_ready) {
        memset(&h->z, 0, sizeof h->z);
        if (inflateInit2(&h->z, window_bits) != Z_OK) return -1;
        h->z_ready = true;
        return 0;
    }
    return inflateReset2(&h->z, window_bits) == Z_OK ? 0 : -1;
}

static int inflate_some(mt_h1 *h, const unsigned char *data, size_t n)
{
    while (h->coding == CODING_INFLATE) {
        uInt chunk = n > 1u << 30 ? 1u << 30 : (uInt)n;
        h->z.next_in = (unsigned char *)data;
        h->z.avail_in = chunk;
        h->z.next_out = inflated;
        h->z.avail_out = sizeof inflated;
        int rc = inflate(&h->z, Z_NO_FLUSH);
        size_t used = chunk - h->z.avail_in, out = sizeof inflated - h->z.avail_out;
        keep(h, inflated, out);
        data += used;
        n -= used;
        if (rc == Z_STREAM_END) {
            h->coding = CODING_END;
            return n ? -1 : 0; /* bytes after the stream: refused, as libcurl does */
        } else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return -1;
        else if (!n && h->z.avail_out)
            return 0; /* all in, all out */
        else if (!used && !out)
            return 0; /* nothing to do without more input */
    }
    return 0;
}

/* deflate is zlib-wrapped by the RFC and raw from some servers: the first
 * two bytes say which (a zlib header is CM 8 and a multiple of 31). */
static int sniff(mt_h1 *h, const unsigned char *data, size_t n)
{
    while (n && h->nsniff < 2) {
        h->sniff[h->nsniff++] = *data++;
        n--;
    }
    if (h->nsniff < 2) return 0;
    unsigned s = (unsigned)h->sniff[0] << 8 | h->sniff[1];
    bool wrapped = (h->sniff[0] & 0x0f) == 8 && s % 31 == 0;
    if (z_start(h, wrapped ? 15 : -15)) return -1;
    h->coding = CODING_INFLATE;
    if (inflate_some(h, h->sniff, 2)) return -1;
    return inflate_some(h, data, n);
}

static int on_body(http_parser *hp, const char *at, size_t n)
{
    mt_h1 *h = state_of(hp)->h;
    h->resp->wire += n;
    const unsigned char *d = (const unsigned char *)at;
    int rc = 0;
    switch (h->coding) {
    case CODING_NONE: keep(h, at, n); break;
    case CODING_SNIFF: rc = sniff(h, d, n); break;
    case CODING_INFLATE: rc = inflate_some(h, d, n); break;
    default: rc = n ? -1 : 0; /* after the end of the compressed stream */
    }
    return rc ? fail_cb(h, "bad content encoding") : 0;
}

static bool token_is(const char *v, size_t n, const char *token)
{
    return n == strlen(token) && strncasecmp(v, token, n) == 0;
}

static int pick_coding(mt_h1 *h)
{
    h->coding = CODING_NONE;
    h->nsniff = 0;
    if (!h->decode) return 0;
    size_t n;
    const mt_buf *b = &h->resp->headers;
    const char *v = mt_h1_header(b->data, b->len, "Content-Encoding", &n);
    if (!v) return 0;
    if (token_is(v, n, "gzip") || token_is(v, n, "x-gzip")) {
        h->coding = CODING_INFLATE;
        return z_start(h, 15 + 32); /* gzip or zlib, by its header */
    }
    if (token_is(v, n, "deflate")) h->coding = CODING_SNIFF;
    return 0; /* identity, or what the request did not ask for: as is */
}

/* ---- parser callbacks ---- */

static int on_headers_complete(http_parser *hp)
{
    cb_state *s = state_of(hp);
    unsigned st = hp->status_code;
    if (hp->http_major != 1 || hp->http_minor > 1) return fail_cb(s->h, "unsupported HTTP version");
    if (st < 100) return fail_cb(s->h, "bad status line");
    if (st == 101) return fail_cb(s->h, "unexpected 101 Switching Protocols");
    s->stop = STOP_HEAD;
    http_parser_pause(hp, 1);
    s->no_body = st < 200 || st == 204 || st == 304 || s->h->head;
    return s->no_body ? 1 : 0;
}

static int on_chunk_header(http_parser *hp)
{
    if (hp->content_length == 0) { /* the last chunk: trailers follow */
        state_of(hp)->stop = STOP_LAST_CHUNK;
        http_parser_pause(hp, 1);
    }
    return 0;
}

static int on_message_complete(http_parser *hp)
{
    state_of(hp)->stop = STOP_DONE;
    http_parser_pause(hp, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
    .on_chunk_header = on_chunk_header,
};

/* ---- the reader ---- */

void mt_h1_init(mt_h1 *p)
{
    memset(p, 0, sizeof *p);
}

void mt_h1_free(mt_h1 *p)
{
    if (p->z_ready) inflateEnd(&p->z);
    p->z_ready = false;
}

static void parser_reset(mt_h1 *p)
{
    http_parser_init(&p->parser, HTTP_RESPONSE);
    /* Content-Length beside chunked: chunked wins, as in libcurl (and the
     * connection is not reused) */
    p->parser.allow_chunked_length = 1;
}

void mt_h1_start(mt_h1 *p, mt_respbuf *resp, size_t max_body, bool head, bool decode)
{
    parser_reset(p);
    p->resp = resp;
    p->max_body = max_body;
    p->head = head;
    p->decode = decode;
    p->head_bytes = 0;
    p->error = NULL;
    p->coding = CODING_NONE;
    p->nsniff = 0;
    p->started = p->headers_done = p->in_trailer = p->done = p->keep_alive = false;
    p->in_head = true;
    mt_buf_reset(&resp->body);
    mt_buf_reset(&resp->headers);
    resp->dropped = resp->wire = 0;
}

static long fail(mt_h1 *p, const char *why)
{
    if (!p->error) p->error = why;
    return MT_EPROTO;
}

static const char *describe(const mt_h1 *p, enum http_errno e)
{
    switch (e) {
    case HPE_INVALID_CONSTANT:
    case HPE_INVALID_VERSION:
    case HPE_INVALID_STATUS: return "bad status line";
    case HPE_INVALID_HEADER_TOKEN:
    case HPE_LF_EXPECTED:
    case HPE_STRICT: return p->in_head ? "bad header line" : "bad chunk";
    case HPE_HEADER_OVERFLOW: return "header block too large";
    case HPE_INVALID_CONTENT_LENGTH: return p->in_head ? "bad Content-Length" : "bad chunk size";
    case HPE_UNEXPECTED_CONTENT_LENGTH: return "conflicting Content-Length";
    case HPE_INVALID_CHUNK_SIZE: return "bad chunk size";
    case HPE_INVALID_TRANSFER_ENCODING: return "bad Transfer-Encoding";
    case HPE_INVALID_EOF_STATE: return "connection closed inside the answer";
    default: return "malformed answer";
    }
}

/* Bytes of a header block or a trailer section: copied as received, all of
 * an answer's together bounded by MT_H1_MAX_HEAD. */
static void capture(mt_h1 *p, const char *data, size_t n)
{
    mt_buf_append(&p->resp->headers, data, n);
    p->head_bytes += n;
}

/* The trailer section ends with an empty line, which libcurl does not pass. */
static void end_trailer(mt_h1 *p)
{
    mt_buf *b = &p->resp->headers;
    if (b->len && b->data[b->len - 1] == '\n') b->len--;
    if (b->len && b->data[b->len - 1] == '\r') b->len--;
    b->data[b->len] = '\0';
    p->in_trailer = false;
}

/* The final answer is in (or the 1xx before it, and a new block starts). */
static void message_done(mt_h1 *p, bool informational)
{
    if (p->in_trailer) end_trailer(p);
    if (informational) {
        parser_reset(p);
        p->in_head = true;
        mt_buf_reset(&p->resp->headers);
        return;
    }
    bool both = (p->parser.flags & F_CHUNKED) && (p->parser.flags & F_CONTENTLENGTH);
    p->keep_alive = http_should_keep_alive(&p->parser) && !both;
    p->done = true;
}

/* One run of the parser over at most n bytes; returns the bytes it used or
 * MT_EPROTO. */
static long step(mt_h1 *p, const char *data, size_t n)
{
    bool capturing = p->in_head || p->in_trailer;
    if (capturing && n > MT_H1_MAX_HEAD - p->head_bytes) n = MT_H1_MAX_HEAD - p->head_bytes;
    cb_state s = {.h = p};
    p->parser.data = &s;
    size_t k = http_parser_execute(&p->parser, &settings, data, n);
    enum http_errno e = HTTP_PARSER_ERRNO(&p->parser);
    if (e != HPE_OK && e != HPE_PAUSED) return fail(p, p->error ? p->error : describe(p, e));
    if (e == HPE_PAUSED) http_parser_pause(&p->parser, 0);
    size_t kept = s.stop == STOP_HEAD ? k + 1 : k; /* the block's last LF, not yet used */
    if (capturing) capture(p, data, kept);
    if (s.stop == STOP_HEAD) {
        p->in_head = false;
        if (p->parser.status_code >= 200) {
            p->headers_done = true;
            if (!s.no_body && pick_coding(p)) return fail(p, "bad content encoding");
        }
    } else if (s.stop == STOP_LAST_CHUNK) {
        p->in_trailer = true;
    } else if (s.stop == STOP_DONE) {
        message_done(p, p->parser.status_code < 200);
    } else if (capturing && p->head_bytes >= MT_H1_MAX_HEAD) {
        return fail(p, "header block too large");
    } else if (k == 0) {
        return fail(p, "malformed answer"); /* no progress: never loop on it */
    }
    return (long)k;
}

long mt_h1_feed(mt_h1 *p, const char *data, size_t n)
{
    if (p->error) return MT_EPROTO;
    size_t off = 0;
    if (n) p->started = true;
    while (off < n && !p->done) {
        long k = step(p, data + off, n - off);
        if (k < 0) return k;
        off += (size_t)k;
    }
    return (long)off;
}

int mt_h1_eof(mt_h1 *p)
{
    if (p->error) return MT_EPROTO;
    if (p->done) return MT_OK;
    if (!p->started) return (int)fail(p, "connection closed before any answer");
    if (p->in_head) return (int)fail(p, "connection closed inside the header block");
    cb_state s = {.h = p};
    p->parser.data = &s;
    http_parser_execute(&p->parser, &settings, NULL, 0);
    if (HTTP_PARSER_ERRNO(&p->parser) == HPE_PAUSED) http_parser_pause(&p->parser, 0);
    if (s.stop != STOP_DONE) return (int)fail(p, "connection closed inside the body");
    message_done(p, false);
    p->keep_alive = false;
    return MT_OK;
}

bool mt_h1_done(const mt_h1 *p)
{
    return p->done;
}

bool mt_h1_started(const mt_h1 *p)
{
    return p->started;
}

bool mt_h1_headers_done(const mt_h1 *p)
{
    return p->headers_done;
}

long mt_h1_status(const mt_h1 *p)
{
    return p->headers_done ? (long)p->parser.status_code : 0;
}

bool mt_h1_keep_alive(const mt_h1 *p)
{
    return p->done && p->keep_alive;
}

uint64_t mt_h1_header_bytes(const mt_h1 *p)
{
    return p->head_bytes;
}

const char *mt_h1_error(const mt_h1 *p)
{
    return p->error ? p->error : "";
}

/* ---- header lookup ---- */

static const char *after_line(const char *p, const char *end)
{
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    return eol ? eol + 1 : end;
}

const char *mt_h1_header_next(const char *block, size_t len, const char *name, const char **pos,
                              size_t *vlen)
{
    if (!len) return NULL; /* an empty mt_buf's data may be NULL */
    const char *end = block + len, *p = *pos ? *pos : after_line(block, end);
    size_t nl = strlen(name);
    while (p < end) {
        const char *next = after_line(p, end), *stop = next;
        while (stop > p && (stop[-1] == '\n' || stop[-1] == '\r')) stop--;
        bool first = ((*p ^ *name) & ~0x20) == 0; /* cheap: most lines differ at once */
        if (first && (size_t)(stop - p) > nl && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl;
            while (v < stop && (*v == ' ' || *v == '\t')) v++;
            if (v < stop && *v == ':') {
                for (v++; v < stop && (*v == ' ' || *v == '\t'); v++) {
                }
                while (stop > v && (stop[-1] == ' ' || stop[-1] == '\t')) stop--;
                *pos = next;
                *vlen = (size_t)(stop - v);
                return v;
            }
        }
        p = next;
    }
    *pos = end;
    return NULL;
}

const char *mt_h1_header(const char *block, size_t len, const char *name, size_t *vlen)
{
    const char *pos = NULL;
    return mt_h1_header_next(block, len, name, &pos, vlen);
}
