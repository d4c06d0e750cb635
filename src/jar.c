/* jar.c: a session's cookie jar (jar.h) after RFC 6265: Set-Cookie parsed
 * (5.2) and stored (5.3), public suffixes refused through libpsl, the
 * Cookie header built (5.4). The cookies are kept in the order they are
 * sent (longer paths first, then the older), so a request walks the list
 * once and sorts nothing; an empty jar costs a request nothing. */
#include "molotov/jar.h"
#include "molotov/url.h"

#include <arpa/inet.h>
#include <libpsl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    mt_cookie c;
    unsigned long long created; /* the jar's sequence number when it was first stored */
    size_t path_len;
    char *mem; /* the strings of c, in one block */
} entry;

struct mt_jar {
    entry *v; /* sorted: longer paths first, then older first */
    size_t n, cap;
    unsigned long long seq;
};

/* A request URL as the rules need it. */
typedef struct {
    char host[256], path[1024];
    bool secure, ip;
} req_url;

/* A Set-Cookie line taken apart (the strings point into it). */
typedef struct {
    const char *name, *value, *path, *same_site;
    size_t name_len, value_len, path_len;
    char domain[256];
    bool has_domain, secure, http_only, has_max_age, has_expires;
    long long max_age_expiry, expires;
} parsed;

mt_jar *mt_jar_new(void)
{
    return mt_calloc(1, sizeof(mt_jar));
}

static void drop(mt_jar *j, size_t i)
{
    free(j->v[i].mem);
    memmove(j->v + i, j->v + i + 1, (j->n - i - 1) * sizeof(entry));
    j->n--;
}

void mt_jar_clear(mt_jar *j)
{
    for (size_t i = 0; i < j->n; i++) free(j->v[i].mem);
    j->n = 0;
}

void mt_jar_free(mt_jar *j)
{
    if (!j) return;
    mt_jar_clear(j);
    free(j->v);
    free(j);
}

size_t mt_jar_count(const mt_jar *j)
{
    return j->n;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

static bool is_ip(const char *host)
{
    unsigned char addr[16];
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static void read_url(const char *url, req_url *u)
{
    mt_url_host(url, u->host, sizeof u->host);
    lower(u->host);
    mt_url_path(url, u->path, sizeof u->path);
    u->secure = strncasecmp(url, "https:", 6) == 0 || strncasecmp(url, "wss:", 4) == 0;
    u->ip = is_ip(u->host);
}

/* 5.1.3: host is domain, or a name (not an address) ending in ".domain". */
static bool domain_match(const char *host, size_t hn, const char *domain, bool ip)
{
    size_t dn = strlen(domain);
    if (hn == dn) return memcmp(host, domain, hn) == 0;
    return !ip && hn > dn && host[hn - dn - 1] == '.' && memcmp(host + hn - dn, domain, dn) == 0;
}

/* 5.1.4: path is cookie_path, or under it on a '/' boundary. */
static bool path_match(const char *path, const char *cookie_path, size_t cn)
{
    if (!cn || strncmp(path, cookie_path, cn) != 0) return false;
    return cookie_path[cn - 1] == '/' || path[cn] == '\0' || path[cn] == '/';
}

static bool sent_to(const mt_cookie *c, size_t path_len, const req_url *u, size_t hn, long long now)
{
    if (c->expires && c->expires <= now) return false;
    if (c->secure && !u->secure) return false;
    bool domain = c->subdomains ? domain_match(u->host, hn, c->domain, u->ip)
                                : strcmp(u->host, c->domain) == 0;
    return domain && path_match(u->path, c->path, path_len);
}

bool mt_jar_matches(const mt_cookie *c, const char *url, long long now)
{
    req_url u;
    read_url(url, &u);
    return sent_to(c, strlen(c->path), &u, strlen(u.host), now);
}

void mt_jar_header(mt_jar *j, const char *url, long long now, mt_buf *out)
{
    if (!j->n) return;
    req_url u;
    read_url(url, &u);
    size_t hn = strlen(u.host);
    bool first = true;
    for (size_t i = 0; i < j->n; i++) {
        const entry *e = &j->v[i];
        if (!sent_to(&e->c, e->path_len, &u, hn, now)) continue;
        if (!first) mt_buf_append(out, "; ", 2);
        first = false;
        mt_buf_appends(out, e->c.name);
        mt_buf_append(out, "=", 1);
        mt_buf_appends(out, e->c.value);
    }
}

void mt_jar_cookie_value(mt_jar *j, const char *url, const char *extra, long long now, mt_buf *out)
{
    size_t at = out->len;
    mt_jar_header(j, url, now, out);
    if (!extra || !*extra) return;
    if (out->len > at) mt_buf_append(out, "; ", 2);
    mt_buf_appends(out, extra);
}

void mt_jar_each(mt_jar *j, long long now, void (*fn)(const mt_cookie *, void *), void *data)
{
    for (size_t i = 0; i < j->n; i++)
        if (!j->v[i].c.expires || j->v[i].c.expires > now) fn(&j->v[i].c, data);
}

/* ---- the store (5.3) ------------------------------------------------------ */

static size_t find(const mt_jar *j, const char *name, const char *domain, const char *path)
{
    for (size_t i = 0; i < j->n; i++) {
        const mt_cookie *c = &j->v[i].c;
        if (!strcmp(c->name, name) && !strcmp(c->domain, domain) && !strcmp(c->path, path))
            return i;
    }
    return j->n;
}

/* Room for one more (of domain, when not NULL): the expired go, then the
 * oldest (of that domain). */
static void make_room(mt_jar *j, const char *domain, size_t max, long long now)
{
    size_t n = 0, oldest = j->n;
    for (size_t i = j->n; i-- > 0;)
        if (j->v[i].c.expires && j->v[i].c.expires <= now) drop(j, i);
    for (size_t i = 0; i < j->n; i++) {
        if (domain && strcmp(j->v[i].c.domain, domain) != 0) continue;
        n++;
        if (oldest == j->n || j->v[i].created < j->v[oldest].created) oldest = i;
    }
    if (n >= max) drop(j, oldest);
}

/* Where a cookie with a path of path_len created now goes: after every
 * cookie with a path as long or longer. */
static size_t slot_for(const mt_jar *j, size_t path_len)
{
    size_t i = 0;
    while (i < j->n && j->v[i].path_len >= path_len) i++;
    return i;
}

static char *put(char *p, const char *s, size_t n, const char **at)
{
    memcpy(p, s, n);
    p[n] = '\0';
    *at = p;
    return p + n + 1;
}

/* The strings of a cookie copied into one block that e owns. */
static void fill(entry *e, const parsed *c, const char *domain)
{
    size_t dn = strlen(domain), sn = strlen(c->same_site);
    char *p = e->mem = mt_malloc(c->name_len + c->value_len + dn + c->path_len + sn + 5);
    p = put(p, c->name, c->name_len, &e->c.name);
    p = put(p, c->value, c->value_len, &e->c.value);
    p = put(p, domain, dn, &e->c.domain);
    p = put(p, c->path, c->path_len, &e->c.path);
    put(p, c->same_site, sn, &e->c.same_site);
    e->path_len = c->path_len;
    e->c.secure = c->secure;
    e->c.http_only = c->http_only;
}

/* Puts c (for domain; subdomains: a Domain cookie) in the jar, replacing
 * the cookie of the same name, domain and path (whose creation it keeps),
 * or deletes that one when c has expired. */
static bool keep(mt_jar *j, const parsed *c, const char *domain, bool subdomains, long long expires,
                 bool expired, long long now)
{
    char name[MT_JAR_MAX_COOKIE_BYTES + 1], path[1024];
    mt_strlcpyn(name, sizeof name, c->name, c->name_len);
    mt_strlcpyn(path, sizeof path, c->path, c->path_len);
    size_t i = find(j, name, domain, path);
    if (expired) {
        if (i < j->n) drop(j, i);
        return true;
    }
    entry e = {.created = j->seq++};
    if (i < j->n) {
        e.created = j->v[i].created;
        free(j->v[i].mem);
    } else {
        make_room(j, domain, MT_JAR_MAX_PER_DOMAIN, now);
        if (j->n >= MT_JAR_MAX_COOKIES) make_room(j, NULL, MT_JAR_MAX_COOKIES, now);
        if (j->n == j->cap) {
            j->cap = j->cap ? j->cap * 2 : 8;
            j->v = mt_realloc(j->v, j->cap * sizeof(entry));
        }
        i = slot_for(j, c->path_len);
        memmove(j->v + i + 1, j->v + i, (j->n - i) * sizeof(entry));
        j->n++;
    }
    fill(&e, c, domain);
    e.c.subdomains = subdomains;
    e.c.expires = expires;
    j->v[i] = e;
    return true;
}

void mt_jar_set(mt_jar *j, const char *domain, const char *path, const char *name,
                const char *value, bool secure)
{
    parsed c = {.name = name,
                .value = value,
                .path = path && *path ? path : "/",
                .same_site = "",
                .name_len = strlen(name),
                .value_len = strlen(value),
                .secure = secure};
    c.path_len = strlen(c.path);
    char d[256];
    mt_strlcpyn(d, sizeof d, domain, strlen(domain));
    lower(d);
    keep(j, &c, d, false, 0, false, 0);
}

/* ---- Set-Cookie (5.2) ---------------------------------------------------- */

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) (*s)++, (*n)--;
    while (*n && is_space((*s)[*n - 1])) (*n)--;
}

/* Control characters (a tab aside) would break the Cookie header. */
static bool has_ctl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) return true;
    return false;
}

static bool attr_is(const char *k, size_t kn, const char *want)
{
    return kn == strlen(want) && strncasecmp(k, want, kn) == 0;
}

/* Max-Age: an optional '-' and digits; <= 0 expires the cookie at once. */
static void read_max_age(parsed *c, const char *v, size_t n, long long now)
{
    size_t i = n && v[0] == '-';
    if (i == n) return;
    long long delta = 0;
    for (size_t k = i; k < n; k++) {
        if (v[k] < '0' || v[k] > '9') return;
        if (delta < LLONG_MAX / 20) delta = delta * 10 + (v[k] - '0');
    }
    c->has_max_age = true;
    c->max_age_expiry = i || delta == 0 ? LLONG_MIN : now + delta;
}

static void read_same_site(parsed *c, const char *v, size_t n)
{
    static const char *const known[] = {"Strict", "Lax", "None"};
    for (size_t i = 0; i < 3; i++)
        if (attr_is(v, n, known[i])) c->same_site = known[i];
}

static void read_attr(parsed *c, const char *k, size_t kn, const char *v, size_t n, long long now)
{
    if (n > 1024) return; /* 6265bis: an attribute value that long is ignored */
    if (attr_is(k, kn, "expires")) {
        c->has_expires = mt_jar_parse_date(v, n, &c->expires) || c->has_expires;
    } else if (attr_is(k, kn, "max-age")) {
        read_max_age(c, v, n, now);
    } else if (attr_is(k, kn, "domain") && n) {
        if (v[0] == '.') v++, n--;
        c->has_domain = n > 0 && n < sizeof c->domain;
        if (c->has_domain) mt_strlcpyn(c->domain, sizeof c->domain, v, n);
        lower(c->domain);
    } else if (attr_is(k, kn, "path")) {
        if (n && v[0] == '/') c->path = v, c->path_len = n;
    } else if (attr_is(k, kn, "secure")) {
        c->secure = true;
    } else if (attr_is(k, kn, "httponly")) {
        c->http_only = true;
    } else if (attr_is(k, kn, "samesite")) {
        read_same_site(c, v, n);
    }
}

/* The name and value, then the attributes (the last of a kind wins, except
 * that Max-Age wins over Expires). */
static bool parse(const char *s, size_t len, long long now, parsed *c)
{
    const char *end = s + len, *semi = memchr(s, ';', len);
    const char *pair_end = semi ? semi : end, *eq = memchr(s, '=', (size_t)(pair_end - s));
    if (!eq) return false;
    c->name = s;
    c->name_len = (size_t)(eq - s);
    c->value = eq + 1;
    c->value_len = (size_t)(pair_end - eq - 1);
    trim(&c->name, &c->name_len);
    trim(&c->value, &c->value_len);
    if (!c->name_len || c->name_len + c->value_len > MT_JAR_MAX_COOKIE_BYTES) return false;
    if (has_ctl(c->name, c->name_len) || has_ctl(c->value, c->value_len)) return false;
    for (const char *p = pair_end; p < end;) {
        const char *a = p + 1, *next = memchr(a, ';', (size_t)(end - a));
        next = next ? next : end;
        const char *aeq = memchr(a, '=', (size_t)(next - a));
        const char *k = a, *v = aeq ? aeq + 1 : next;
        size_t kn = (size_t)((aeq ? aeq : next) - a), vn = (size_t)(next - v);
        trim(&k, &kn);
        trim(&v, &vn);
        read_attr(c, k, kn, v, vn, now);
        p = next;
    }
    return true;
}

/* 5.1.4: the request path up to its last '/' ("/" when that is the first). */
static void default_path(parsed *c, const char *path)
{
    const char *last = strrchr(path, '/');
    c->path = path;
    c->path_len = path[0] != '/' || last == path ? 1 : (size_t)(last - path);
    if (path[0] != '/') c->path = "/";
}

static bool public_suffix(const char *domain)
{
    static const psl_ctx_t *psl;
    if (!psl) psl = psl_builtin();
    if (!psl) psl = psl_latest(NULL); /* a libpsl built without the list: the system's */
    return psl && psl_is_public_suffix2(psl, domain, PSL_TYPE_ANY);
}

/* 5.3 steps 5-6: the domain the cookie is kept for, or NULL when refused. */
static const char *cookie_domain(const parsed *c, const req_url *u, bool *subdomains)
{
    *subdomains = false;
    if (!c->has_domain) return u->host; /* host-only */
    bool same = !strcmp(c->domain, u->host);
    if (u->ip || public_suffix(c->domain)) return same ? u->host : NULL;
    if (!same && !domain_match(u->host, strlen(u->host), c->domain, false)) return NULL;
    *subdomains = true;
    return c->domain;
}

static bool prefix_is(const parsed *c, const char *prefix)
{
    size_t n = strlen(prefix);
    return c->name_len >= n && strncasecmp(c->name, prefix, n) == 0;
}

/* The __Secure- and __Host- prefixes and 6265bis's "a cookie from http
 * does not shadow a Secure one". */
static bool allowed(const mt_jar *j, const parsed *c, const req_url *u, bool subdomains)
{
    if ((c->secure || prefix_is(c, "__Secure-")) && !(c->secure && u->secure)) return false;
    if (prefix_is(c, "__Host-") &&
        (!c->secure || subdomains || c->path_len != 1 || c->path[0] != '/'))
        return false;
    if (u->secure) return true;
    for (size_t i = 0; i < j->n; i++) {
        const entry *e = &j->v[i];
        if (!e->c.secure || strlen(e->c.name) != c->name_len ||
            memcmp(e->c.name, c->name, c->name_len) != 0)
            continue;
        size_t hn = strlen(u->host);
        bool near = domain_match(u->host, hn, e->c.domain, u->ip) ||
                    domain_match(e->c.domain, strlen(e->c.domain), u->host, u->ip);
        char path[1024];
        mt_strlcpyn(path, sizeof path, c->path, c->path_len);
        if (near && path_match(path, e->c.path, e->path_len)) return false;
    }
    return true;
}

static bool store_one(mt_jar *j, const req_url *u, const char *value, size_t len, long long now)
{
    parsed c = {.same_site = ""};
    if (!u->host[0] || !parse(value, len, now, &c)) return false;
    if (!c.path) default_path(&c, u->path);
    bool subdomains;
    const char *domain = cookie_domain(&c, u, &subdomains);
    if (!domain || !allowed(j, &c, u, subdomains)) return false;
    long long expires = c.has_max_age ? c.max_age_expiry : c.has_expires ? c.expires : 0;
    bool expired = (c.has_max_age || c.has_expires) && expires <= now;
    return keep(j, &c, domain, subdomains, expired ? 0 : expires, expired, now);
}

bool mt_jar_store(mt_jar *j, const char *url, const char *value, size_t len, long long now)
{
    req_url u;
    read_url(url, &u);
    return store_one(j, &u, value, len, now);
}

void mt_jar_store_headers(mt_jar *j, const char *url, const char *block, size_t len, long long now)
{
    const char *p = block, *end = block + len;
    req_url u;
    bool read = false;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end, *stop = eol ? eol : end;
        if (stop > p && stop[-1] == '\r') stop--;
        if (stop - p > 11 && (*p | 0x20) == 's' && strncasecmp(p, "set-cookie:", 11) == 0) {
            if (!read) read_url(url, &u), read = true;
            store_one(j, &u, p + 11, (size_t)(stop - p - 11), now);
        }
        p = next;
    }
}

/* ---- cookie-date (5.1.1) --------------------------------------------------- */

static bool is_delim(unsigned char ch)
{
    return ch == 0x09 || (ch >= 0x20 && ch <= 0x2f) || (ch >= 0x3b && ch <= 0x40) ||
           (ch >= 0x5b && ch <= 0x60) || (ch >= 0x7b && ch <= 0x7e);
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* min..max digits at *p (then a non-digit or the end) as a number; *p moves on. */
static bool digits(const char **p, const char *end, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (*p < end && is_digit(**p) && n <= max) v = v * 10 + (*(*p)++ - '0'), n++;
    *out = v;
    return n >= min && n <= max;
}

static bool read_time(const char *p, const char *end, int t[3])
{
    for (int i = 0; i < 3; i++) {
        if (!digits(&p, end, 1, 2, &t[i])) return false;
        if (i < 2 && (p == end || *p++ != ':')) return false;
    }
    return p == end || !is_digit(*p);
}

static int read_month(const char *p, size_t n)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    for (int m = 0; n >= 3 && m < 12; m++)
        if (strncasecmp(p, months + 3 * m, 3) == 0) return m + 1;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* One date-token: the first time, day of month, month and year win. */
static void date_token(const char *p, const char *end, int t[3], int *day, int *month, int *year)
{
    const char *q = p;
    int v;
    int hms[3];
    if (t[0] < 0 && read_time(p, end, hms)) {
        memcpy(t, hms, sizeof hms);
        return;
    }
    if (*day < 0 && digits(&q, end, 1, 2, &v) && (q == end || !is_digit(*q))) {
        *day = v;
        return;
    }
    if (!*month && (*month = read_month(p, (size_t)(end - p)))) return;
    q = p;
    if (*year < 0 && digits(&q, end, 2, 4, &v) && (q == end || !is_digit(*q))) *year = v;
}

bool mt_jar_parse_date(const char *s, size_t n, long long *out)
{
    int t[3] = {-1, -1, -1}, day = -1, month = 0, year = -1;
    const char *p = s, *end = s + n;
    while (p < end) {
        while (p < end && is_delim((unsigned char)*p)) p++;
        const char *tok = p;
        while (p < end && !is_delim((unsigned char)*p)) p++;
        if (p > tok) date_token(tok, p, t, &day, &month, &year);
    }
    if (year >= 70 && year <= 99) year += 1900;
    if (year >= 0 && year <= 69) year += 2000;
    if (t[0] < 0 || day < 1 || !month || year < 1601) return false;
    if (t[0] > 23 || t[1] > 59 || t[2] > 59 || day > days_in_month(year, month)) return false;
    *out = days_from_civil(year, month, day) * 86400 + t[0] * 3600 + t[1] * 60 + t[2];
    return true;
}
