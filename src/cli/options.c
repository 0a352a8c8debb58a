#define _POSIX_C_SOURCE 200809L /* sigaction, clock_gettime */
/* Options shared by the subcommands that run scenarios, scenario loading, output
 * files written atomically, and the program's error messages. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/rng.h"
#include "cybertrust/evolution.h"
#include "cybertrust/scenario.h"
#include "cybertrust/strategy.h"

static volatile sig_atomic_t interrupted; /* program-side: set by the handler below */

static void on_signal(int sig)
{
    __atomic_store_n(&interrupted, 1, __ATOMIC_RELAXED); /* read by other threads (batch.c) */
    signal(sig, SIG_DFL); /* a second signal stops the program at once */
}

const volatile sig_atomic_t *cli_interrupted(void)
{
    static int installed;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        installed = 1;
    }
    return &interrupted;
}

/* The installed data folder beside the program: <prefix>/bin/cybertrust finds
 * <prefix>/share/cybertrust/<what>. Empty if the program is not installed so. */
static void installed_dir(const char *what, char *out, size_t n)
{
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    out[0] = '\0';
    if (len <= 0) return;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return;
    *slash = '\0';
    struct stat st;
    snprintf(out, n, "%.2000s/../share/cybertrust/%.100s", exe, what);
    if (stat(out, &st) != 0 || !S_ISDIR(st.st_mode)) out[0] = '\0';
}

const char *cli_dir(const char *what, const char *env, const char *built_in)
{
    static char dirs[2][4096]; /* program-side: "configs" and "plots", set once */
    char *dir = dirs[strcmp(what, "plots") == 0];
    const char *value = getenv(env);
    if (value && *value) {
        snprintf(dir, 4096, "%s", value);
        return dir;
    }
    installed_dir(what, dir, 4096);
    if (!dir[0]) snprintf(dir, 4096, "%s", built_in);
    return dir;
}

const char *cli_regime_dir(void)
{
    static char dir[4200]; /* program-side: set once, read-only afterwards */
    snprintf(dir, sizeof dir, "%s/regimes", cli_dir("configs", "CYBERTRUST_DATA", CT_DATA_DIR));
    return dir;
}

const char *cli_scenario_dir(void)
{
    static char dir[4200]; /* program-side: set once, read-only afterwards */
    const char *configs = cli_dir("configs", "CYBERTRUST_DATA", CT_DATA_DIR);
    size_t len = strlen(configs);
    while (len > 1 && configs[len - 1] == '/')
        len--;
    /* share/cybertrust/configs beside share/cybertrust/scenarios, as installed
     * and in the source tree */
    if (len > 8 && strncmp(configs + len - 8, "/configs", 8) == 0)
        snprintf(dir, sizeof dir, "%.*s/scenarios", (int)(len - 8), configs);
    else
        snprintf(dir, sizeof dir, "%.*s/../scenarios", (int)len, configs);
    return dir;
}

/* The folders of shipped scenarios a bare name is looked up in, in order. */
const char *const cli_scenario_subdirs[] = {"", "classroom/", "sweeps/", NULL};

static int regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A bare name (no '/') that is no file here: the shipped scenario of that
 * name, with or without ".cfg", in the scenarios folder or its classroom/ and
 * sweeps/. Else the argument as given, for the loader to report. */
static const char *resolve_scenario(const char *arg, char *buf, size_t n)
{
    if (regular_file(arg) || strchr(arg, '/') || !arg[0]) return arg;
    size_t len = strlen(arg);
    int has_cfg = len > 4 && strcmp(arg + len - 4, ".cfg") == 0;
    for (int i = 0; cli_scenario_subdirs[i]; i++) {
        snprintf(buf, n, "%s/%s%s%s", cli_scenario_dir(), cli_scenario_subdirs[i], arg,
                 has_cfg ? "" : ".cfg");
        if (regular_file(buf)) return buf;
    }
    return arg;
}

void cli_resolve_scenarios(run_options *o)
{
    static char found[MAX_SCENARIOS][4400]; /* program-side: paths the options point to */
    for (int k = 0; k < o->nscenarios && k < MAX_SCENARIOS; k++)
        o->scenario_path[k] = resolve_scenario(o->scenario_path[k], found[k], sizeof found[k]);
}

static void join_command_line(int argc, char **argv, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "cybertrust");
    for (int i = 0; i < argc && used < n; i++) {
        int plain = strpbrk(argv[i], " \t\"'\\$") == NULL && argv[i][0];
        used += (size_t)snprintf(buf + used, n - used, plain ? " %s" : " '%s'", argv[i]);
    }
}

void cli_strategy_hint(const char *message)
{
    if (!strstr(message, "is not a known strategy") || strstr(message, "expected one of")) return;
    char text[2048];
    size_t used = (size_t)snprintf(text, sizeof text, "cybertrust: the strategy kinds are");
    for (int k = 0; k < ct_strategy_count && used < sizeof text; k++)
        used += (size_t)snprintf(text + used, sizeof text - used, " %s%s",
                                 ct_strategy_types[k].name, k + 1 < ct_strategy_count ? "," : "");
    if (used < sizeof text)
        snprintf(text + used, sizeof text - used,
                 " (their parameters: 'cybertrust list strategies')");
    cli_print_wrapped(stderr, 0, 2, text);
}

int cli_parse_strategies(const char *list, ct_strategy_params *out, int max)
{
    if (strcmp(list, "all") == 0) {
        int n = 0;
        for (int k = 0; k < ct_strategy_count && n < max; k++)
            ct_strategy_params_init(&out[n++], k);
        return n;
    }
    int n = ct_strategy_spec_list(list, out, max);
    if (n < 0) {
        cli_error("--strategies: %s", ct_error_last());
        cli_strategy_hint(ct_error_last());
    }
    return n < 0 ? -1 : n;
}

int cli_opt_int(const cli_opt *opt, const char *value, void *dest)
{
    long v;
    if (cli_opt_long(opt, value, &v)) return EXIT_USAGE;
    *(int *)dest = (int)v;
    return 0;
}

/* "K/N" with 1 <= K <= N. */
int cli_opt_shard(const cli_opt *opt, const char *value, void *dest)
{
    run_options *o = dest;
    char *end = NULL;
    long k = strtol(value, &end, 10), n = 0;
    (void)opt;
    if (end != value && *end == '/') {
        const char *rest = end + 1;
        n = strtol(rest, &end, 10);
        if (end == rest || *end) n = 0;
    }
    if (n < 1 || n > 1000000 || k < 1 || k > n) {
        cli_error("--shard expects K/N with 1 <= K <= N, got '%s'", value);
        return EXIT_USAGE;
    }
    o->shard_k = (int)k;
    o->shard_n = (int)n;
    return 0;
}

int cli_opt_set(const cli_opt *opt, const char *value, void *dest)
{
    run_options *o = dest;
    if (!strchr(value, '=') || value[0] == '=') {
        cli_error("--set expects PATH=VALUE, got '%s'", value);
        return EXIT_USAGE;
    }
    if (o->nsets >= opt->max_count) {
        cli_error("at most %d --set options", opt->max_count);
        return EXIT_USAGE;
    }
    o->sets[o->nsets++] = value;
    return 0;
}

/* --reps, --seed and --rounds each fill one buffer with the --set they imply,
 * so a repeated one keeps its last value. */
int cli_opt_shorthand(const cli_opt *opt, const char *value, void *dest)
{
    long v;
    if (cli_opt_long(opt, value, &v)) return EXIT_USAGE;
    const char *key = strcmp(opt->name, "reps") == 0   ? "simulation.replications"
                      : strcmp(opt->name, "seed") == 0 ? "simulation.seed"
                                                       : "simulation.rounds";
    snprintf(dest, 64, "%s=%ld", key, v);
    return 0;
}

int cli_parse_run_options(int argc, char **argv, run_options *o, const cli_command *cmd)
{
    memset(o, 0, sizeof *o);
    o->shard_k = o->shard_n = 1;
    o->method = "replicator";
    o->time = 100.0;
    o->selection = 0.1;
    o->fitness = CT_FITNESS_LINEAR;
    o->population = 100;
    o->runs = 10000;
    join_command_line(argc, argv, o->command_line, sizeof o->command_line);
    int rc = cli_opt_parse(cmd, argc, argv, o);
    if (rc) return rc;
    cli_resolve_scenarios(o);
    /* --reps, --seed and --rounds are shorthands that apply after every --set. */
    const char *implied[] = {o->reps_set, o->seed_set, o->rounds_set};
    for (int i = 0; i < 3; i++)
        if (implied[i][0]) o->sets[o->nsets++] = implied[i];
    return 0;
}

/* With several scenarios, --set states.ID.… applies to those that have the
 * state ID; an ID that none of them has is an error. */
static int check_state_overrides(const run_options *o, const ct_params *p)
{
    for (int i = 0; i < o->nsets; i++) {
        char id[CT_ID_MAX + 1];
        if (strncmp(o->sets[i], "states.", 7) != 0) continue;
        size_t len = strcspn(o->sets[i] + 7, ".=");
        if (len > CT_ID_MAX) len = CT_ID_MAX;
        snprintf(id, sizeof id, "%.*s", (int)len, o->sets[i] + 7);
        int found = 0;
        for (int k = 0; k < o->nscenarios; k++)
            found |= ct_params_state_index(&p[k], id) >= 0;
        if (!found) {
            cli_error("--set %s: no scenario has a state with the id \"%s\"", o->sets[i], id);
            return EXIT_SCENARIO;
        }
    }
    return 0;
}

void cli_set_labels(const run_options *o, const char **labels)
{
    for (int i = 0; i < o->nsets; i++)
        labels[i] = o->sets[i] == o->reps_set     ? "--reps"
                    : o->sets[i] == o->seed_set   ? "--seed"
                    : o->sets[i] == o->rounds_set ? "--rounds"
                                                  : NULL;
}

int cli_load_scenarios(const run_options *o, ct_params *p)
{
    const char *labels[sizeof o->sets / sizeof o->sets[0]];
    cli_set_labels(o, labels);
    ct_scenario_options so = {.regime_dir = cli_regime_dir(),
                              .overrides = o->sets,
                              .noverrides = o->nsets,
                              .skip_absent_states = o->nscenarios > 1,
                              .labels = labels,
                              .name = "--set"};
    for (int k = 0; k < o->nscenarios; k++) {
        int rc = ct_scenario_load(o->scenario_path[k], &so, &p[k]);
        if (rc) {
            int bare = rc == CT_EIO && !strchr(o->scenario_path[k], '/');
            cli_error("%s%s", ct_error_last(),
                      bare ? " (nor is it the name of a shipped scenario: see 'cybertrust list "
                             "scenarios')"
                           : "");
            cli_strategy_hint(ct_error_last());
            return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
        }
    }
    return o->nscenarios > 1 ? check_state_overrides(o, p) : 0;
}

void cli_csv_provenance(FILE *fp, const run_options *o, const ct_params *p, int n)
{
    fprintf(fp, "# cybertrust %s\n# generator: %s\n", CT_VERSION, CT_RNG_NAME);
    for (int k = 0; k < n; k++)
        fprintf(fp, "# scenario: %s (%s)\n", o->scenario_path[k], p[k].name);
    fprintf(fp, "# seed: %ld\n# replications: %ld\n# command: %s\n", p[0].seed, p[0].replications,
            o->command_line);
}

void cli_csv_number(FILE *fp, double v)
{
    if (!isnan(v)) fprintf(fp, "%.17g", v);
}

void cli_csv_text(FILE *fp, const char *text)
{
    if (!strpbrk(text, ",\"\n\r")) {
        fputs(text, fp);
        return;
    }
    fputc('"', fp);
    for (const char *c = text; *c; c++) {
        if (*c == '"') fputc('"', fp);
        fputc(*c, fp);
    }
    fputc('"', fp);
}

const char *cli_fmt_ci(const ct_summary *s, int digits, int percent, int star, char *buf, size_t n)
{
    double f = percent ? 100.0 : 1.0;
    const char *pc = percent ? "%" : "";
    if (s->n == 0)
        snprintf(buf, n, "-");
    else if (isnan(s->ci_lo))
        snprintf(buf, n, "%.*g%s", digits, f * s->mean, pc);
    else
        snprintf(buf, n, "%.*g%s [%.*g%s, %.*g%s]%s", digits, f * s->mean, pc, digits, f * s->ci_lo,
                 pc, digits, f * s->ci_hi, pc, star && (s->ci_lo > 0 || s->ci_hi < 0) ? " *" : "");
    return buf;
}

/* Whether x is a "round" step, one a user would type: at most four significant digits. */
static int round_step(double x)
{
    if (x == 0 || !isfinite(x)) return 1;
    double m = fabs(x) / pow(10.0, floor(log10(fabs(x)))) * 1000.0;
    return fabs(m - nearbyint(m)) < 1e-6;
}

void cli_note_range(const ct_sweep *grid, int dim, const char *flag)
{
    const char *spec = ct_sweep_spec(grid, dim);
    int n = ct_sweep_count(grid, dim);
    double from, to, field_to, steps_field;
    if (!strchr(spec, ':') || n < 2 ||
        sscanf(spec, "%lf:%lf:%lf", &from, &field_to, &steps_field) != 3)
        return;
    to = field_to;
    double step = (to - from) / (n - 1);
    if (round_step(step) && n > 2) return; /* what was meant, surely */
    char text[2048];
    size_t used = (size_t)snprintf(text, sizeof text,
                                   "cybertrust: note: %s %s=%s runs %d values (STEPS counts the "
                                   "values, both ends included):",
                                   flag, ct_sweep_path(grid, dim), spec, n);
    for (int k = 0; k < n && used < sizeof text; k++) {
        if (n > 12 && k == 6) { /* the first six and the last two */
            used += (size_t)snprintf(text + used, sizeof text - used, " ...,");
            k = n - 3;
            continue;
        }
        used += (size_t)snprintf(text + used, sizeof text - used, " %.4g%s",
                                 strtod(ct_sweep_value(grid, dim, k), NULL), k + 1 < n ? "," : "");
    }
    double fewer = (to - from) / n, k = (steps_field - from) / field_to;
    if (used < sizeof text && !round_step(step) && round_step(fewer))
        snprintf(text + used, sizeof text - used, "; for steps of %g give %g:%g:%d", fewer, from,
                 to, n + 1);
    else if (used < sizeof text && field_to > 0 && k >= 2 && k <= CT_SWEEP_MAX_VALUES &&
             k == floor(k))
        snprintf(text + used, sizeof text - used, "; for %g to %g in steps of %g give %g:%g:%.0f",
                 from, steps_field, field_to, from, steps_field, k + 1);
    cli_print_wrapped(stderr, 0, 2, text);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
