/* cybertrust serve: the lesson pages and the JSON API over HTTP, on GNU
 * libmicrohttpd, for a classroom that may be offline. This file is the
 * plumbing: options, the listening socket, request bodies (capped), the static
 * files of the web folder and Debian's Chart.js, and a clean stop on SIGINT or
 * SIGTERM; what a request means is serve_api.c's and serve_class.c's.
 *
 * A thread per connection (libmicrohttpd's MHD_USE_THREAD_PER_CONNECTION),
 * bounded by --max-connections: a run that computes for a while holds only
 * its own connection, never a student's move. Rejected: the thread pool, whose
 * threads each serve many connections, so one long run would stall the moves
 * that share its thread. Static files are served only from the web folder, by
 * names of [A-Za-z0-9._-/] with no hidden or ".." part, and only with a known
 * type; a request never names any other file. */
#define _DEFAULT_SOURCE /* strcasecmp, strncasecmp */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"

static const char usage[] =
    "usage: cybertrust serve [--listen ADDR:PORT] [--web DIR] [--out DIR] [options]\n"
    "\n"
    "Serves the lesson pages, the class sessions and their JSON API (docs/api.md)\n"
    "over HTTP, on 127.0.0.1:8017 unless --listen opens it to a classroom network\n"
    "(0.0.0.0:8017; port 0 picks a free port). Prints the address to open. Charts\n"
    "use Debian's Chart.js (libjs-chart.js); nothing comes from the internet.\n"
    "Ended class sessions are written as CSV and JSON into --out. SIGINT or SIGTERM\n"
    "stops the server: sessions not yet ended are written first, then it exits 0.\n";

typedef struct {
    const char *listen, *web, *out, *work;
    long max_body, max_sessions, max_students, max_connections, threads, idle;
    const char *args[1]; /* none are taken: the parser's count of positional arguments */
    int nargs;
} serve_args;

#define AT(f) offsetof(serve_args, f)
static const cli_opt serve_table[] = {
    {.name = "listen",
     .value = "ADDR:PORT",
     .help = "address and port (default 127.0.0.1:8017)",
     .kind = CLI_OPT_STRING,
     .at = AT(listen)},
    {.name = "web",
     .value = "DIR",
     .help = "the pages (default: the installed share/cybertrust/web,\nelse the source tree's "
             "src/web)",
     .kind = CLI_OPT_STRING,
     .at = AT(web),
     .complete = "dir"},
    {.name = "out",
     .value = "DIR",
     .help = "where class results are written\n(default ./cybertrust-classes)",
     .kind = CLI_OPT_STRING,
     .at = AT(out),
     .complete = "dir"},
    {.name = "max-body",
     .value = "BYTES",
     .help = "largest request body (default 65536)",
     .kind = CLI_OPT_LONG,
     .at = AT(max_body),
     .min = 256,
     .max = 16777216},
    {.name = "max-work",
     .value = "REPSxROUNDS",
     .help = "most replications and rounds per run request\n(default 5000x1000)",
     .kind = CLI_OPT_STRING,
     .at = AT(work)},
    {.name = "max-sessions",
     .value = "N",
     .help = "class sessions open at once (default 16)",
     .kind = CLI_OPT_LONG,
     .at = AT(max_sessions),
     .min = 1,
     .max = 10000},
    {.name = "idle",
     .value = "MINUTES",
     .help = "end a session nobody has used for this long when a new one\nneeds its place "
             "(default 240; 0: never)",
     .kind = CLI_OPT_LONG,
     .at = AT(idle),
     .min = 0,
     .max = 100000},
    {.name = "max-students",
     .value = "N",
     .help = "students per session (default 200)",
     .kind = CLI_OPT_LONG,
     .at = AT(max_students),
     .min = 1,
     .max = 100000},
    {.name = "max-connections",
     .value = "N",
     .help = "HTTP connections at once (default 256)",
     .kind = CLI_OPT_LONG,
     .at = AT(max_connections),
     .min = 1,
     .max = 100000},
    {.name = "threads",
     .value = "N",
     .help = "runs computing at once, one core each (default 4);\nresults do not depend on N",
     .kind = CLI_OPT_LONG,
     .at = AT(threads),
     .min = 1,
     .max = 1024},
    CLI_OPT_END,
};

const cli_command cli_serve_command = {.name = "serve",
                                       .usage = usage,
                                       .arg_name = "argument",
                                       .min_args = 0,
                                       .max_args = 0,
                                       .args_at = AT(args),
                                       .nargs_at = AT(nargs),
                                       .options = serve_table};

typedef struct {
    serve_ctx api;
    char web[4200];
    char chart[256]; /* Debian's Chart.js, "" when absent */
    int answering;   /* API requests between their answer and its end (atomic) */
} server;

typedef struct {
    char *buf;
    size_t len;
    int too_big;
    int answering; /* counted in server.answering */
} upload;

static enum MHD_Result reply(struct MHD_Connection *conn, int status, const char *type,
                             struct MHD_Response *r)
{
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result send_text(struct MHD_Connection *conn, int status, const char *type,
                                 const char *text)
{
    return reply(conn, status, type,
                 MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
                                                 MHD_RESPMEM_MUST_COPY));
}

static const char *mime(const char *path)
{
    static const char *const types[][2] = {{".html", "text/html; charset=utf-8"},
                                           {".css", "text/css; charset=utf-8"},
                                           {".js", "text/javascript; charset=utf-8"},
                                           {".svg", "image/svg+xml"},
                                           {".png", "image/png"},
                                           {".json", "application/json; charset=utf-8"},
                                           {".ico", "image/x-icon"},
                                           {".txt", "text/plain; charset=utf-8"},
                                           {".woff2", "font/woff2"}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0) return types[i][1];
    return NULL;
}

/* A path the web folder may answer: [A-Za-z0-9._-/], no empty, hidden or ".." part. */
static int safe_path(const char *url)
{
    if (url[0] != '/' || strlen(url) > 512) return 0;
    if (strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") !=
        strlen(url))
        return 0;
    for (const char *s = url; (s = strchr(s, '/')); s++)
        if (s[1] == '.' || (s[1] == '/')) return 0;
    return 1;
}

static enum MHD_Result send_file(struct MHD_Connection *conn, const char *path, const char *type)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return send_text(conn, 404, "text/plain; charset=utf-8", "not found\n");
    }
    return reply(conn, 200, type, MHD_create_response_from_fd((uint64_t)st.st_size, fd));
}

static enum MHD_Result static_file(server *sv, struct MHD_Connection *conn, const char *url)
{
    if (strcmp(url, "/vendor/chart.js") == 0) {
        if (!sv->chart[0])
            return send_text(conn, 404, "text/plain; charset=utf-8",
                             "chart.js is not installed: apt-get install libjs-chart.js\n");
        return send_file(conn, sv->chart, "text/javascript; charset=utf-8");
    }
    char path[4800];
    if (!safe_path(url)) return send_text(conn, 404, "text/plain; charset=utf-8", "not found\n");
    size_t n = strlen(url);
    snprintf(path, sizeof path, "%s%s%s", sv->web, url, url[n - 1] == '/' ? "index.html" : "");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(path, sizeof path, "%s%s/index.html", sv->web, url);
    const char *type = mime(path);
    if (!type) return send_text(conn, 404, "text/plain; charset=utf-8", "not found\n");
    return send_file(conn, path, type);
}

static const char *bearer(struct MHD_Connection *conn)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0) return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

static enum MHD_Result api(server *sv, struct MHD_Connection *conn, const char *url,
                           const char *method, upload *u)
{
    serve_reply out = {0, NULL, NULL};
    if (!u->answering) __atomic_add_fetch(&sv->answering, 1, __ATOMIC_SEQ_CST);
    u->answering = 1;
    if (u->too_big)
        serve_error(&out, 413, "the body is over %ld bytes", sv->api.limits.max_body);
    else if (MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, NULL, NULL) > 0)
        serve_error(&out, 400, "the API takes no query string (fields go in the JSON body)");
    else
        serve_api(&sv->api, method, url, bearer(conn), u->buf, u->len, &out);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(out.body), out.body, MHD_RESPMEM_MUST_FREE);
    if (r && out.allow) MHD_add_response_header(r, "Allow", out.allow);
    if (!r) free(out.body);
    return reply(conn, out.status, "application/json; charset=utf-8", r);
}

/* Collects the body (at most --max-body; the rest is read and dropped), then answers. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **state)
{
    server *sv = cls;
    upload *u = *state;
    (void)version;
    if (!u) {
        if (!(u = calloc(1, sizeof *u))) return MHD_NO;
        *state = u;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        u->too_big = cl && strtod(cl, NULL) > (double)sv->api.limits.max_body;
        /* refused before the body is read: the connection then closes */
        return u->too_big ? api(sv, conn, url, method, u) : MHD_YES;
    }
    if (*size) {
        if (!u->too_big && u->len + *size <= (size_t)sv->api.limits.max_body) {
            char *grown = realloc(u->buf, u->len + *size);
            if (!grown) return MHD_NO;
            memcpy(grown + u->len, data, *size);
            u->buf = grown;
            u->len += *size;
        } else
            u->too_big = 1;
        *size = 0;
        return MHD_YES;
    }
    if (strncmp(url, "/api/", 5) == 0) return api(sv, conn, url, method, u);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(conn, 405, "text/plain; charset=utf-8", "pages take GET only\n");
    return static_file(sv, conn, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode why)
{
    server *sv = cls;
    upload *u = *state;
    (void)conn, (void)why;
    if (u && u->answering) __atomic_sub_fetch(&sv->answering, 1, __ATOMIC_SEQ_CST);
    if (u) free(u->buf);
    free(u);
    *state = NULL;
}

/* URLs are unescaped as usual, except one holding "%00": a NUL would cut the
 * path short (/api/class/%00%00%00%00%00%00/state would read /api/class/), so
 * it is kept as sent, and no page or endpoint has a '%': 404. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls, (void)conn;
    return strstr(s, "%00") ? strlen(s) : MHD_http_unescape(s);
}

/* --max-work REPSxROUNDS. */
static int parse_work(const char *text, serve_limits *l)
{
    char *end;
    long reps = strtol(text, &end, 10), rounds = 0;
    if (end != text && (*end == 'x' || *end == 'X')) {
        const char *rest = end + 1;
        rounds = strtol(rest, &end, 10);
        if (end == rest || *end) rounds = 0;
    }
    if (reps < 1 || rounds < 1 || reps > 1000000000L || rounds > 100000000L) {
        cli_error("--max-work expects REPSxROUNDS such as 5000x1000, got '%s'", text);
        return EXIT_USAGE;
    }
    l->max_reps = reps;
    l->max_rounds = rounds;
    return 0;
}

/* --listen ADDR:PORT (IPv4). */
static int parse_listen(const char *text, struct sockaddr_in *sa)
{
    char addr[64];
    const char *colon = strrchr(text, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof addr || end == colon + 1 ||
        *end || port < 0 || port > 65535) {
        cli_error("--listen expects ADDR:PORT such as 127.0.0.1:8017, got '%s'", text);
        return EXIT_USAGE;
    }
    snprintf(addr, sizeof addr, "%.*s", (int)(colon - text), text);
    if (strcmp(addr, "localhost") == 0) snprintf(addr, sizeof addr, "127.0.0.1");
    if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
        cli_error("--listen: '%s' is not an IPv4 address", addr);
        return EXIT_USAGE;
    }
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

/* The web folder: --web, else share/cybertrust/web beside the data folder,
 * else the source tree's src/web. */
static int find_web(server *sv, const char *web)
{
    struct stat st;
    char dir[4200];
    if (!web) {
        snprintf(dir, sizeof dir, "%.4000s/../web",
                 cli_dir("configs", "CYBERTRUST_DATA", CT_DATA_DIR));
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            snprintf(dir, sizeof dir, "%s/../src/web", CT_DATA_DIR);
        web = dir;
    }
    if (!realpath(web, sv->web) || stat(sv->web, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("--web %s: not a folder", web);
        return EXIT_USAGE;
    }
    char index[4300];
    snprintf(index, sizeof index, "%s/index.html", sv->web);
    if (stat(index, &st) != 0 || !S_ISREG(st.st_mode)) {
        cli_error("--web %s: holds no index.html (not the pages' folder)", web);
        return EXIT_USAGE;
    }
    static const char *const charts[] = {"chart.umd.min.js", "chart.umd.js", "chart.min.js",
                                         "chart.js"};
    sv->chart[0] = '\0';
    for (size_t i = 0; i < sizeof charts / sizeof charts[0] && !sv->chart[0]; i++) {
        snprintf(sv->chart, sizeof sv->chart, "/usr/share/javascript/chart.js/%s", charts[i]);
        if (stat(sv->chart, &st) != 0 || !S_ISREG(st.st_mode)) sv->chart[0] = '\0';
    }
    if (!sv->chart[0])
        fprintf(stderr, "cybertrust serve: note: Chart.js is not installed (apt-get install "
                        "libjs-chart.js): the pages will have no charts\n");
    return 0;
}

/* The class results' folder, checked at start-up rather than at the first
 * save: a folder this user can write into, or a path whose nearest existing
 * ancestor is one (the rest is created at the first save). */
static int check_out(const char *out)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s", out);
    while (stat(path, &st) != 0) {
        if (errno != ENOENT) {
            cli_error("--out %s: %s", out, strerror(errno));
            return EXIT_USAGE;
        }
        char *slash = strrchr(path, '/');
        if (!slash)
            snprintf(path, sizeof path, ".");
        else
            slash[slash == path] = '\0'; /* "/x" becomes "/" */
    }
    if (!S_ISDIR(st.st_mode)) {
        cli_error("--out %s: %s is not a folder", out, path);
        return EXIT_USAGE;
    }
    char probe[4300]; /* a folder made and removed: access() says yes to root */
    snprintf(probe, sizeof probe, "%s/.cybertrust-probe-XXXXXX", path);
    if (!mkdtemp(probe)) {
        cli_error("--out %s: cannot write into %s: %s", out, path, strerror(errno));
        return EXIT_USAGE;
    }
    rmdir(probe);
    return 0;
}

static int setup(server *sv, const serve_args *a, struct sockaddr_in *sa)
{
    serve_limits l = {.max_body = a->max_body,
                      .max_reps = 5000,
                      .max_rounds = 1000,
                      .max_sessions = (int)a->max_sessions,
                      .max_students = (int)a->max_students,
                      .max_connections = (int)a->max_connections,
                      .threads = (int)a->threads,
                      .idle_seconds = 60.0 * (double)a->idle};
    int rc;
    if ((a->work && (rc = parse_work(a->work, &l))) || (rc = parse_listen(a->listen, sa)) ||
        (rc = find_web(sv, a->web)) || (rc = cli_out_check(a->out)) || (rc = check_out(a->out)))
        return rc;
    if (serve_init(&sv->api, &l, a->out)) return EXIT_RUNTIME;
    sv->api.cancel = cli_interrupted();
    return 0;
}

/* The start-up lines: the address to open here and, when listening on every
 * address, those the students' devices can open. */
static void print_addresses(struct in_addr addr, unsigned port)
{
    char host[64];
    int any = addr.s_addr == htonl(INADDR_ANY);
    inet_ntop(AF_INET, &addr, host, sizeof host);
    printf("cybertrust serve: open http://%s:%u/ (Ctrl-C stops)\n", any ? "127.0.0.1" : host, port);
    struct ifaddrs *list;
    if (!any || getifaddrs(&list) != 0) return;
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK))
            continue;
        struct sockaddr_in in;
        memcpy(&in, i->ifa_addr, sizeof in);
        inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
        printf("cybertrust serve: students open http://%s:%u/ (%s)\n", host, port, i->ifa_name);
    }
    freeifaddrs(list);
}

static void wait_for_signal(void)
{
    const volatile sig_atomic_t *stop = cli_interrupted();
    struct timespec tick = {0, 100000000L};
    while (!__atomic_load_n(stop, __ATOMIC_RELAXED)) /* set by a handler in any thread */
        nanosleep(&tick, NULL);
}

/* Stops accepting, then lets the API requests being answered send their reply
 * (runs in progress see the stop and answer 503) for up to 5 s: stopping the
 * daemon at once would close their connections without a reply. */
static void drain(struct MHD_Daemon *d, server *sv)
{
    MHD_socket listen = MHD_quiesce_daemon(d); /* now ours to close */
    if (listen != MHD_INVALID_SOCKET) close(listen);
    struct timespec tick = {0, 10000000L};
    for (int i = 0; i < 500 && __atomic_load_n(&sv->answering, __ATOMIC_SEQ_CST) > 0; i++)
        nanosleep(&tick, NULL);
}

int cmd_serve(int argc, char **argv)
{
    serve_args a = {.listen = "127.0.0.1:8017",
                    .out = "cybertrust-classes",
                    .max_body = 65536,
                    .max_sessions = 16,
                    .max_students = 200,
                    .max_connections = 256,
                    .threads = 4,
                    .idle = 240};
    int rc = cli_opt_parse(&cli_serve_command, argc, argv, &a);
    if (rc) return rc == CLI_OPT_HELP ? EXIT_OK : rc;
    static server sv; /* program-side: large, one per process */
    struct sockaddr_in sa;
    if ((rc = setup(&sv, &a, &sa))) return rc;
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
            MHD_USE_ITC, /* ITC: drain()'s MHD_quiesce_daemon */
        0, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)a.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        30u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
        NULL, MHD_OPTION_END);
    if (!d) {
        cli_error("serve: cannot listen on %s (in use, or not an address of this machine?)",
                  a.listen);
        serve_shutdown(&sv.api);
        return EXIT_RUNTIME;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in bound = sa;
    socklen_t len = sizeof bound;
    if (info) getsockname(info->listen_fd, (struct sockaddr *)&bound, &len);
    print_addresses(bound.sin_addr, ntohs(bound.sin_port));
    fflush(stdout);
    fprintf(stderr, "cybertrust serve: pages from %s, class results into %s\n", sv.web, a.out);
    wait_for_signal();
    drain(d, &sv);
    MHD_stop_daemon(d);
    serve_shutdown(&sv.api);
    fprintf(stderr, "cybertrust serve: stopped\n");
    return EXIT_OK;
}
