/* serve's API, called as functions (serve_api) without sockets: the scenario
 * list, run and compare against the command line's own files for the same
 * inputs, every refusal with its status, a class session from join to end
 * with its files, the roles of tokens; then the real server on 127.0.0.1
 * port 0 with ordinary and hostile requests, stopped by SIGTERM. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, kill, fdopen */
#include "assert_close.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

static serve_ctx ctx;
static char out_dir[64];

static int setup(void **state)
{
    (void)state;
    serve_limits l = {.max_body = 4096,
                      .max_reps = 500,
                      .max_rounds = 100,
                      .max_sessions = 2,
                      .max_students = 5,
                      .max_connections = 16,
                      .threads = 2};
    snprintf(out_dir, sizeof out_dir, "/tmp/ct-test-serve-XXXXXX");
    assert_non_null(mkdtemp(out_dir));
    return serve_init(&ctx, &l, out_dir);
}

static pid_t server_pid; /* the real server, while a test runs it */

static int teardown(void **state)
{
    (void)state;
    if (server_pid > 0) kill(server_pid, SIGKILL);
    serve_shutdown(&ctx);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", out_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* One request; the parsed reply (caller frees) and its status. */
static json_t *call(const char *method, const char *path, const char *token, const char *body,
                    int *status)
{
    serve_reply r;
    serve_api(&ctx, method, path, token, body, body ? strlen(body) : 0, &r);
    *status = r.status;
    json_error_t e;
    json_t *root = json_loads(r.body, 0, &e);
    if (!root) fprintf(stderr, "not json: %s\n", r.body);
    assert_non_null(root);
    free(r.body);
    return root;
}

/* The status of a request, and its error message holds `needle` (if given). */
static void expect(const char *method, const char *path, const char *token, const char *body,
                   int want, const char *needle)
{
    int status;
    json_t *root = call(method, path, token, body, &status);
    const char *msg = json_string_value(json_object_get(root, "error"));
    if (status != want || (needle && (!msg || !strstr(msg, needle))))
        fprintf(stderr, "%s %s %s -> %d %s\n", method, path, body ? body : "", status,
                msg ? msg : "");
    assert_int_equal(status, want);
    if (needle) assert_non_null(strstr(msg, needle));
    json_decref(root);
}

static json_t *load_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    assert_non_null(root);
    return root;
}

static void run_program(const char *args, const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s --out %s --quiet 2>/dev/null", CT_PROGRAM, args, dir);
    assert_int_equal(system(cmd), 0);
}

static void test_serve_scenarios(void **state)
{
    (void)state;
    int status;
    json_t *root = call("GET", "/api/scenarios", NULL, NULL, &status);
    assert_int_equal(status, 200);
    json_t *list = json_object_get(root, "scenarios"), *s;
    size_t i;
    int hotline = 0, step = 0;
    json_array_foreach(list, i, s)
    {
        const char *name = json_string_value(json_object_get(s, "name"));
        if (strcmp(name, "us_russia_hotline") == 0) {
            hotline = 1;
            json_t *st = json_array_get(json_object_get(s, "states"), 1);
            assert_string_equal(json_string_value(json_object_get(st, "id")), "ru");
        }
        step |= strcmp(name, "03_misread_incidents") == 0;
    }
    assert_true(hotline && step);
    json_decref(root);
}

/* The API's run is the command line's summary.json and series.csv, number for number. */
static void test_serve_run_equals_command_line(void **state)
{
    (void)state;
    int status;
    json_t *api = call("POST", "/api/run", NULL,
                       "{\"scenario\":\"04_hotline\",\"set\":{\"world.misperception\":0.2,"
                       "\"states.cn.strategy.kind\":\"fox\"},\"reps\":40,\"rounds\":12,"
                       "\"seed\":2017}",
                       &status);
    assert_int_equal(status, 200);
    char dir[64] = "/tmp/ct-test-run-XXXXXX";
    assert_non_null(mkdtemp(dir));
    run_program("run " CT_SOURCE_DIR "/scenarios/classroom/04_hotline.cfg --set "
                "world.misperception=0.2 --set states.cn.strategy.kind=fox --reps 40 --rounds 12 "
                "--seed 2017",
                dir);
    json_t *file = load_file(dir, "summary.json"), *summary = json_object_get(api, "summary");
    json_object_del(file, "file");
    json_object_del(file, "command");
    json_object_del(summary, "file");
    json_object_del(summary, "command");
    assert_true(json_equal(file, summary));
    /* series.csv, row by row */
    char path[128], line[2048];
    snprintf(path, sizeof path, "%s/series.csv", dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    json_t *series = json_object_get(api, "series");
    size_t row = 0;
    int header = 1;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#') continue;
        if (header) {
            header = 0;
            continue;
        }
        json_t *r = json_array_get(series, row++);
        assert_non_null(r);
        long t;
        char id[16];
        double n, v[10];
        assert_int_equal(sscanf(line, "%ld,%15[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &t,
                                id, &n, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
                                &v[8], &v[9]),
                         13);
        assert_int_equal(json_integer_value(json_object_get(r, "round")), t);
        assert_string_equal(json_string_value(json_object_get(r, "state")), id);
        assert_close(json_number_value(json_object_get(r, "trust_mean")), v[0], 0.0);
        assert_close(json_number_value(json_object_get(r, "share_mean")), v[2], 0.0);
        assert_close(json_number_value(json_object_get(r, "exposure_mean")), v[4], 0.0);
        assert_close(json_number_value(json_object_get(r, "payoff_sd")), v[9], 0.0);
    }
    fclose(fp);
    assert_int_equal(row, json_array_size(series));
    assert_int_equal(row, 24); /* 12 rounds, 2 states */
    json_decref(file);
    json_decref(api);
    snprintf(line, sizeof line, "rm -rf %s", dir);
    assert_int_equal(system(line), 0);
}

static void test_serve_compare_equals_command_line(void **state)
{
    (void)state;
    int status;
    json_t *api = call("POST", "/api/compare", NULL,
                       "{\"scenarios\":[\"04_hotline\",\"05_joint_unit\"],\"reps\":30,"
                       "\"rounds\":10}",
                       &status);
    assert_int_equal(status, 200);
    char dir[64] = "/tmp/ct-test-cmp-XXXXXX";
    assert_non_null(mkdtemp(dir));
    run_program("compare " CT_SOURCE_DIR "/scenarios/classroom/04_hotline.cfg " CT_SOURCE_DIR
                "/scenarios/classroom/05_joint_unit.cfg --reps 30 --rounds 10",
                dir);
    json_t *file = load_file(dir, "compare.json");
    json_t *objs[2] = {file, api};
    for (int k = 0; k < 2; k++) {
        json_object_del(objs[k], "command");
        json_t *s;
        size_t i;
        json_array_foreach(json_object_get(objs[k], "scenarios"), i, s) json_object_del(s, "file");
    }
    assert_true(json_equal(file, api));
    json_decref(file);
    json_decref(api);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_serve_refusals(void **state)
{
    (void)state;
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"set\":{\"regime.clarity\":2}}",
           400, "regime.clarity");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"set\":{\"world.nope\":1}}",
           400, "world.nope");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"set\":{\"a=b\":1}}", 400,
           "not a setting");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"set\":{\"x\":[1]}}", 400,
           "number or a string");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"bogus\":1}", 400,
           "unknown field 'bogus'");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"nope\"}", 422, "unknown scenario");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"../configs/cybertrust\"}", 422,
           "unknown scenario");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"/etc/passwd\"}", 422, "unknown scenario");
    expect("POST", "/api/run", NULL, "{\"scenario\":7}", 400, "scenario");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"reps\":501}", 422,
           "cap of 500");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"reps\":10,\"rounds\":101}",
           422, "cap of 100");
    expect("POST", "/api/run", NULL,
           "{\"scenario\":\"04_hotline\",\"set\":{\"simulation.replications\":100000}}", 422,
           "reps 100000");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"reps\":\"10\"}", 400,
           "reps must be an integer");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"04_hotline\",\"reps\":0}", 422, "reps");
    expect("POST", "/api/run", NULL, "{\"scenario\":", 400, "malformed json");
    expect("POST", "/api/run", NULL, "[1,2]", 400, "json object");
    expect("POST", "/api/run", NULL, "{\"scenario\":\"a\",\"scenario\":\"b\"}", 400,
           "malformed json");
    expect("POST", "/api/compare", NULL, "{\"scenarios\":[\"04_hotline\"]}", 400, "2 to 16");
    expect("POST", "/api/compare", NULL,
           "{\"scenarios\":[\"04_hotline\",\"us_russia_hotline\"],\"reps\":5,\"rounds\":2,"
           "\"set\":{\"states.xx.trust\":0.1}}",
           400, "no scenario has a state");
    expect("POST", "/api/compare", NULL,
           "{\"scenarios\":[\"04_hotline\",\"us_russia_hotline\"],\"reps\":5,\"rounds\":2,"
           "\"set\":{\"states.ru.trust\":0.1}}",
           200, NULL);
    expect("POST", "/api/compare", NULL, "{\"scenarios\":[\"04_hotline\",3]}", 400, "2 to 16");
    expect("GET", "/api/run", NULL, NULL, 405, "/api/run takes POST only");
    expect("POST", "/api/limits", NULL, NULL, 405, "/api/limits takes GET only");
    expect("DELETE", "/api/class", NULL, NULL, 405, NULL);
    expect("GET", "/api/nothing", NULL, NULL, 404, "no such endpoint");
    char big[5000];
    memset(big, ' ', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect("POST", "/api/run", NULL, big, 413, "over 4096 bytes");
}

/* A class from join to end, with the refusals of item 5 on the way. */
static void test_serve_class_session(void **state)
{
    (void)state;
    int status;
    json_t *t =
        call("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\",\"rounds\":2}", &status);
    assert_int_equal(status, 201);
    char code[8], teacher[40], base[64], path[128], tok[3][40];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(t, "code")));
    snprintf(teacher, sizeof teacher, "%s", json_string_value(json_object_get(t, "teacher_token")));
    assert_int_equal(strlen(teacher), 32);
    assert_int_equal(strspn(code, CT_CLASS_ALPHABET), 6);
    json_decref(t);
    snprintf(base, sizeof base, "/api/class/%s", code);
#define P(action) (snprintf(path, sizeof path, "%s/%s", base, action), path)
    const char *names[] = {"{\"name\":\"Alice\"}", "{\"name\":\"<b>Bob</b>\"}",
                           "{\"name\":\"Carol\"}"};
    for (int i = 0; i < 3; i++) {
        json_t *j = call("POST", P("join"), NULL, names[i], &status);
        assert_int_equal(status, 201);
        assert_int_equal(json_integer_value(json_object_get(j, "player")), i + 1);
        assert_string_equal(json_string_value(json_object_get(j, "seat")), i % 2 ? "cn" : "us");
        snprintf(tok[i], sizeof tok[i], "%s", json_string_value(json_object_get(j, "token")));
        json_decref(j);
    }
    expect("POST", P("join"), NULL, "{\"name\":\"Alice\"}", 409, "already taken");
    expect("POST", P("join"), NULL, "{\"name\":\"a\\u0007b\"}", 422, "control");
    expect("POST", P("join"), NULL, "{\"name\":\"a\\u0000b\"}", 400, "malformed json");
    expect("POST", P("join"), NULL, "{\"name\":5}", 400, "name must be a string");
    expect("POST", P("join"), NULL, "{\"name\":\"x\",\"seat\":\"us\"}", 400, "unknown field");
    expect("POST", "/api/class/ZZZZZZ/join", NULL, "{\"name\":\"x\"}", 404, "no session");
    expect("POST", P("start"), NULL, NULL, 401, "token");
    expect("POST", P("start"), "00000000000000000000000000000000", NULL, 401, "unknown token");
    expect("POST", P("start"), tok[0], NULL, 403, "only the teacher");
    expect("GET", P("state"), teacher, NULL, 403, "only a student");
    expect("POST", P("move"), tok[0], "{\"round\":1,\"share\":0.1}", 409, "not playing");
    expect("GET", P("start"), teacher, NULL, 405, "POST");
    expect("POST", P("start"), teacher, NULL, 200, NULL);
    expect("POST", P("move"), tok[0], "{\"round\":1,\"share\":5}", 422, "share must be");
    expect("POST", P("move"), tok[0], "{\"round\":1,\"share\":\"0.1\"}", 400, "share must be");
    expect("POST", P("move"), tok[0], "{\"round\":1,\"exploit\":1}", 400, "exploit");
    expect("POST", P("move"), tok[0], "{\"share\":0.1}", 400, "round is required");
    expect("POST", P("move"), tok[0], "{\"round\":2,\"share\":0.1}", 409, "not open");
    expect("POST", P("move"), tok[0], "{\"round\":1,\"withdraw\":true,\"share\":0}", 400,
           "withdraw");
    expect("POST", P("move"), tok[0], "{\"round\":1,\"share\":0.1}", 200, NULL);
    expect("POST", P("move"), tok[0], "{\"round\":1,\"share\":0.1}", 409, "already moved");
    json_t *st = call("GET", P("state"), tok[0], NULL, &status);
    assert_true(json_is_true(json_object_get(st, "waiting")));
    assert_string_equal(json_string_value(json_object_get(st, "partner")), "<b>Bob</b>");
    json_decref(st);
    expect("POST", P("move"), tok[1], "{\"round\":1,\"share\":0.05,\"exploit\":true}", 200, NULL);
    expect("POST", P("move"), tok[1], "{\"round\":1,\"share\":0.05}", 409, "already resolved");
    expect("POST", P("move"), tok[2], "{\"round\":1,\"withdraw\":true}", 200, NULL);
    /* the teacher's aggregates after round 1: one exploitation, one pair cooperating */
    json_t *tv = call("GET", P("teacher"), teacher, NULL, &status);
    assert_int_equal(status, 200);
    assert_int_equal(json_integer_value(json_object_get(tv, "exploitations")), 1);
    assert_int_equal(json_integer_value(json_object_get(tv, "cooperating")), 0);
    json_t *students = json_object_get(tv, "students");
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(students, 1), "exploitations")), 1);
    assert_true(json_is_true(json_object_get(json_array_get(students, 2), "withdrew")));
    assert_true(json_is_false(json_object_get(json_array_get(students, 0), "withdrew")));
    json_t *r1 = json_array_get(json_object_get(tv, "by_round"), 0);
    assert_close(json_number_value(json_object_get(r1, "share_mean")), (0.1 + 0.05 + 0.0) / 3,
                 1e-15);
    assert_int_equal(json_array_size(json_object_get(json_object_get(tv, "ranking"), "payoff")), 3);
    json_decref(tv);
    json_t *me = call("GET", P("me"), tok[2], NULL, &status);
    assert_string_equal(json_string_value(json_object_get(me, "name")), "Carol");
    json_decref(me);
    json_t *rv = call("POST", P("reveal"), teacher, NULL, &status);
    assert_int_equal(status, 200);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(rv, "reveal"), "class"), "students")),
                     3);
    json_decref(rv);
    expect("POST", P("move"), tok[0], "{\"round\":2,\"share\":0.1}", 409, "not playing");
    expect("POST", P("rerun"), teacher, "{\"scenario\":\"05_joint_unit\",\"rounds\":1}", 200, NULL);
    expect("POST", P("move"), tok[0], "{\"round\":1,\"share\":0.1}", 200, NULL);
    json_t *end = call("POST", P("end"), teacher, NULL, &status);
    assert_int_equal(status, 200);
    assert_int_equal(json_array_size(json_object_get(end, "files")), 2);
    json_decref(end);
    expect("POST", P("end"), teacher, NULL, 409, "already ended");
    /* the files: run 1, two pairs resolved round 1 (4 rows); run 2 none */
    char name[64], line[1024];
    snprintf(name, sizeof name, "class-%s.json", code);
    json_t *res = load_file(out_dir, name);
    assert_int_equal(json_array_size(json_object_get(res, "runs")), 2);
    json_decref(res);
    snprintf(path, sizeof path, "%s/class-%s.csv", out_dir, code);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    int rows = 0;
    while (fgets(line, sizeof line, fp))
        rows += line[0] != '#' && strncmp(line, "run,", 4) != 0;
    fclose(fp);
    assert_int_equal(rows, 4);
#undef P
}

/* Anonymous: the teacher sees labels, never names; the rankings go best first. */
static void test_serve_anonymous_ranking(void **state)
{
    (void)state;
    int status;
    json_t *t = call("POST", "/api/class", NULL,
                     "{\"scenario\":\"04_hotline\",\"rounds\":1,\"anonymous\":true}", &status);
    assert_int_equal(status, 201);
    char base[64], path[96], tok[2][40], teacher[40];
    snprintf(base, sizeof base, "/api/class/%s", json_string_value(json_object_get(t, "code")));
    snprintf(teacher, sizeof teacher, "%s", json_string_value(json_object_get(t, "teacher_token")));
    json_decref(t);
    const char *names[] = {"{\"name\":\"Ann\"}", "{\"name\":\"Ben\"}"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/join", base);
        json_t *j = call("POST", path, NULL, names[i], &status);
        snprintf(tok[i], sizeof tok[i], "%s", json_string_value(json_object_get(j, "token")));
        json_decref(j);
    }
    snprintf(path, sizeof path, "%s/start", base);
    expect("POST", path, teacher, NULL, 200, NULL);
    snprintf(path, sizeof path, "%s/move", base);
    expect("POST", path, tok[0], "{\"round\":1,\"share\":0.2}", 200, NULL);
    expect("POST", path, tok[1], "{\"round\":1,\"share\":0.0,\"exploit\":true}", 200, NULL);
    snprintf(path, sizeof path, "%s/teacher", base);
    json_t *tv = call("GET", path, teacher, NULL, &status);
    char *text = json_dumps(tv, 0);
    assert_null(strstr(text, "Ann"));
    assert_null(strstr(text, "Ben"));
    free(text);
    json_t *rank = json_object_get(json_object_get(tv, "ranking"), "payoff");
    assert_int_equal(json_array_size(rank), 2);
    double first = json_number_value(json_object_get(json_array_get(rank, 0), "value")),
           second = json_number_value(json_object_get(json_array_get(rank, 1), "value"));
    assert_true(first >= second);
    const char *label = json_string_value(json_object_get(json_array_get(rank, 0), "label"));
    assert_true(strcmp(label, "Player 1") == 0 || strcmp(label, "Player 2") == 0);
    json_decref(tv);
    /* the student still sees the partner as a label */
    snprintf(path, sizeof path, "%s/state", base);
    json_t *st = call("GET", path, tok[0], NULL, &status);
    assert_string_equal(json_string_value(json_object_get(st, "partner")), "Player 2");
    assert_string_equal(json_string_value(json_object_get(st, "phase")), "finished");
    json_decref(st);
    snprintf(path, sizeof path, "%s/end", base);
    expect("POST", path, teacher, NULL, 200, NULL);
}

/* Teacher pace through the API, and the hostile requests of the hunt that
 * failed before (invisible or reordering names, the pace's refusals). */
static void test_serve_teacher_pace(void **state)
{
    (void)state;
    int status;
    expect("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\",\"pace\":5}", 400,
           "pace must be a string");
    expect("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\",\"pace\":\"fast\"}",
           422, "pace must be \"pairs\" or \"teacher\"");
    json_t *t = call("POST", "/api/class", NULL,
                     "{\"scenario\":\"04_hotline\",\"rounds\":2,\"pace\":\"teacher\"}", &status);
    assert_int_equal(status, 201);
    json_t *sj = json_object_get(t, "session");
    assert_string_equal(json_string_value(json_object_get(sj, "pace")), "teacher");
    char base[64], path[96], tok[2][40], teacher[40];
    snprintf(base, sizeof base, "/api/class/%s", json_string_value(json_object_get(t, "code")));
    snprintf(teacher, sizeof teacher, "%s", json_string_value(json_object_get(t, "teacher_token")));
    json_decref(t);
#define PT(action) (snprintf(path, sizeof path, "%s/%s", base, action), path)
    /* names of no-break spaces or a zero-width space only, or with a direction override */
    expect("POST", PT("join"), NULL, "{\"name\":\"\\u00a0\\u00a0\"}", 422, "visible");
    expect("POST", PT("join"), NULL, "{\"name\":\"\\u200b\"}", 422, "visible");
    expect("POST", PT("join"), NULL, "{\"name\":\"abc\\u202edef\"}", 422, "direction");
    const char *names[] = {"{\"name\":\"Ann\"}", "{\"name\":\"Ben\"}"};
    for (int i = 0; i < 2; i++) {
        json_t *j = call("POST", PT("join"), NULL, names[i], &status);
        assert_int_equal(status, 201);
        snprintf(tok[i], sizeof tok[i], "%s", json_string_value(json_object_get(j, "token")));
        json_decref(j);
    }
    expect("POST", PT("next"), teacher, NULL, 409, "not playing");
    expect("POST", PT("start"), teacher, NULL, 200, NULL);
    expect("POST", PT("move"), tok[0], "{\"round\":1,\"share\":0.01}", 200, NULL);
    json_t *mv = call("POST", PT("move"), tok[1], "{\"round\":1,\"share\":0.01}", &status);
    assert_int_equal(status, 200);
    assert_true(json_is_false(json_object_get(mv, "resolved"))); /* both moved: waits */
    json_t *st = json_object_get(mv, "state");
    assert_true(json_is_true(json_object_get(st, "waiting")));
    assert_int_equal(json_integer_value(json_object_get(st, "round")), 1);
    json_decref(mv);
    expect("POST", PT("move"), tok[1], "{\"round\":1,\"share\":0.0}", 409, "already moved");
    expect("POST", PT("next"), tok[0], NULL, 403, "only the teacher");
    expect("POST", PT("next"), teacher, "{\"round\":1,\"x\":1}", 400, "unknown field");
    expect("POST", PT("next"), teacher, "{\"round\":\"1\"}", 400, "round must be an integer");
    expect("POST", PT("next"), teacher, "{\"round\":2}", 409, "not open");
    expect("POST", PT("next"), teacher, "{\"round\":1}", 200, NULL);
    expect("POST", PT("next"), teacher, "{\"round\":1}", 409, "already resolved"); /* twice */
    st = call("GET", PT("state"), tok[1], NULL, &status);
    assert_int_equal(json_integer_value(json_object_get(st, "round")), 2);
    assert_true(json_is_false(json_object_get(st, "waiting")));
    json_decref(st);
    /* round 2: Ben is away; next plays his last share without exploiting, and says so */
    expect("POST", PT("move"), tok[0], "{\"round\":2,\"share\":0.0}", 200, NULL);
    expect("POST", PT("next"), teacher, NULL, 200, NULL);
    json_t *tv = call("GET", PT("teacher"), teacher, NULL, &status);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(tv, "session"), "phase")), "finished");
    json_t *ben = json_array_get(json_object_get(tv, "students"), 1);
    assert_int_equal(json_integer_value(json_object_get(ben, "defaulted")), 1);
    assert_int_equal(json_integer_value(json_object_get(ben, "exploitations")), 0);
    json_decref(tv);
    st = call("GET", PT("state"), tok[1], NULL, &status);
    json_t *last = json_object_get(st, "last");
    assert_close(json_number_value(json_object_get(last, "share")), 0.01, 0.0);
    assert_true(json_is_false(json_object_get(last, "exploit")));
    json_decref(st);
    expect("POST", PT("next"), teacher, NULL, 409, "not playing");
    expect("POST", PT("end"), teacher, NULL, 200, NULL);
    /* a class at the pairs' pace has no next */
    t = call("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\"}", &status);
    snprintf(base, sizeof base, "/api/class/%s", json_string_value(json_object_get(t, "code")));
    snprintf(teacher, sizeof teacher, "%s", json_string_value(json_object_get(t, "teacher_token")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(t, "session"), "pace")), "pairs");
    json_decref(t);
    expect("POST", PT("join"), NULL, names[0], 201, NULL);
    expect("POST", PT("start"), teacher, NULL, 200, NULL);
    expect("POST", PT("next"), teacher, NULL, 409, "pace pairs");
    expect("POST", PT("end"), teacher, NULL, 200, NULL);
    expect("POST", PT("end"), teacher, NULL, 409, "already ended");
#undef PT
}

static void test_serve_session_cap(void **state)
{
    (void)state;
    int status;
    json_t *a = call("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\"}", &status);
    assert_int_equal(status, 201);
    json_t *b = call("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\"}", &status);
    assert_int_equal(status, 201);
    expect("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\"}", 503, "too many");
    expect("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\",\"rounds\":201}", 422,
           "rounds");
    expect("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\",\"anonymous\":1}", 400,
           "anonymous");
    /* the class is capped at 5 students */
    char path[64];
    snprintf(path, sizeof path, "/api/class/%s/join",
             json_string_value(json_object_get(a, "code")));
    for (int i = 0; i < 5; i++) {
        char body[32];
        snprintf(body, sizeof body, "{\"name\":\"s%d\"}", i);
        expect("POST", path, NULL, body, 201, NULL);
    }
    expect("POST", path, NULL, "{\"name\":\"late\"}", 409, "full");
    /* codes are found whatever their case */
    for (char *c = path; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    expect("POST", path, NULL, "{\"name\":\"later\"}", 409, "full");
    /* abandoned sessions give way: idle past the limit, they are ended (the one
     * with students written) when a new session needs a place */
    ctx.limits.idle_seconds = 0.05;
    struct timespec wait = {.tv_nsec = 100000000};
    nanosleep(&wait, NULL);
    json_t *c = call("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\"}", &status);
    assert_int_equal(status, 201);
    char file[256];
    snprintf(file, sizeof file, "%s/class-%s.json", out_dir,
             json_string_value(json_object_get(a, "code")));
    assert_int_equal(access(file, F_OK), 0);
    snprintf(file, sizeof file, "%s/class-%s.json", out_dir,
             json_string_value(json_object_get(b, "code")));
    assert_int_not_equal(access(file, F_OK), 0); /* no students: nothing to keep */
    ctx.limits.idle_seconds = 0;
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

/* ---- the real server ------------------------------------------------------------- */

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Sends raw bytes; the status of the reply (0 when the connection closed without one). */
static int raw(int port, const char *request, char *reply, size_t n)
{
    int fd = connect_to(port);
    size_t len = strlen(request);
    assert_int_equal(write(fd, request, len), (ssize_t)len);
    size_t got = 0;
    ssize_t k;
    while (got + 1 < n && (k = read(fd, reply + got, n - 1 - got)) > 0)
        got += (size_t)k;
    reply[got] = '\0';
    close(fd);
    int status = 0;
    sscanf(reply, "HTTP/1.%*d %d", &status);
    return status;
}

static void test_serve_real_server(void **state)
{
    (void)state;
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(CT_PROGRAM, CT_PROGRAM, "serve", "--listen", "127.0.0.1:0", "--out", out_dir,
              "--max-body", "1024", "--max-work", "200000x1000", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    server_pid = pid;
    FILE *fp = fdopen(out[0], "r");
    char line[256], reply[65536];
    assert_non_null(fgets(line, sizeof line, fp));
    int port = 0;
    assert_int_equal(sscanf(line, "cybertrust serve: open http://127.0.0.1:%d/", &port), 1);
    assert_true(port > 0);
    const char *close_ = "Connection: close\r\n\r\n";
    char req[2048];
    snprintf(req, sizeof req, "GET /api/limits HTTP/1.1\r\nHost: x\r\n%s", close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 200);
    assert_non_null(strstr(reply, "\"max_body\":1024"));
    assert_non_null(strstr(reply, "application/json"));
    /* the pages and Chart.js */
    snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: x\r\n%s", close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 200);
    snprintf(req, sizeof req, "GET /vendor/chart.js HTTP/1.1\r\nHost: x\r\n%s", close_);
    int chart = raw(port, req, reply, sizeof reply);
    assert_true(chart == 200 || (chart == 404 && strstr(reply, "libjs-chart.js")));
    /* hostile: paths out of the web folder, a huge body, garbage */
    const char *paths[] = {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/.hidden",
                           "/js/../../../etc/passwd", "//etc/passwd"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n%s", paths[i], close_);
        int status = raw(port, req, reply, sizeof reply);
        assert_true(status == 404 || status == 400);
        assert_null(strstr(reply, "cmake_minimum_required"));
        assert_null(strstr(reply, "root:"));
    }
    /* a NUL in the path ends it: what is left is a page of the folder, nothing else */
    snprintf(req, sizeof req, "GET /index.html%%00/../../CMakeLists.txt HTTP/1.1\r\nHost: x\r\n%s",
             close_);
    raw(port, req, reply, sizeof reply);
    assert_null(strstr(reply, "cmake_minimum_required"));
    snprintf(req, sizeof req,
             "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n%s", close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 413);
    assert_non_null(strstr(reply, "over 1024 bytes"));
    raw(port, "\x01\x02garbage\r\n\r\n", reply, sizeof reply);
    /* a class with one student, left open: SIGTERM writes it */
    const char *body = "{\"scenario\":\"04_hotline\",\"rounds\":3}";
    snprintf(req, sizeof req,
             "POST /api/class HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s",
             strlen(body), body);
    assert_int_equal(raw(port, req, reply, sizeof reply), 201);
    char code[8];
    assert_int_equal(sscanf(strstr(reply, "\"code\":\""), "\"code\":\"%6[A-Z0-9]", code), 1);
    body = "{\"name\":\"Ada\"}";
    snprintf(req, sizeof req,
             "POST /api/class/%s/join HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s",
             code, strlen(body), body);
    assert_int_equal(raw(port, req, reply, sizeof reply), 201);
    /* an encoded NUL does not cut a path short: /api/class/ would answer 405 */
    snprintf(req, sizeof req, "GET /api/class/%%00%%00%%00%%00%%00%%00/state HTTP/1.1\r\nHost: x\r\n%s",
             close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 404);
    snprintf(req, sizeof req, "GET /index.html%%00.png HTTP/1.1\r\nHost: x\r\n%s", close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 404);
    /* a query string on the API is refused, not ignored */
    snprintf(req, sizeof req, "GET /api/limits?max_body=1 HTTP/1.1\r\nHost: x\r\n%s", close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 400);
    assert_non_null(strstr(reply, "query string"));
    /* the server still answers after all that */
    snprintf(req, sizeof req, "GET /api/limits HTTP/1.1\r\nHost: x\r\n%s", close_);
    assert_int_equal(raw(port, req, reply, sizeof reply), 200);
    /* SIGTERM during a long compare: it is answered 503, not dropped */
    body = "{\"scenarios\":[\"us_russia_hotline\",\"us_russia_joint_unit_2017\"],"
           "\"reps\":200000,\"rounds\":1000}";
    snprintf(req, sizeof req,
             "POST /api/compare HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n%s",
             strlen(body), body);
    int fd = connect_to(port);
    assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    struct timespec pause = {0, 300000000L};
    nanosleep(&pause, NULL);
    assert_int_equal(kill(pid, SIGTERM), 0);
    size_t got = 0;
    ssize_t k;
    while (got + 1 < sizeof reply && (k = read(fd, reply + got, sizeof reply - 1 - got)) > 0)
        got += (size_t)k;
    reply[got] = '\0';
    close(fd);
    assert_non_null(strstr(reply, "HTTP/1.1 503"));
    assert_non_null(strstr(reply, "the server is stopping"));
    int wstatus;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    server_pid = 0;
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), 0);
    fclose(fp);
    char path[256];
    snprintf(path, sizeof path, "%s/class-%s.json", out_dir, code);
    assert_int_equal(access(path, R_OK), 0);
}

/* serve's start-up refuses an --out that cannot hold the class results and
 * a --web without the pages (once found only at the first save, or never):
 * exit 2 at once, naming the option, no server started. */
static int serve_exit(const char *args, char *err, size_t n)
{
    char cmd[1024], path[128];
    snprintf(path, sizeof path, "%s/serve.err", out_dir);
    snprintf(cmd, sizeof cmd, "timeout 10 %s serve --listen 127.0.0.1:0 %s >/dev/null 2>%s",
             CT_PROGRAM, args, path);
    int rc = system(cmd);
    FILE *fp = fopen(path, "r");
    size_t got = fp ? fread(err, 1, n - 1, fp) : 0;
    err[got] = '\0';
    if (fp) fclose(fp);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_serve_startup_refusals(void **state)
{
    (void)state;
    char args[512], err[1024], file[128];
    snprintf(file, sizeof file, "%s/afile", out_dir);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    snprintf(args, sizeof args, "--out %s", file);
    assert_int_equal(serve_exit(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "afile is not a folder"));
    snprintf(args, sizeof args, "--out %s/sub", file);
    assert_int_equal(serve_exit(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--out "));
    snprintf(args, sizeof args, "--web %s", out_dir);
    assert_int_equal(serve_exit(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "holds no index.html"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serve_scenarios),
        cmocka_unit_test(test_serve_run_equals_command_line),
        cmocka_unit_test(test_serve_compare_equals_command_line),
        cmocka_unit_test(test_serve_refusals),
        cmocka_unit_test(test_serve_class_session),
        cmocka_unit_test(test_serve_anonymous_ranking),
        cmocka_unit_test(test_serve_teacher_pace),
        cmocka_unit_test(test_serve_session_cap),
        cmocka_unit_test(test_serve_real_server),
        cmocka_unit_test(test_serve_startup_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
