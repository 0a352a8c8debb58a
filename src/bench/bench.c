#define _POSIX_C_SOURCE 200809L /* clock_gettime, fork, wait4 */
#define _DEFAULT_SOURCE         /* wait4 */
/* cybertrust-bench: how fast the engine runs, against the floor of drawing the
 * same random numbers with no engine at all; how memory grows (it must not)
 * with replications; and a sweep's points per second. Built with the project,
 * not run as a test: timings belong in the README's table, not in assertions.
 *
 *     cybertrust-bench [engine] [SECONDS]   (default 1 second per measurement;
 *                                            "engine": the engine's lines only)
 */
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cybertrust/batch.h"
#include "cybertrust/error.h"
#include "cybertrust/metagame.h"
#include "cybertrust/rng.h"
#include "cybertrust/scenario.h"
#include "cybertrust/sensitivity.h"
#include "cybertrust/sim.h"
#include "cybertrust/sweep.h"
#include "cybertrust/tournament.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int load(const char *name, ct_params *p, const char *const *sets, int nsets)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s", CT_SOURCE_DIR, name);
    ct_scenario_options opt = {
        .regime_dir = CT_SOURCE_DIR "/configs/regimes", .overrides = sets, .noverrides = nsets};
    if (ct_scenario_load(path, &opt, p)) {
        fprintf(stderr, "cybertrust-bench: %s\n", ct_error_last());
        return -1;
    }
    return 0;
}

/* Replication-rounds per second of `run_chunk` (replications first ..
 * first + n - 1 on `threads` threads, returning a sum that keeps the work from
 * being optimised away): the best of its chunks of 2,000 replications within
 * SECONDS, so that on a machine shared with other work it is the speed of the
 * chunks that ran undisturbed. */
static double best_rate(const ct_params *p, int threads, double seconds,
                        double (*run_chunk)(const ct_params *p, int threads, long first, long n))
{
    long chunk = 2000, reps = 0;
    double start = now(), sink = 0, best = 0;
    do {
        double chunk_start = now();
        sink += run_chunk(p, threads, reps, chunk);
        reps += chunk;
        best = fmax(best, (double)chunk * (double)p->rounds / (now() - chunk_start));
    } while (now() - start < seconds);
    if (sink == 42.0) printf(" ");
    return best;
}

/* The bare engine: reset, step to the end. */
static double engine_chunk(const ct_params *p, int threads, long first, long n)
{
    double sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
        ct_sim *sim = ct_sim_alloc(p);
#pragma omp for schedule(static)
        for (long r = first; r < first + n; r++) {
            ct_sim_reset(sim, (uint64_t)p->seed, 0, (uint64_t)r);
            while (ct_sim_step(sim)) {
            }
            sink += ct_sim_last(sim)->state[0].payoff.total;
        }
        ct_sim_free(sim);
    }
    return sink;
}

/* The engine's streams of the two states. */
static void engine_streams(const ct_params *p, uint32_t stream[CT_STATES])
{
    for (int i = 0; i < CT_STATES; i++)
        stream[i] = ct_rng_stream(CT_RNG_ENGINE, p->state[i].id);
}

/* The floor: the same generator drawing the same blocks (two per round, one
 * per state), and nothing else. */
static double rng_chunk(const ct_params *p, int threads, long first, long n)
{
    double sink = 0;
    ct_rng_key key = ct_rng_key_of((uint64_t)p->seed);
    uint32_t stream[CT_STATES];
    engine_streams(p, stream);
#pragma omp parallel for num_threads(threads) reduction(+ : sink) schedule(static)
    for (long rep = first; rep < first + n; rep++) {
        double u[CT_RNG_LANES];
        for (long t = 1; t <= p->rounds; t++)
            for (int i = 0; i < CT_STATES; i++) {
                ct_rng_block(key, 0, (uint64_t)rep, (uint64_t)t, stream[i], u);
                sink += u[0] + u[1] + u[2] + u[3];
            }
    }
    return sink;
}

/* The floor as the engine draws: the same blocks, CT_RNG_SPAN at a time side
 * by side in vector lanes (ct_rng_philox_span), 8 rounds of both states. */
static double rng_span_chunk(const ct_params *p, int threads, long first, long n)
{
    double sink = 0;
    ct_rng_key key = ct_rng_key_of((uint64_t)p->seed);
    uint32_t stream[CT_STATES];
    engine_streams(p, stream);
#pragma omp parallel for num_threads(threads) reduction(+ : sink) schedule(static)
    for (long rep = first; rep < first + n; rep++) {
        ct_rng_span c;
        for (long t = 1; t <= p->rounds; t += CT_RNG_SPAN / CT_STATES) {
            for (int j = 0; j < CT_RNG_SPAN; j++) {
                c.c[0][j] = (uint32_t)(t + j / CT_STATES);
                c.c[1][j] = (uint32_t)rep;
                c.c[2][j] = 0;
                c.c[3][j] = stream[j % CT_STATES];
            }
            ct_rng_philox_span(key, &c);
            int used = (int)(p->rounds - t + 1) * CT_STATES;
            for (int j = 0; j < CT_RNG_SPAN && j < used; j++)
                sink += ct_rng_uniform(c.c[0][j]) + ct_rng_uniform(c.c[1][j]) +
                        ct_rng_uniform(c.c[2][j]) + ct_rng_uniform(c.c[3][j]);
        }
    }
    return sink;
}

/* Replication-rounds per second of a whole batch (engine and streaming statistics). */
static double batch_rate(const ct_params *p, int threads, long reps)
{
    ct_batch_options opt = {
        .replications = reps, .seed = (uint64_t)p->seed, .threads = threads, .quantiles = 1};
    ct_batch *b = ct_batch_alloc(p, 1, &opt);
    double start = now();
    ct_batch_run(b);
    double rate = (double)reps * (double)p->rounds / (now() - start);
    ct_batch_free(b);
    return rate;
}

/* Peak resident memory (KiB) of a child process that runs a batch with series. */
static long peak_memory(const ct_params *p, long reps)
{
    pid_t pid = fork();
    if (pid == 0) {
        ct_batch_options opt = {
            .replications = reps, .seed = (uint64_t)p->seed, .threads = 1, .series = 1};
        ct_batch *b = ct_batch_alloc(p, 1, &opt);
        int rc = b ? ct_batch_run(b) : 1;
        ct_batch_free(b);
        _exit(rc ? 1 : 0);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return -1;
    return ru.ru_maxrss;
}

/* Points per second of a sweep run as 'cybertrust sweep' runs it: threads take
 * whole points (each point: the scenario loaded with its overrides, then 200
 * replications). */
static double sweep_rate(int threads)
{
    ct_sweep *grid = ct_sweep_alloc();
    ct_sweep_add(grid, "states.us.trust=0:1:11");
    ct_sweep_add(grid, "regime.dual_use=0:1:11");
    long points = ct_sweep_points(grid);
    int failed = 0;
    double start = now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : failed)
    for (long pt = 0; pt < points; pt++) {
        char sets[CT_SWEEP_MAX_DIMS][2 * CT_SWEEP_TEXT + 2];
        const char *all[CT_SWEEP_MAX_DIMS + 1];
        all[0] = "simulation.replications=200";
        ct_sweep_overrides(grid, pt, sets);
        for (int d = 0; d < ct_sweep_dims(grid); d++)
            all[1 + d] = sets[d];
        ct_params p;
        ct_point_result r;
        failed += load("sweeps/trust_vs_dual_use.cfg", &p, all, 1 + ct_sweep_dims(grid)) ||
                  ct_sweep_run_point(&p, (uint64_t)pt, 1, &r);
    }
    ct_sweep_free(grid);
    return failed ? 0.0 : (double)points / (now() - start);
}

/* Seconds for a 10 x 10 meta-game of the joint unit at 1,000 replications of
 * 100 rounds, as 'cybertrust equilibrium' runs it: the cells, equilibria,
 * 200 bootstrap resamples, replicator selection and the equilibria's metrics. */
static double metagame_time(int threads)
{
    static const char list[] = "cooperator, defector, tit_for_tat, grudger, generous_tit_for_tat, "
                               "win_stay_lose_shift, gradual, bayesian, fox, opportunist";
    const char *rounds[] = {"simulation.rounds=100"};
    ct_params p;
    ct_metagame_sets sets;
    ct_metagame_options opt;
    if (load("us_russia_joint_unit_2017.cfg", &p, rounds, 1)) return -1.0;
    for (int s = 0; s < CT_STATES; s++)
        sets.n[s] = ct_strategy_spec_list(list, sets.set[s], CT_METAGAME_MAX);
    ct_metagame_options_init(&opt);
    opt.replications = 1000;
    opt.seed = (uint64_t)p.seed;
    opt.threads = threads;
    double start = now();
    ct_metagame *g = ct_metagame_alloc(&p, 1, &sets, &opt);
    int rc = g ? ct_metagame_run(g) : -1;
    ct_metagame_free(g);
    return rc ? -1.0 : now() - start;
}

/* The classic noisy tournament, Axelrod-Python's benchmark (8 strategies, round
 * robin, 200 turns, 100 repetitions, noise 0.05: 4.6 s there), on one thread:
 * the library call, and the whole process as a user runs it (the program
 * beside this one, output to /dev/null), each the best of 5. The target is a
 * thousandth of Axelrod-Python's time, for the whole process. */
#define CLASSIC_TARGET_MS 4.6
#define CLASSIC_LIST                                                                               \
    "cooperator,defector,tit_for_tat,grudger,alternator,random,win_stay_lose_shift,"               \
    "suspicious_tit_for_tat"

static double classic_process_ms(void)
{
    char program[4096];
    ssize_t len = readlink("/proc/self/exe", program, sizeof program - 32);
    if (len <= 0) return -1.0;
    program[len] = '\0';
    char *slash = strrchr(program, '/');
    strcpy(slash ? slash + 1 : program, "cybertrust");
    /* execv takes writable strings */
    static char tournament[] = "tournament",
                scenario[] = CT_SOURCE_DIR "/scenarios/classic_ipd.cfg",
                strategies[] = "--strategies", list[] = CLASSIC_LIST, reps[] = "--reps",
                hundred[] = "100", set[] = "--set", noise[] = "world.execution_noise=0.05",
                threads[] = "--threads", one[] = "1";
    char *args[] = {program, tournament, scenario, strategies, list, reps,
                    hundred, set,        noise,    threads,    one,  NULL};
    double best = -1.0;
    for (int k = 0; k < 5; k++) {
        double start = now();
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0) dup2(null, STDOUT_FILENO);
            execv(program, args);
            _exit(127);
        }
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            return -1.0;
        double ms = 1e3 * (now() - start);
        if (best < 0 || ms < best) best = ms;
    }
    return best;
}

static int classic_tournament(void)
{
    const char *noise[] = {"world.execution_noise=0.05"};
    ct_params p;
    ct_strategy_params s[8];
    if (load("classic_ipd.cfg", &p, noise, 1)) return 1;
    int n = ct_strategy_spec_list(CLASSIC_LIST, s, 8);
    ct_tournament_options opt = {.replications = 100, .seed = (uint64_t)p.seed, .threads = 1};
    static ct_tournament_result t;
    double library = -1.0;
    for (int k = 0; k < 5; k++) {
        double start = now();
        if (n != 8 || ct_tournament_run(&p, s, n, &opt, &t)) return 1;
        double ms = 1e3 * (now() - start);
        if (library < 0 || ms < library) library = ms;
    }
    double process = classic_process_ms();
    printf("classic tournament (8 strategies, 200 rounds, 100 replications, noise 0.05, "
           "1 thread): library %.2f ms, whole process %.2f ms; target %.1f ms for the whole "
           "process: %s\n\n",
           library, process, CLASSIC_TARGET_MS,
           process < 0                    ? "not measured"
           : process <= CLASSIC_TARGET_MS ? "met"
                                          : "NOT met");
    fflush(stdout);
    return 0;
}

/* Seconds for a 10-setting Sobol analysis of the joint unit as 'cybertrust
 * sensitivity' runs it: the Saltelli design of 1,024 base samples (12,288
 * points) as a sweep design, every point at `reps` replications of 100 rounds
 * (threads take whole points), then the indices with 1,000 bootstrap
 * resamples and the noise share. *estimators gets the estimators' share. */
static double sensitivity_time(int threads, long reps, double *estimators)
{
    static const char *const path[10] = {
        "world.threat",           "world.decay",     "world.detection", "world.misperception",
        "world.criticality",      "states.us.trust", "states.ru.trust", "states.us.defence_gain",
        "states.ru.exploit_gain", "regime.dual_use"};
    static const double lo[10] = {0.1, 0.05, 0.1, 0, 1, 0, 0, 0.3, 0.5, 0.5};
    static const double hi[10] = {0.4, 0.2, 0.6, 0.2, 3, 0.5, 0.5, 0.7, 1.5, 1};
    ct_sensitivity_design d;
    *estimators = 0;
    if (ct_sensitivity_saltelli(10, 1024, 0, &d)) return -1.0;
    char(*text)[24] = malloc(d.runs * 10 * sizeof *text);
    const char **values = malloc(d.runs * 10 * sizeof *values);
    double *y = malloc(d.runs * sizeof *y), *se = malloc(d.runs * sizeof *se);
    for (size_t v = 0; text && values && v < d.runs * 10; v++) {
        snprintf(text[v], sizeof text[v], "%.10g", lo[v % 10] + d.u[v] * (hi[v % 10] - lo[v % 10]));
        values[v] = text[v];
    }
    char sets[2][64];
    snprintf(sets[0], sizeof sets[0], "simulation.replications=%ld", reps);
    snprintf(sets[1], sizeof sets[1], "simulation.rounds=100");
    const char *const overrides[2] = {sets[0], sets[1]};
    ct_sweep *s = ct_sweep_alloc();
    int failed = !text || !values || !y || !se || !s ||
                 ct_sweep_add_design(s, path, 10, values, (long)d.runs) ||
                 ct_sweep_bind(s, CT_SOURCE_DIR "/scenarios/us_russia_joint_unit_2017.cfg",
                               CT_SOURCE_DIR "/configs/regimes", overrides, 2);
    double start = now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : failed)
    for (long pt = 0; pt < (failed ? 0 : (long)d.runs); pt++) {
        ct_params p;
        ct_point_result r;
        if (ct_sweep_load_point(s, pt, &p) || ct_sweep_run_point(&p, (uint64_t)pt, 1, &r)) {
            failed++;
            continue;
        }
        y[pt] = r.state[0][CT_M_NET_SECURITY].mean;
        se[pt] = r.state[0][CT_M_NET_SECURITY].sd / sqrt((double)reps);
    }
    double mid = now(), share;
    ct_sensitivity_sobol_result res;
    failed = failed || ct_sensitivity_sobol(&d, y, NULL, 0, NULL, &res) ||
             ct_sensitivity_noise_share(se, d.runs, res.var, &share);
    if (!failed) ct_sensitivity_sobol_free(&res);
    double end = now();
    *estimators = end - mid;
    ct_sweep_free(s);
    free(text);
    free(values);
    free(y);
    free(se);
    ct_sensitivity_design_free(&d);
    return failed ? -1.0 : end - start;
}

static void target(const char *what, double value, const char *unit, double goal, int at_least)
{
    int met = at_least ? value >= goal : value <= goal;
    printf("| %s | %.3g %s | %s %.3g %s | %s |\n", what, value, unit, at_least ? ">=" : "<=", goal,
           unit, met ? "met" : "NOT met");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int engine_only = argc > 1 && strcmp(argv[1], "engine") == 0; /* the engine's lines only */
    double seconds = argc > 1 + engine_only ? atof(argv[1 + engine_only]) : 1.0;
    if (seconds <= 0) seconds = 1.0;
    if (!engine_only && classic_tournament()) return 1;
    const char *names[] = {"us_china_hotline_2015.cfg", "us_russia_joint_unit_2017.cfg"};
    double engine1 = 0, ratio1 = 0, vratio1 = 0, batch[3] = {0};
    printf("| scenario | threads | engine (M rep-rounds/s) | RNG floor, a block at a time (M/s) | "
           "engine / floor time | RNG floor, 16 blocks at a time (M/s) | engine / that floor | "
           "batch with statistics (M/s) |\n|---|---|---|---|---|---|---|---|\n");
    for (int s = 0; s < 2; s++) {
        ct_params p;
        if (load(names[s], &p, NULL, 0)) return 1;
        for (int threads = 1; threads <= 2; threads++) {
            double e = best_rate(&p, threads, seconds, engine_chunk),
                   f = best_rate(&p, threads, seconds, rng_chunk);
            double v = best_rate(&p, threads, seconds, rng_span_chunk);
            double b = engine_only ? 0.0 : batch_rate(&p, threads, 20000);
            char batch_text[32] = "-"; /* not measured with "engine" */
            if (!engine_only) snprintf(batch_text, sizeof batch_text, "%.2f", b / 1e6);
            printf("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %s |\n", names[s], threads,
                   e / 1e6, f / 1e6, f / e, v / 1e6, v / e, batch_text);
            fflush(stdout);
            if (s == 1 && threads == 1) engine1 = e, ratio1 = f / e, vratio1 = v / e;
            if (s == 1) batch[threads] = b;
        }
    }
    if (engine_only) {
        printf("\n");
        target("engine, one core", engine1 / 1e6, "M rep-rounds/s", 25, 1);
        target("engine time / generator-only floor (a block at a time)", ratio1, "x", 2, 0);
        printf("engine time / the generator 16 blocks at a time, as the engine draws: %.2f\n",
               vratio1);
        return 0;
    }
    ct_params p;
    if (load("us_russia_joint_unit_2017.cfg", &p, NULL, 0)) return 1;
    long small = peak_memory(&p, 1000), large = peak_memory(&p, 100000);
    printf("\npeak memory of a joint-unit run with per-round series: %ld KiB for 1,000 "
           "replications, %ld KiB for 100,000\n",
           small, large);
    double sweep1 = sweep_rate(1), sweep2 = sweep_rate(2);
    printf("sweep (trust_vs_dual_use, 11 x 11 points of 200 replications): %.1f points/s on "
           "1 thread, %.1f on 2\n",
           sweep1, sweep2);
    printf("meta-game (joint unit, 10 x 10 strategies, 1,000 replications x 100 rounds): "
           "%.2f s on 1 thread, %.2f s on 2\n",
           metagame_time(1), metagame_time(2));
    double est_s = 0, sens_s = sensitivity_time(2, 200, &est_s);
    printf("sensitivity (joint unit, 10 settings, Sobol with 1,024 base samples: 12,288 points x "
           "200 replications x 100 rounds): %.1f s on 2 threads, of which %.2f s the estimators\n",
           sens_s, est_s);
    printf("\n| target (joint unit where it applies) | measured | goal | |\n|---|---|---|---|\n");
    target("engine, one core", engine1 / 1e6, "M rep-rounds/s", 25, 1);
    target("engine time / generator-only floor (a block at a time)", ratio1, "x", 2, 0);
    target("run (batch with statistics), 2 threads / 1", batch[2] / batch[1], "x", 1.85, 1);
    target("sweep, 2 threads / 1", sweep2 / sweep1, "x", 1.85, 1);
    target("memory, 100,000 / 1,000 replications", (double)large / (double)small, "x", 1.05, 0);
    printf("\nengine time / the generator 16 blocks at a time, as the engine draws: %.2f\n",
           vratio1);
    return 0;
}
