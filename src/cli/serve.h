/* cybertrust serve: the pieces shared by the HTTP plumbing (cmd_serve.c), the
 * JSON API (serve_api.c) and the class sessions (serve_class.c). The API is a
 * function from (method, path, token, body) to (status, JSON), so that tests
 * and the fuzzer call it without sockets. docs/api.md is the contract. */
#ifndef CYBERTRUST_SERVE_H
#define CYBERTRUST_SERVE_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "cybertrust/classroom.h"

#define SERVE_MAX_SCENARIOS 128
#define SERVE_NAME_MAX 64

/* A shipped scenario: its file stem, group and path. */
typedef struct {
    char name[SERVE_NAME_MAX];
    const char *group; /* "scenarios" or "classroom" */
    char path[4200];
} serve_scenario;

/* The server's limits (docs/api.md, "Limits"). */
typedef struct {
    long max_body;
    long max_reps, max_rounds; /* --max-work REPSxROUNDS */
    int max_sessions, max_students, max_connections, threads;
    double idle_seconds; /* a session nobody has touched this long is ended when a new one
                            needs its slot (--idle MINUTES; 0: never) */
} serve_limits;

/* A class session and its lock-free facts. */
typedef struct {
    ct_class *c;
    char scenario[CT_CLASS_RUNS_MAX][SERVE_NAME_MAX]; /* each run's scenario name */
    double touched;                                   /* cli_now() of its last request */
} serve_session;

/* Everything a request may read or change. The sessions are guarded by `lock`
 * (one lock for all: a move is microseconds); runs and compares by `work`,
 * which lets at most limits.threads compute at once. */
typedef struct {
    serve_limits limits;
    const char *out;        /* --out: where ended classes are written */
    const char *regime_dir; /* the loader's templates, looked up once (cli_regime_dir) */
    serve_scenario scenarios[SERVE_MAX_SCENARIOS];
    int nscenarios;
    struct json_t *scenario_list; /* GET /api/scenarios, built once */
    pthread_mutex_t lock;
    serve_session *sessions; /* [4 * max_sessions]: open ones and some ended ones */
    int nsessions;
    pthread_mutex_t work_lock;
    pthread_cond_t work_free;
    int working;
    const volatile sig_atomic_t *cancel; /* stops runs in progress (NULL: never) */
    /* the random source of codes and tokens: 0 or -1 (tests may replace it) */
    int (*random)(void *buf, size_t n);
} serve_ctx;

/* A response: status and body (owned, NUL-terminated). */
typedef struct {
    int status;
    char *body;
    const char *allow; /* for 405: the method the path takes */
} serve_reply;

/* Sets up ctx: the defaults of `limits` must be filled; scans the data
 * folder's scenarios. 0, or -1 (message printed). */
int serve_init(serve_ctx *ctx, const serve_limits *limits, const char *out);
/* Writes every session not yet ended (as `end` does), then frees everything. */
void serve_shutdown(serve_ctx *ctx);

/* One API request: `path` starts with /api/, `token` is the bearer token or
 * NULL, `body` has `len` bytes (not NUL-terminated). Always fills `out`. */
void serve_api(serve_ctx *ctx, const char *method, const char *path, const char *token,
               const char *body, size_t len, serve_reply *out);

/* The class endpoints (serve_class.c): `path` after "/api/class". */
void serve_class(serve_ctx *ctx, const char *method, const char *path, const char *token,
                 struct json_t *body, serve_reply *out);

/* Helpers shared by serve_api.c and serve_class.c. */
void serve_error(serve_reply *out, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Sets a 200 (or `status`) reply with `root` (consumed). */
void serve_json(serve_reply *out, int status, struct json_t *root);
/* 0 if every key of obj is in the NULL-terminated `allowed`, else 400 set. */
int serve_check_fields(struct json_t *obj, const char *const *allowed, serve_reply *out);
/* An optional integer field in [min, max]: 1 if present (*v set), 0 if absent,
 * -1 with the error set (400 wrong type, 422 out of range). */
int serve_get_int(struct json_t *obj, const char *key, long min, long max, long *v,
                  serve_reply *out);
/* A scenario by name, or NULL. */
const serve_scenario *serve_find_scenario(const serve_ctx *ctx, const char *name);
/* Loads a shipped scenario with "PATH=VALUE" overrides (labelled "set ..."),
 * into p; with skip_absent, overrides of a state id the scenario lacks are
 * skipped (compare's). 0 or -1 with 400 set. */
int serve_load(const serve_ctx *ctx, const serve_scenario *s, const char *const *sets, int nsets,
               int skip_absent, ct_params *p, serve_reply *out);

#endif
