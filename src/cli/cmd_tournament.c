/* cybertrust tournament: a round robin of strategies in a scenario's world and
 * regime (see tournament.c), ranked by mean payoff per round against the other
 * strategies (self-play left out unless --self-play) with 95% confidence
 * intervals, with the pairwise table, cooperation rates and the exploitation
 * each strategy suffered. Strategies are specifications with parameters; their
 * labels may hold commas, so CSV fields are quoted where needed. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cybertrust/error.h"
#include "progress.h"

static const char usage[] =
    "usage: cybertrust tournament SCENARIO --strategies LIST [--self-play] [options]\n"
    "\n"
    "Plays a round robin of the strategies in LIST in the world and regime of\n"
    "SCENARIO: every pair in both seats, over the replications with common random\n"
    "numbers. LIST is 'all' (every kind with its defaults) or comma-separated\n"
    "specifications, each a kind or kind(param=value, ...), e.g.\n"
    "  --strategies \"tit_for_tat, opportunist(rate=0.1), bayesian(depth=0.5)\"\n"
    "(depth, in [0, 1], is a parameter of every kind); the same one twice is an\n"
    "error. Ranks the strategies by their mean payoff per round against the other\n"
    "strategies (95% CI), self-play excluded as in Axelrod-Python, and prints the\n"
    "pairwise table (self-play included). In matrix mode without noise this is the\n"
    "classic iterated prisoner's dilemma round robin. With --out DIR, writes\n"
    "tournament.csv, tournament_pairs.csv and tournament.json.\n";

static const cli_opt tournament_table[] = {
    CLI_OPT_STRATEGIES,
    {.name = "self-play",
     .help = "count each strategy's match against itself in its score",
     .kind = CLI_OPT_FLAG,
     .at = CLI_RUN_AT(self_play)},
    CLI_OPT_RUN_GROUP,
    CLI_OPT_PROGRESS,
    CLI_OPT_END,
};

const cli_command cli_tournament_command = {
    .name = "tournament", .usage = usage, CLI_SCENARIO_ARGS(1, 1), .options = tournament_table};

/* Runs the tournament of o->strategies; shared with evolve. 0 or an exit code. */
int cli_run_tournament(const run_options *o, ct_params *p, ct_tournament_result *t)
{
    ct_strategy_params strategies[CT_TOURNAMENT_MAX];
    if (!o->strategies) {
        cli_error("--strategies LIST is required (see --help)");
        return EXIT_USAGE;
    }
    int n = cli_parse_strategies(o->strategies, strategies, CT_TOURNAMENT_MAX);
    if (n < 0) return EXIT_USAGE;
    /* the line-up is a usage error, found before the scenario is read; the
     * replications and the seed come with the scenario */
    ct_tournament_options opt = {
        .self_play = o->self_play, .threads = o->threads, .replications = 1};
    if (ct_tournament_check(strategies, n, &opt)) {
        cli_error("--strategies: %s", ct_error_last());
        return EXIT_USAGE;
    }
    int rc = cli_load_scenarios(o, p);
    if (rc) return rc;
    opt.replications = p->replications;
    opt.seed = (uint64_t)p->seed;
    cli_progress pr;
    cli_progress_init(&pr, "tournament", o->quiet, o->progress);
    opt.progress = cli_progress_batch;
    opt.progress_ctx = &pr;
    rc = ct_tournament_run(p, strategies, n, &opt, t);
    cli_progress_end(&pr);
    if (rc) {
        cli_error("%s", ct_error_last());
        return EXIT_RUNTIME;
    }
    return 0;
}

static const char *name(const ct_tournament_result *t, int i)
{
    return t->standing[i].label;
}

/* The width of the strategy column: the longest label, at least 24. */
static int name_width(const ct_tournament_result *t)
{
    int w = 24;
    for (int i = 0; i < t->n; i++)
        if ((int)strlen(name(t, i)) > w) w = (int)strlen(name(t, i));
    return w;
}

/* What the score is, in words, for the table and the JSON. */
static const char *scored_against(const ct_tournament_result *t)
{
    return t->self_play ? "all strategies, self-play included"
                        : "the other strategies, self-play excluded";
}

static void print_text(const ct_params *p, const ct_tournament_result *t)
{
    int w = name_width(t);
    printf("Tournament in %s: %d strategies, every pair in both seats;\n", p->name, t->n);
    printf("scores: mean payoff per round against %s.\n", scored_against(t));
    printf("%ld replications of %ld rounds, seed %ld; payoffs per round, 95%% confidence "
           "intervals\n\n",
           p->replications, ct_params_max_rounds(p), p->seed);
    printf("%-4s  %-*s  %-34s  %-11s  %s\n", "rank", w, "strategy", "mean payoff per round",
           "cooperation", "exploitations suffered per match");
    for (int r = 0; r < t->n; r++) {
        int i = t->rank[r];
        const ct_standing *s = &t->standing[i];
        char ci[96];
        if (s->score.n > 1)
            snprintf(ci, sizeof ci, "%.4f [%.4f, %.4f]", s->score.mean, s->score.ci_lo,
                     s->score.ci_hi);
        else
            snprintf(ci, sizeof ci, "%.4f", s->score.mean);
        printf("%-4d  %-*s  %-34s  %-11.3f  %.4g\n", r + 1, w, name(t, i), ci,
               s->cooperation_rate.mean, s->exploitations_suffered.mean);
    }
    printf("\nMean payoff per round of the row strategy against the column strategy\n"
           "(columns numbered by rank; the diagonal is self-play):\n%-*s",
           w + 4, "");
    for (int j = 0; j < t->n; j++)
        printf(" %8d", j + 1);
    printf("\n");
    for (int a = 0; a < t->n; a++) {
        int i = t->rank[a];
        printf("%2d  %-*s", a + 1, w, name(t, i));
        for (int b = 0; b < t->n; b++)
            printf(" %8.4f", t->match[i][t->rank[b]].payoff_per_round);
        printf("\n");
    }
}

static json_t *summary(const ct_summary *s)
{
    return json_pack("{s:f, s:o, s:[o, o], s:I}", "mean", s->mean, "sd",
                     s->n > 1 ? json_real(s->sd) : json_null(), "ci95",
                     s->n > 1 ? json_real(s->ci_lo) : json_null(),
                     s->n > 1 ? json_real(s->ci_hi) : json_null(), "n", (json_int_t)s->n);
}

/* tournament.csv: one row per strategy, by rank. 0 or -1 (message printed). */
static int write_ranking_csv(const run_options *o, const ct_params *p,
                             const ct_tournament_result *t)
{
    out_file f;
    if (cli_file_open(&f, o->out, "tournament.csv")) return -1;
    cli_csv_provenance(f.fp, o, p, 1);
    fprintf(f.fp, "rank,strategy,score_mean,score_sd,score_ci_lo,score_ci_hi,cooperation_rate,"
                  "exploitations_suffered,n\n");
    for (int r = 0; r < t->n; r++) {
        const ct_standing *s = &t->standing[t->rank[r]];
        fprintf(f.fp, "%d,", r + 1);
        cli_csv_text(f.fp, name(t, t->rank[r]));
        fputc(',', f.fp);
        const double v[] = {s->score.mean,
                            s->score.sd,
                            s->score.ci_lo,
                            s->score.ci_hi,
                            s->cooperation_rate.mean,
                            s->exploitations_suffered.mean};
        for (int k = 0; k < 6; k++) {
            cli_csv_number(f.fp, v[k]);
            fputc(',', f.fp);
        }
        fprintf(f.fp, "%zu\n", s->score.n);
    }
    return cli_file_commit(&f) ? -1 : 0;
}

/* tournament_pairs.csv: one row per (strategy, opponent). 0 or -1 (message printed). */
static int write_pairs_csv(const run_options *o, const ct_params *p, const ct_tournament_result *t)
{
    out_file f;
    if (cli_file_open(&f, o->out, "tournament_pairs.csv")) return -1;
    cli_csv_provenance(f.fp, o, p, 1);
    fprintf(f.fp, "strategy,opponent,payoff_per_round,payoff_total,cooperation_rate,"
                  "exploitations_suffered\n");
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < t->n; j++) {
            const ct_match *m = &t->match[i][j];
            cli_csv_text(f.fp, name(t, i));
            fputc(',', f.fp);
            cli_csv_text(f.fp, name(t, j));
            fputc(',', f.fp);
            const double v[] = {m->payoff_per_round, m->payoff_total, m->cooperation_rate,
                                m->exploitations_suffered};
            for (int k = 0; k < 4; k++) {
                cli_csv_number(f.fp, v[k]);
                fputc(k < 3 ? ',' : '\n', f.fp);
            }
        }
    return cli_file_commit(&f) ? -1 : 0;
}

/* The pairs of tournament.json, in the order of tournament_pairs.csv. */
static json_t *pairs_json(const ct_tournament_result *t)
{
    json_t *pairs = json_array();
    for (int i = 0; i < t->n; i++)
        for (int j = 0; j < t->n; j++) {
            const ct_match *m = &t->match[i][j];
            json_array_append_new(pairs,
                                  json_pack("{s:s, s:s, s:f, s:f, s:f, s:f}", "strategy",
                                            name(t, i), "opponent", name(t, j), "payoff_per_round",
                                            m->payoff_per_round, "payoff_total", m->payoff_total,
                                            "cooperation_rate", m->cooperation_rate,
                                            "exploitations_suffered", m->exploitations_suffered));
        }
    return pairs;
}

/* The ranking of tournament.json, in the order of tournament.csv. */
static json_t *ranking_json(const ct_tournament_result *t)
{
    json_t *ranking = json_array();
    for (int r = 0; r < t->n; r++) {
        const ct_standing *s = &t->standing[t->rank[r]];
        json_array_append_new(
            ranking, json_pack("{s:i, s:s, s:o, s:o, s:o}", "rank", r + 1, "strategy",
                               name(t, t->rank[r]), "score", summary(&s->score), "cooperation_rate",
                               summary(&s->cooperation_rate), "exploitations_suffered",
                               summary(&s->exploitations_suffered)));
    }
    return ranking;
}

/* tournament.json: the provenance, the ranking and the pairs. */
static int write_json(const run_options *o, const ct_params *p, const ct_tournament_result *t)
{
    char score[128];
    snprintf(score, sizeof score, "mean payoff per round against %s", scored_against(t));
    json_t *root = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b, s:s, s:o, s:o}", "version",
                             CT_VERSION, "scenario", p->name, "file", o->scenario_path[0], "seed",
                             (json_int_t)p->seed, "replications", (json_int_t)p->replications,
                             "rounds", (json_int_t)ct_params_max_rounds(p), "command",
                             o->command_line, "self_play", t->self_play, "scoring", score,
                             "ranking", ranking_json(t), "pairs", pairs_json(t));
    return cli_write_json(o->out, "tournament.json", root) ? EXIT_RUNTIME : EXIT_OK;
}

static int write_files(const run_options *o, const ct_params *p, const ct_tournament_result *t)
{
    int rc = cli_out_begin(o->out);
    if (rc) return rc;
    if (write_ranking_csv(o, p, t) || write_pairs_csv(o, p, t)) return EXIT_RUNTIME;
    return write_json(o, p, t);
}

int cmd_tournament(int argc, char **argv)
{
    run_options o;
    int rc = cli_parse_run_options(argc, argv, &o, &cli_tournament_command);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    ct_params p;
    ct_tournament_result t;
    if ((rc = cli_run_tournament(&o, &p, &t))) return rc;
    if (!o.quiet) print_text(&p, &t);
    return o.out ? write_files(&o, &p, &t) : EXIT_OK;
}
