#define _POSIX_C_SOURCE 200809L /* sigaction */
/* Options shared by the subcommands that run scenarios, scenario loading, output
 * files written atomically, and the program's error messages. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "cybertrust/rng.h"
#include "cybertrust/evolution.h"
#include "cybertrust/scenario.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cybertrust: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static volatile sig_atomic_t interrupted; /* program-side: set by the handler below */

static void on_signal(int sig)
{
    interrupted = 1;
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

static const char options_help[] =
    "\n"
    "options:\n"
    "  --reps N          replications (overrides simulation.replications)\n"
    "  --seed S          seed (overrides simulation.seed)\n"
    "  --rounds T        fixed horizon of T rounds (overrides simulation.rounds)\n"
    "  --threads N       worker threads (default: all cores); results do not depend on N\n"
    "  --set PATH=VALUE  override any setting, e.g. regime.dual_use=0.5 or\n"
    "                    states.us.trust=0.8 (a state by its id); repeatable\n"
    "  --out DIR         write result files into DIR (created if needed)\n"
    "  --quiet           print nothing on stdout\n"
    "  --help            this text\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 usage error, 3 invalid scenario\n";

static int parse_long(const char *opt, const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < min || v > max) {
        cli_error("%s expects a whole number in [%ld, %ld], got '%s'", opt, min, max, text);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static void join_command_line(int argc, char **argv, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "cybertrust");
    for (int i = 0; i < argc && used < n; i++) {
        int plain = strpbrk(argv[i], " \t\"'\\$") == NULL && argv[i][0];
        used += (size_t)snprintf(buf + used, n - used, plain ? " %s" : " '%s'", argv[i]);
    }
}

static int parse_double(const char *opt, const char *text, double min, double max, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v) || v < min || v > max) {
        cli_error("%s expects a number in [%g, %g], got '%s'", opt, min, max, text);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
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
    if (n < 0) cli_error("--strategies: %s", ct_error_last());
    return n < 0 ? -1 : n;
}

/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *text, run_options *o)
{
    char *end = NULL;
    long k = strtol(text, &end, 10), n = 0;
    if (end != text && *end == '/') {
        const char *rest = end + 1;
        n = strtol(rest, &end, 10);
        if (end == rest || *end) n = 0;
    }
    if (n < 1 || n > 1000000 || k < 1 || k > n) {
        cli_error("--shard expects K/N with 1 <= K <= N, got '%s'", text);
        return EXIT_USAGE;
    }
    o->shard_k = (int)k;
    o->shard_n = (int)n;
    return 0;
}

int cli_parse_run_options(int argc, char **argv, run_options *o, int min_scen, int max_scen,
                          const char *usage, unsigned extra)
{
    static const struct option longopts[] = {{"reps", required_argument, NULL, 'n'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"rounds", required_argument, NULL, 'r'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"set", required_argument, NULL, 'S'},
                                             {"out", required_argument, NULL, 'o'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"vary", required_argument, NULL, 'V'},
                                             {"resume", no_argument, NULL, 'R'},
                                             {"shard", required_argument, NULL, 'K'},
                                             {"progress", no_argument, NULL, 'P'},
                                             {"strategies", required_argument, NULL, 'L'},
                                             {"method", required_argument, NULL, 'M'},
                                             {"time", required_argument, NULL, 'T'},
                                             {"population", required_argument, NULL, 'N'},
                                             {"start", required_argument, NULL, 'X'},
                                             {"selection", required_argument, NULL, 'W'},
                                             {"runs", required_argument, NULL, 'U'},
                                             {"fitness", required_argument, NULL, 'F'},
                                             {"self-play", no_argument, NULL, 'Y'},
                                             {"narrate", no_argument, NULL, 'A'},
                                             {"as", required_argument, NULL, 'I'},
                                             {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->shard_k = o->shard_n = 1;
    o->method = "replicator";
    o->time = 100.0;
    o->selection = 0.1;
    o->fitness = CT_FITNESS_LINEAR;
    o->population = 100;
    o->runs = 10000;
    join_command_line(argc, argv, o->command_line, sizeof o->command_line);
    const char *implied[3];
    int nimplied = 0;
    long v;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_long("--reps", optarg, 1, 1000000000L, &v)) return EXIT_USAGE;
            snprintf(o->reps_set, sizeof o->reps_set, "simulation.replications=%ld", v);
            implied[nimplied++] = o->reps_set;
            break;
        case 's':
            if (parse_long("--seed", optarg, 0, LONG_MAX, &v)) return EXIT_USAGE;
            snprintf(o->seed_set, sizeof o->seed_set, "simulation.seed=%ld", v);
            implied[nimplied++] = o->seed_set;
            break;
        case 'r':
            if (parse_long("--rounds", optarg, 1, 100000000L, &v)) return EXIT_USAGE;
            snprintf(o->rounds_set, sizeof o->rounds_set, "simulation.rounds=%ld", v);
            implied[nimplied++] = o->rounds_set;
            break;
        case 't':
            if (parse_long("--threads", optarg, 1, 1024, &v)) return EXIT_USAGE;
            o->threads = (int)v;
            break;
        case 'S':
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                cli_error("--set expects PATH=VALUE, got '%s'", optarg);
                return EXIT_USAGE;
            }
            if (o->nsets >= MAX_SETS) {
                cli_error("at most %d --set options", MAX_SETS);
                return EXIT_USAGE;
            }
            o->sets[o->nsets++] = optarg;
            break;
        case 'V':
        case 'R':
        case 'K':
        case 'P':
            if (!(extra & CLI_SWEEP_OPTIONS)) {
                cli_error("unknown option '%s' (see --help)", argv[optind - 1]);
                return EXIT_USAGE;
            }
            if (c == 'V' && o->nvary < MAX_SETS) o->vary[o->nvary++] = optarg;
            if (c == 'R') o->resume = 1;
            if (c == 'P') o->progress = 1;
            if (c == 'K' && parse_shard(optarg, o)) return EXIT_USAGE;
            break;
        case 'L':
            if (!(extra & (CLI_TOURNAMENT_OPTIONS | CLI_EVOLVE_OPTIONS))) goto unknown;
            o->strategies = optarg;
            break;
        case 'Y':
            if (!(extra & CLI_TOURNAMENT_OPTIONS)) goto unknown;
            o->self_play = 1;
            break;
        case 'M':
        case 'T':
        case 'N':
        case 'X':
        case 'W':
        case 'U':
        case 'F':
            if (!(extra & CLI_EVOLVE_OPTIONS)) goto unknown;
            if (c == 'F' && (o->fitness = ct_evolution_fitness_parse(optarg)) < 0) {
                cli_error("--fitness expects linear or exponential, got '%s'", optarg);
                return EXIT_USAGE;
            }
            if (c == 'M' && strcmp(optarg, "replicator") != 0 && strcmp(optarg, "moran") != 0) {
                cli_error("--method expects replicator or moran, got '%s'", optarg);
                return EXIT_USAGE;
            }
            if (c == 'M') o->method = optarg;
            if (c == 'X') o->start = optarg;
            if (c == 'T' && parse_double("--time", optarg, 1e-9, 1e9, &o->time)) return EXIT_USAGE;
            if (c == 'W' && parse_double("--selection", optarg, 0, 1e6, &o->selection))
                return EXIT_USAGE;
            if (c == 'N' && parse_long("--population", optarg, 2, 1000000, &o->population))
                return EXIT_USAGE;
            if (c == 'U' && parse_long("--runs", optarg, 1, 100000000L, &o->runs))
                return EXIT_USAGE;
            break;
        case 'A':
            if (!(extra & CLI_RUN_OPTIONS)) goto unknown;
            o->narrate = 1;
            break;
        case 'I':
            if (!(extra & CLI_PLAY_OPTIONS)) goto unknown;
            o->as = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            fputs(options_help, stdout);
            return -1;
        case ':':
            cli_error("%s needs a value (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        default:
        unknown:
            cli_error("unknown option '%s' (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    /* --reps, --seed and --rounds are shorthands that apply after every --set. */
    for (int i = 0; i < nimplied; i++)
        o->sets[o->nsets++] = implied[i];
    for (int i = optind; i < argc; i++) {
        if (o->nscenarios >= max_scen) {
            cli_error("too many scenarios (at most %d; see --help)", max_scen);
            return EXIT_USAGE;
        }
        o->scenario_path[o->nscenarios++] = argv[i];
    }
    if (o->nscenarios < min_scen) {
        cli_error("expected %s%d scenario file%s (see --help)",
                  min_scen == max_scen ? "" : "at least ", min_scen, min_scen == 1 ? "" : "s");
        return EXIT_USAGE;
    }
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

int cli_load_scenarios(const run_options *o, ct_params *p)
{
    ct_scenario_options so = {cli_regime_dir(), o->sets, o->nsets, o->nscenarios > 1};
    for (int k = 0; k < o->nscenarios; k++) {
        int rc = ct_scenario_load(o->scenario_path[k], &so, &p[k]);
        if (rc) {
            cli_error("%s", ct_error_last());
            return rc == CT_EIO ? EXIT_USAGE : EXIT_SCENARIO;
        }
    }
    return o->nscenarios > 1 ? check_state_overrides(o, p) : 0;
}

int cli_make_dir(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *q = path + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) goto fail;
        *q = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) goto fail;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: not a directory", dir);
        return -1;
    }
    return 0;
fail:
    cli_error("cannot create directory %s: %s", path, strerror(errno));
    return -1;
}

int cli_file_open(out_file *f, const char *dir, const char *name)
{
    snprintf(f->path, sizeof f->path, "%s/%s", dir, name);
    snprintf(f->tmp, sizeof f->tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
    f->fp = fopen(f->tmp, "w");
    if (!f->fp) {
        cli_error("cannot write %s: %s", f->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int cli_file_commit(out_file *f)
{
    int bad = ferror(f->fp);
    if (fclose(f->fp) != 0) bad = 1;
    f->fp = NULL;
    if (bad) {
        cli_error("error writing %s: %s", f->path, strerror(errno));
        remove(f->tmp);
        return -1;
    }
    if (rename(f->tmp, f->path) != 0) {
        cli_error("cannot rename %s to %s: %s", f->tmp, f->path, strerror(errno));
        remove(f->tmp);
        return -1;
    }
    return 0;
}

void cli_file_abort(out_file *f)
{
    if (f->fp) fclose(f->fp);
    f->fp = NULL;
    remove(f->tmp);
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
