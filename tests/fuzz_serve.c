/* libFuzzer target: serve's API (serve_api: body parsing, field checks, run
 * and compare with overrides, the class endpoints and the state machine
 * behind them). Input: one byte choosing the method and whether to send the
 * teacher's token, a student's or the input's own, then the path up to a
 * newline, then the body. The server's state persists across inputs, as in a
 * real server: a class is opened at start with a fixed code (the random
 * source is a counter), so inputs can reach /api/class/CODE/... Nothing may
 * crash, leak, or answer without a JSON body and a status. Built with cmake
 * -DCT_FUZZ=ON (CC=clang). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static serve_ctx ctx;
static char teacher[CT_CLASS_TOKEN_HEX], student[CT_CLASS_TOKEN_HEX];

static int counter_random(void *buf, size_t n)
{
    static unsigned char next;
    unsigned char *b = buf;
    for (size_t i = 0; i < n; i++)
        b[i] = next++;
    return 0;
}

static void call(const char *method, const char *path, const char *token, const char *body,
                 serve_reply *r)
{
    serve_api(&ctx, method, path, token, body, body ? strlen(body) : 0, r);
}

/* One server for the whole run, with a class in its lobby and one student. */
static void start(void)
{
    static char out[64] = "/tmp/ct-fuzz-serve-XXXXXX";
    serve_limits l = {.max_body = 4096,
                      .max_reps = 20,
                      .max_rounds = 20,
                      .max_sessions = 4,
                      .max_students = 8,
                      .max_connections = 8,
                      .threads = 1};
    if (!mkdtemp(out) || serve_init(&ctx, &l, out)) abort();
    ctx.random = counter_random;
    serve_reply r;
    call("POST", "/api/class", NULL, "{\"scenario\":\"04_hotline\",\"rounds\":3}", &r);
    json_t *j = json_loads(r.body, 0, NULL);
    snprintf(teacher, sizeof teacher, "%s", json_string_value(json_object_get(j, "teacher_token")));
    char path[64];
    snprintf(path, sizeof path, "/api/class/%s/join",
             json_string_value(json_object_get(j, "code")));
    fprintf(stderr, "fuzz_serve: class %s\n", json_string_value(json_object_get(j, "code")));
    json_decref(j);
    free(r.body);
    call("POST", path, NULL, "{\"name\":\"fuzz\"}", &r);
    j = json_loads(r.body, 0, NULL);
    snprintf(student, sizeof student, "%s", json_string_value(json_object_get(j, "token")));
    json_decref(j);
    free(r.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx.scenario_list) start();
    if (size < 1) return 0;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *nl = strchr(text, '\n');
    const char *body = NULL;
    size_t len = 0;
    if (nl) {
        *nl = '\0';
        body = nl + 1;
        len = size - 1 - (size_t)(body - text);
    }
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    const char *method = methods[data[0] & 3];
    const char *token = (data[0] >> 2) % 4 == 0   ? NULL
                        : (data[0] >> 2) % 4 == 1 ? teacher
                        : (data[0] >> 2) % 4 == 2 ? student
                                                  : text;
    serve_reply r;
    serve_api(&ctx, method, text, token, body, len, &r);
    if (r.status < 200 || r.status > 599 || !r.body) abort();
    json_t *j = json_loads(r.body, 0, NULL);
    if (!j) abort();
    if (r.status >= 400 && !json_is_string(json_object_get(j, "error"))) abort();
    json_decref(j);
    free(r.body);
    free(text);
    return 0;
}
