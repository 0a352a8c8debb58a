#define _XOPEN_SOURCE 700 /* mkdtemp, posix_openpt */
/* play and run --narrate (src/cli/cmd_play.c, narrate.c, play_*.c): golden
 * transcripts in both payoff modes, two students on one keyboard, the ranking
 * and its ties, withdrawal, the options each refuses, and narration checked
 * against its own numbers: every direction word against the figures beside
 * it, every payoff change against the components it lists. */
#include "assert_close.h"
#include "scratch.h"

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "play_rank.h"
#include "play_text.h"

#define SCEN CT_SOURCE_DIR "/scenarios/"
#define GOLDEN CT_SOURCE_DIR "/tests/golden/"

static char out_text[1 << 17], err_text[1 << 12];

/* Runs the program with `args` and stdin from the shell text `input` (a
 * redirection or a pipe's producer); exit code, output in out_text / err_text. */
static int run(const char *input, const char *args)
{
    return scratch_run(input, CT_PROGRAM, args, out_text, sizeof out_text, err_text,
                       sizeof err_text);
}

static int setup(void **state)
{
    (void)state;
    return scratch_make("ct_play");
}

static int teardown(void **state)
{
    (void)state;
    return scratch_remove();
}

/* The width in columns of the widest line of `text`. */
static int widest_line(const char *text)
{
    int widest = 0;
    for (const char *t = text; *t;) {
        int len = (int)strcspn(t, "\n");
        if (len > widest) widest = len;
        t += len + (t[len] == '\n');
    }
    return widest;
}

/* stdout of `args` with stdin from `input` (NULL: none) equals the file `golden`. */
static void expect_golden(const char *args, const char *input, const char *golden)
{
    static char want[1 << 17];
    char redirect[512];
    snprintf(redirect, sizeof redirect, "<%s", input ? input : "/dev/null");
    assert_int_equal(run(redirect, args), 0);
    slurp(golden, want, sizeof want);
    assert_true(strlen(want) > 100);
    assert_string_equal(err_text, "");
    assert_string_equal(out_text, want);
    assert_true(widest_line(out_text) <= 80);
}

/* ---- the small pieces -------------------------------------------------------- */

static void test_play_rank_ties(void **state)
{
    (void)state;
    play_entry rows[5] = {{.name = "a", .text = "1.000"},
                          {.name = "b", .text = "3.000"},
                          {.name = "c", .text = "1.000"},
                          {.name = "d", .text = "-2.500"},
                          {.name = "e", .text = "3.000"}};
    play_rank(rows, 5);
    const char *order = "beacd";
    const int ranks[5] = {1, 1, 3, 3, 5};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(rows[i].name[0], order[i]);
        assert_int_equal(rows[i].rank, ranks[i]);
    }
    assert_int_equal(play_compare("0.400", "0.400"), 0);
    assert_int_equal(play_compare("-0.100", "-0.200"), 1);
    assert_int_equal(play_compare("2", "10"), -1);
    char b[16];
    assert_string_equal(play_ordinal(1, b, sizeof b), "1st");
    assert_string_equal(play_ordinal(2, b, sizeof b), "2nd");
    assert_string_equal(play_ordinal(3, b, sizeof b), "3rd");
    assert_string_equal(play_ordinal(11, b, sizeof b), "11th");
    assert_string_equal(play_ordinal(12, b, sizeof b), "12th");
    assert_string_equal(play_ordinal(22, b, sizeof b), "22nd");
}

static void test_play_text_numbers_and_directions(void **state)
{
    (void)state;
    char b[32], c[96];
    assert_string_equal(play_num(-0.0001, 3, 1, b, sizeof b), "0.000");
    assert_string_equal(play_num(-0.0, 3, 0, b, sizeof b), "0.000");
    assert_string_equal(play_num(0.25, 3, 1, b, sizeof b), "+0.250");
    assert_string_equal(play_num(-0.0006, 3, 1, b, sizeof b), "-0.001");
    assert_string_equal(play_change("0.20", "0.20", "", c, sizeof c), "stayed at 0.20");
    assert_string_equal(play_change("0.40", "0.18", "", c, sizeof c), "fell from 0.40 to 0.18");
    assert_string_equal(play_change("10", "82", "%", c, sizeof c), "rose from 10% to 82%");
    assert_string_equal(play_direction("-0.370", "+0.330"), "rose");
}

/* ---- golden transcripts --------------------------------------------------------- */

static void test_play_golden_cyber_and_matrix(void **state)
{
    (void)state;
    /* cyber mode: shares, maps, the score each round, the ranking by payoff */
    expect_golden("play " SCEN "us_russia_joint_unit_2017.cfg --as us --seed 11 --rounds 4",
                  GOLDEN "play_joint_unit.in", GOLDEN "play_joint_unit.txt");
    /* matrix mode: cooperate or defect, R S T P, no shares, maps or net security */
    expect_golden("play " SCEN "classroom/01_prisoners_dilemma.cfg --as a --rounds 5",
                  GOLDEN "play_matrix.in", GOLDEN "play_matrix.txt");
    const char *banned[] = {"How much", "shared", "map", "net security", "trust", "exploit"};
    for (size_t k = 0; k < sizeof banned / sizeof *banned; k++)
        assert_null(strstr(out_text, banned[k]));
    assert_non_null(strstr(out_text, "Do you cooperate or defect? (c/d)"));
    /* withdrawing ends the agreement: no share is asked for afterwards */
    expect_golden("play " SCEN "us_china_hotline_2015.cfg --as cn --seed 3 --rounds 3",
                  GOLDEN "play_withdraw.in", GOLDEN "play_withdraw.txt");
    /* the end of input ends the game cleanly */
    expect_golden("play " SCEN "us_china_hotline_2015.cfg --as cn --seed 3 --rounds 5",
                  GOLDEN "play_early_end.in", GOLDEN "play_early_end.txt");
    /* two students */
    expect_golden("play " SCEN "classroom/02_noise.cfg --as a --vs human --rounds 3 --seed 2",
                  GOLDEN "play_vs_human.in", GOLDEN "play_vs_human.txt");
}

static void test_play_golden_narration(void **state)
{
    (void)state;
    expect_golden("run " SCEN "us_russia_joint_unit_2017.cfg --narrate --seed 11 --rounds 8", NULL,
                  GOLDEN "narrate_joint_unit.txt");
    expect_golden("run " SCEN "classroom/02_noise.cfg --narrate --seed 7 --rounds 12", NULL,
                  GOLDEN "narrate_matrix.txt");
    expect_golden("run " SCEN "us_china_hotline_2015.cfg --narrate --seed 3 --rounds 8"
                  " --set states.us.strategy.kind=grudger",
                  NULL, GOLDEN "narrate_collapse.txt");
}

/* ---- the score each round, withdrawal --------------------------------------------- */

/* The sum of the "This round: you X" figures equals the last "Totals: you Y". */
static void test_play_score_each_round(void **state)
{
    (void)state;
    assert_int_equal(run("printf 'n\\nc\\nd\\nc\\nd\\n' |",
                         "play " SCEN "classroom/01_prisoners_dilemma.cfg --as a --rounds 4"),
                     0);
    double sum_me = 0, sum_other = 0, total_me = NAN, total_other = NAN;
    int rounds = 0;
    for (const char *t = out_text; (t = strstr(t, "  This round: you ")); t++) {
        double me, other;
        assert_int_equal(sscanf(t, "  This round: you %lf, Always Defect %lf.", &me, &other), 2);
        sum_me += me, sum_other += other, rounds++;
        const char *tot = strstr(t, "  Totals:     you ");
        assert_non_null(tot);
        assert_int_equal(
            sscanf(tot, "  Totals:     you %lf, Always Defect %lf.", &total_me, &total_other), 2);
        assert_close(total_me, sum_me, 1e-12);
        assert_close(total_other, sum_other, 1e-12);
    }
    /* c, d, c, d against always defect: S + P + S + P for you, T + P + T + P for it */
    assert_int_equal(rounds, 4);
    assert_close(sum_me, 0 + 1 + 0 + 1, 1e-12);
    assert_close(sum_other, 5 + 1 + 5 + 1, 1e-12);
    assert_non_null(strstr(out_text, "Your payoff: 2 over the game (0.500 per round)."));
}

/* Noise: the student chose c in round 3 of 02_noise (seed 3) and a slip made it
 * d; the result says so, and the payoff is T = 5 for the defection. */
static void test_play_slip_told(void **state)
{
    (void)state;
    assert_int_equal(run("printf 'n\\nc\\nc\\nc\\n' |",
                         "play " SCEN "classroom/02_noise.cfg --as a --rounds 3 --seed 3"),
                     0);
    const char *round3 = strstr(out_text, "Round 3 of 3");
    assert_non_null(round3);
    assert_non_null(strstr(round3, "  You defected; Player B cooperated.\n"
                                   "  A slip in execution turned your cooperation into a "
                                   "defection.\n"
                                   "  This round: you 5, Player B 0.\n"));
    /* rounds 1 and 2 went as chosen: no slip told */
    assert_true(strstr(out_text, "A slip") > round3);
}

static void test_play_withdraw(void **state)
{
    (void)state;
    assert_int_equal(run("<" GOLDEN "play_withdraw.in",
                         "play " SCEN "us_china_hotline_2015.cfg --as cn --seed 3 --rounds 3"),
                     0);
    const char *round2 = strstr(out_text, "Round 2 of 3"),
               *round3 = strstr(out_text, "Round 3 of 3");
    assert_non_null(round2);
    assert_non_null(round3);
    const char *withdrew = strstr(round2, "You withdrew from the agreement");
    assert_true(withdrew && withdrew < round3);
    /* in round 3 the agreement has ended: only "exploit?" is asked */
    assert_non_null(strstr(round3, "The agreement has ended: nothing can be shared."));
    assert_null(strstr(round3, "How much do you share?"));
    /* the narration of the same seat by a strategy that withdraws says so, once */
    assert_int_equal(run("", "run " SCEN "us_china_hotline_2015.cfg --narrate --seed 3 --rounds 8"
                             " --set states.us.strategy.kind=grudger"),
                     0);
    const char *w = strstr(out_text, "United States withdraws from the agreement (a grudger");
    assert_non_null(w);
    assert_null(strstr(w + strlen("United States withdraws"), "withdraws from the agreement"));
    assert_non_null(strstr(w, "Round 6 (the agreement has ended)"));
    assert_non_null(
        strstr(out_text, "The agreement collapsed: United States withdrew in round 5."));
}

/* ---- two students ------------------------------------------------------------------ */

/* Player A answers "DEFECT" (spelt so that it can be told from any prompt):
 * it must not be shown before B has chosen, nor afterwards; B's turn comes
 * after a cleared screen and a pass-the-keyboard prompt. */
static void test_play_vs_human_hides_choices(void **state)
{
    (void)state;
    assert_int_equal(run("printf '\\nDEFECT\\n\\nCOOPERATE\\n' |",
                         "play " SCEN "classroom/01_prisoners_dilemma.cfg --as a --vs human"
                         " --rounds 1"),
                     0);
    assert_null(strstr(out_text, "DEFECT"));
    assert_null(strstr(out_text, "COOPERATE"));
    const char *a = strstr(out_text, "Round 1 of 1: Tit for Tat's turn");
    const char *pass =
        strstr(out_text, "Tit for Tat has chosen. Pass the keyboard to Always Defect");
    const char *b = strstr(out_text, "Round 1 of 1: Always Defect's turn");
    const char *result = strstr(out_text, "Round 1 of 1: the result");
    assert_true(a && pass && b && result && a < pass && pass < b && b < result);
    /* between A's turn and B's answer: a cleared screen, and no word of A's move */
    const char *clear = strstr(a, "-------- the screen is cleared --------");
    assert_true(clear && clear < pass);
    char between[4096];
    size_t len = (size_t)(result - a) < sizeof between ? (size_t)(result - a) : sizeof between - 1;
    memcpy(between, a, len);
    between[len] = '\0';
    assert_null(strstr(between, "defected"));
    assert_null(strstr(between, "cooperated"));
    assert_non_null(strstr(between, "(hidden)"));
    /* then both see it: A defected against B's cooperation, T and S */
    assert_non_null(strstr(result, "Tit for Tat defected; Always Defect cooperated."));
    assert_non_null(strstr(result, "This round: Tit for Tat 5, Always Defect 0."));
    assert_non_null(strstr(result, "   1. Tit for Tat                      5\n"
                                   "   2. Always Defect                    0\n"
                                   "Tit for Tat wins.\n"));
    /* the end of input at a pass prompt ends the game cleanly */
    assert_int_equal(run("printf '\\nc\\n' |", "play " SCEN "classroom/01_prisoners_dilemma.cfg"
                                               " --as b --vs human --rounds 2"),
                     0);
    assert_non_null(strstr(out_text, "Input ended: the game stops after 0 of 2 rounds."));
    /* over-long lines and NUL bytes are refused and asked again */
    assert_int_equal(run("{ echo; head -c 300 /dev/zero | tr '\\0' d; echo;"
                         " printf 'd\\000c\\n'; echo c; } |",
                         "play " SCEN "classroom/01_prisoners_dilemma.cfg --as a --vs human"
                         " --rounds 1"),
                     0);
    assert_non_null(strstr(out_text, "That answer could not be read (too long)"));
    assert_non_null(strstr(out_text, "That answer could not be read (it holds a NUL byte)"));
    assert_null(strstr(out_text, "ddd"));
}

/* ---- two students at a real terminal ----------------------------------------------- */

/* Reads from the pseudo-terminal `fd` into buf (holding *len bytes) until the
 * text from `from` on holds `want`, for at most ten seconds. 1 if it came. */
static int pty_until(int fd, char *buf, size_t *len, size_t cap, size_t from, const char *want)
{
    for (int waited = 0; waited < 100;) {
        buf[*len] = '\0';
        if (strstr(buf + from, want)) return 1;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 100) <= 0) {
            waited++;
            continue;
        }
        ssize_t got = read(fd, buf + *len, cap - 1 - *len);
        if (got <= 0) return 0;
        *len += (size_t)got;
    }
    return 0;
}

/* The program on a new pseudo-terminal (stdin, stdout and stderr); its pid, *master set. */
static pid_t pty_spawn(const char *args, int *master)
{
    *master = posix_openpt(O_RDWR | O_NOCTTY);
    if (*master < 0) skip(); /* no pseudo-terminals here (a bare container) */
    assert_int_equal(grantpt(*master), 0);
    assert_int_equal(unlockpt(*master), 0);
    const char *slave = ptsname(*master);
    assert_non_null(slave);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();
        int fd = open(slave, O_RDWR);
        if (fd < 0) _exit(127);
        dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
        execl("/bin/sh", "sh", "-c", args, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* At a terminal, which echoes what is typed, the first student's answer is
 * cleared from the screen and its scroll-back before the keyboard is passed. */
static void test_play_vs_human_terminal_cleared(void **state)
{
    (void)state;
    static char buf[1 << 16];
    size_t len = 0, mark;
    int fd, status;
    pid_t pid = pty_spawn("exec " CT_PROGRAM " play " SCEN "classroom/01_prisoners_dilemma.cfg"
                          " --as a --vs human --rounds 1",
                          &fd);
    assert_true(pty_until(fd, buf, &len, sizeof buf, 0, "then press Enter. "));
    assert_int_equal(write(fd, "\n", 1), 1);
    assert_true(pty_until(fd, buf, &len, sizeof buf, 0, "Tit for Tat's turn"));
    assert_true(pty_until(fd, buf, &len, sizeof buf, 0, "(c/d) "));
    mark = len;
    assert_int_equal(write(fd, "DEFECT\n", 7), 7);
    assert_true(pty_until(fd, buf, &len, sizeof buf, mark, "to Always Defect, then press Enter. "));
    const char *echo = strstr(buf + mark, "DEFECT"), *clear = strstr(buf + mark, "\033[2J\033[3J");
    const char *pass = strstr(buf + mark, "Tit for Tat has chosen.");
    assert_true(echo && clear && pass && echo < clear && clear < pass);
    assert_int_equal(write(fd, "\n", 1), 1);
    assert_true(pty_until(fd, buf, &len, sizeof buf, mark, "Always Defect's turn"));
    assert_true(pty_until(fd, buf, &len, sizeof buf, mark, "(c/d) "));
    const char *turn = strstr(buf + mark, "Always Defect's turn");
    assert_null(strstr(turn, "DEFECT"));
    assert_null(strstr(turn, "defected"));
    assert_int_equal(write(fd, "c\n", 2), 2);
    assert_true(pty_until(fd, buf, &len, sizeof buf, mark, "Tit for Tat wins."));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(fd);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- the ranking ------------------------------------------------------------------- */

/* Parses the ranking's rows "  N. name  score" and checks them: sorted, equal
 * scores share a rank, and each rank is one more than the rows that scored more. */
static int check_ranking(const char *text, int want_rows)
{
    const char *t = strstr(text, "(equal scores share a rank):\n");
    assert_non_null(t);
    t = strchr(t, '\n') + 1;
    double score[64];
    int rank[64], n = 0, ties = 0;
    char name[64];
    while (n < 64 && sscanf(t, " %d. %63s %lf", &rank[n], name, &score[n]) == 3) {
        n++;
        t = strchr(t, '\n') + 1;
    }
    assert_int_equal(n, want_rows);
    for (int i = 0; i < n; i++) {
        int better = 0;
        for (int k = 0; k < n; k++)
            better += score[k] > score[i];
        assert_int_equal(rank[i], better + 1);
        if (i > 0) assert_true(score[i] <= score[i - 1]);
        ties += i > 0 && score[i] == score[i - 1];
    }
    return ties;
}

static void test_play_ranking_ties_and_prediction(void **state)
{
    (void)state;
    /* always cooperating against always defect: you score what cooperator,
     * isolationist and the other never-defecting kinds score, a tie */
    assert_int_equal(run("printf 'y\\nc\\nc\\nc\\n' |",
                         "play " SCEN "classroom/01_prisoners_dilemma.cfg --as a --rounds 3"),
                     0);
    assert_true(check_ranking(out_text, 16) > 0);
    const char *you = strstr(out_text, ". you ");
    assert_non_null(you);
    const char *coop = strstr(out_text, ". cooperator ");
    assert_non_null(coop);
    assert_int_equal(atoi(you - 3), atoi(coop - 3)); /* the same rank */
    assert_non_null(strstr(out_text, "(tied)"));
    /* the prediction "yes, I beat it" is judged by the same payoff: a tie is no */
    assert_non_null(strstr(out_text, "The answer: no, a tie (your payoff 0, cooperator's 0)."));
    assert_non_null(strstr(out_text, "A surprise."));
    /* cyber mode: the same checks on the golden game */
    assert_int_equal(run("<" GOLDEN "play_joint_unit.in",
                         "play " SCEN "us_russia_joint_unit_2017.cfg --as us --seed 11 --rounds 4"),
                     0);
    check_ranking(out_text, 16);
    assert_non_null(strstr(
        out_text, "The answer: yes, you beat it (your payoff -0.432, isolationist's -0.600)."));
}

/* ---- options ----------------------------------------------------------------------- */

static void test_play_refused_options(void **state)
{
    (void)state;
    const char *play_bad[] = {"--out x", "--reps 7",   "--threads 2",
                              "--quiet", "--vs robot", "--progress"};
    for (size_t k = 0; k < sizeof play_bad / sizeof *play_bad; k++) {
        char args[512];
        snprintf(args, sizeof args, "play " SCEN "classic_ipd.cfg --as tft %s", play_bad[k]);
        if (!strcmp(play_bad[k], "--out x"))
            snprintf(args, sizeof args, "play " SCEN "classic_ipd.cfg --as tft --out %s/x",
                     scratch);
        assert_int_equal(run("</dev/null", args), 2);
        assert_string_equal(out_text, "");
    }
    assert_string_equal(err_text, "cybertrust: unknown option '--progress' (see --help)\n");
    assert_int_equal(run("", "play --help"), 0);
    const char *not_listed[] = {"--out", "--reps", "--threads", "--quiet"};
    for (size_t k = 0; k < sizeof not_listed / sizeof *not_listed; k++)
        assert_null(strstr(out_text, not_listed[k]));
    assert_non_null(strstr(out_text, "--vs human"));
    const char *narrate_bad[] = {"--out x", "--reps 5", "--threads 2",
                                 "--quiet", "--brief",  "--progress"};
    for (size_t k = 0; k < sizeof narrate_bad / sizeof *narrate_bad; k++) {
        char args[512];
        snprintf(args, sizeof args, "run " SCEN "classic_ipd.cfg --narrate %s", narrate_bad[k]);
        if (!strcmp(narrate_bad[k], "--out x"))
            snprintf(args, sizeof args, "run " SCEN "classic_ipd.cfg --narrate --out %s/x",
                     scratch);
        assert_int_equal(run("", args), 2);
        assert_string_equal(out_text, "");
        assert_non_null(strstr(err_text, "--narrate tells one replication"));
    }
    char x[128];
    snprintf(x, sizeof x, "%s/x", scratch);
    assert_int_equal(access(x, F_OK), -1);
}

/* ---- narration against its own numbers ---------------------------------------------- */

/* The next "rose from", "fell from" or "stayed at" in [t, end), or NULL. */
static const char *find_direction(const char *t, const char *end)
{
    const char *best = NULL;
    const char *const words[] = {"rose from ", "fell from ", "stayed at "};
    for (int k = 0; k < 3; k++) {
        const char *w = strstr(t, words[k]);
        if (w && w < end && (!best || w < best)) best = w;
    }
    return best;
}

/* "rose from A to B", "fell from A to B", "stayed at A" at t: the direction
 * agrees with the numbers. Returns the end of the phrase; *before, *after set. */
static const char *check_change(const char *t, double *before, double *after)
{
    if (!strncmp(t, "stayed at ", 10)) {
        *before = *after = strtod(t + 10, NULL);
        return t + 10;
    }
    char word[16];
    assert_int_equal(sscanf(t, "%15s from %lf", word, before), 2);
    const char *to = strstr(t, " to ");
    assert_non_null(to);
    *after = strtod(to + 4, NULL);
    if (!strcmp(word, "rose"))
        assert_true(*after > *before);
    else if (!strcmp(word, "fell"))
        assert_true(*after < *before);
    else
        fail_msg("unknown direction word '%s'", word);
    return to + 4;
}

/* Every "... payoff rose from A to B: c1 a1 to b1; c2 a2 to b2." adds up. */
static void check_payoff_change(const char *line, const char *end)
{
    double before, after;
    const char *t = check_change(find_direction(line, end), &before, &after);
    if (!strncmp(t + strcspn(t, " "), " (each part moved by less than 0.001).", 38)) {
        assert_true(fabs(after - before) <= 0.001 * 8 + 1e-9);
        return;
    }
    const char *colon = strchr(t, ':');
    assert_true(colon && colon < end);
    double sum = 0;
    int parts = 0;
    for (const char *c = colon; c && c < end; c = strchr(c + 1, ';')) {
        const char *stop = strchr(c + 1, ';');
        if (!stop || stop > end) stop = end;
        const char *to = NULL; /* the last " to " of the part: names hold some ("loss to X") */
        for (const char *x = strstr(c, " to "); x && x < stop; x = strstr(x + 1, " to "))
            to = x;
        assert_non_null(to);
        const char *num = to;
        while (num > c && num[-1] != ' ')
            num--;
        sum += strtod(to + 4, NULL) - strtod(num, NULL);
        parts++;
    }
    assert_true(parts >= 1);
    /* Each printed figure is within 0.0005 of its value, so each printed change
     * within 0.001 of the true one; a component left out printed the same twice,
     * so it moved by less than 0.001. Seven components and the total: 0.008. */
    assert_true(fabs(sum - (after - before)) <= 0.001 * 8 + 1e-9);
}

/* Checks every change stated in the line [line, end); returns how many. */
static int check_line(const char *line, const char *end)
{
    double a, b;
    int n = 0;
    if (strstr(line, "'s payoff ") && strstr(line, "'s payoff ") < end) {
        check_payoff_change(line, end);
        return 1;
    }
    const char *trust_in = strstr(line, "'s trust in ");
    int trust = trust_in && trust_in < end;
    for (const char *d = find_direction(line, end); d; d = find_direction(d + 1, end)) {
        check_change(d, &a, &b);
        if (trust) assert_true(a >= 0 && a <= 1 && b >= 0 && b <= 1);
        n++;
    }
    return n;
}

/* The narration with each wrapped line joined back to the line it continues
 * (a continuation is indented by 4 or more spaces), into buf. */
static const char *unwrap(const char *text, char *buf, size_t n)
{
    size_t len = 0;
    for (const char *t = text; *t && len + 1 < n; t++) {
        if (*t == '\n' && !strncmp(t + 1, "    ", 4)) {
            t += strspn(t + 1, " ");
            buf[len++] = ' ';
            continue;
        }
        buf[len++] = *t;
    }
    buf[len] = '\0';
    return buf;
}

/* Reads a narration line by line and checks each sentence that states a change. */
static int check_narration(const char *wrapped)
{
    static char text[1 << 17];
    unwrap(wrapped, text, sizeof text);
    int checked = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end) end = line + strlen(line);
        checked += check_line(line, end);
        line = *end ? end + 1 : end;
    }
    return checked;
}

/* Matrix mode: each round's payoffs are R, S, T or P for the moves told. */
static void check_matrix_narration(const char *wrapped)
{
    static char text[1 << 17];
    unwrap(wrapped, text, sizeof text);
    int rounds = 0;
    for (const char *r = strstr(text, "\nRound "); r; r = strstr(r + 1, "\nRound ")) {
        const char *pay = strstr(r, "  Payoffs this round: ");
        assert_non_null(pay);
        int defects[2], k = 0;
        for (const char *m = strchr(r + 1, '\n') + 1; m < pay && k < 2; m = strchr(m, '\n') + 1) {
            const char *nl = strchr(m, '\n');
            char line[256];
            snprintf(line, sizeof line, "%.*s", (int)(nl - m), m);
            if (strstr(line, "makes it defect") || strstr(line, "defect anyway"))
                defects[k++] = 1;
            else if (strstr(line, "makes it cooperate"))
                defects[k++] = 0;
            else
                defects[k++] = strstr(line, " defects.") != NULL;
        }
        assert_int_equal(k, 2);
        double v[2];
        char letter[2];
        assert_int_equal(sscanf(pay,
                                "  Payoffs this round: Player A %lf (%c: %*[^)]), Player B %lf (%c",
                                &v[0], &letter[0], &v[1], &letter[1]),
                         4);
        const double value[2][2] = {{3, 0}, {5, 1}}; /* R S / T P of 02_noise.cfg */
        const char name[2][2] = {{'R', 'S'}, {'T', 'P'}};
        for (int i = 0; i < 2; i++) {
            assert_close(v[i], value[defects[i]][defects[1 - i]], 0);
            assert_int_equal(letter[i], name[defects[i]][defects[1 - i]]);
        }
        rounds++;
    }
    assert_int_equal(rounds, 40);
}

static void test_play_narration_consistent(void **state)
{
    (void)state;
    const char *runs[] = {
        "us_russia_joint_unit_2017.cfg --seed 11 --rounds 30",
        "us_china_hotline_2015.cfg --seed 3 --rounds 30 --set states.us.strategy.kind=grudger",
        "us_china_hotline_2015.cfg --seed 5 --rounds 40 --set states.cn.strategy.kind=bayesian",
        "classroom/03_misread_incidents.cfg --seed 5 --rounds 30",
        "classroom/05_joint_unit.cfg --seed 9 --rounds 30 --set world.burn=0.9",
    };
    int checked = 0;
    for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
        char args[512];
        snprintf(args, sizeof args, "run " SCEN "%s --narrate", runs[k]);
        assert_int_equal(run("", args), 0);
        checked += check_narration(out_text);
        /* no negative zero anywhere */
        assert_null(strstr(out_text, "-0.000 "));
        assert_null(strstr(out_text, "-0.00."));
        assert_true(widest_line(out_text) <= 80);
    }
    assert_true(checked > 300);
    /* every burn, shaming and withdrawal told has its cause beside it */
    assert_int_equal(run("", "run " SCEN "classroom/05_joint_unit.cfg --narrate --seed 9"
                             " --rounds 30 --set world.burn=0.9"),
                     0);
    const char *burn = strstr(out_text, "caught the intrusion, burning what");
    if (burn) {
        const char *start = burn;
        while (start > out_text && start[-1] != '\n')
            start--;
        assert_non_null(strstr(start, "'s intrusion mapped more"));
    }
    /* matrix mode: moves and the payoff letters agree; no cyber words */
    assert_int_equal(run("", "run " SCEN "classroom/02_noise.cfg --narrate --seed 7 --rounds 40"),
                     0);
    check_matrix_narration(out_text);
    assert_null(strstr(out_text, "share"));
    assert_null(strstr(out_text, "map"));
    assert_null(strstr(out_text, "Trust"));
    assert_null(strstr(out_text, "net security"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_play_rank_ties),
        cmocka_unit_test(test_play_text_numbers_and_directions),
        cmocka_unit_test(test_play_golden_cyber_and_matrix),
        cmocka_unit_test(test_play_golden_narration),
        cmocka_unit_test(test_play_score_each_round),
        cmocka_unit_test(test_play_slip_told),
        cmocka_unit_test(test_play_withdraw),
        cmocka_unit_test(test_play_vs_human_hides_choices),
        cmocka_unit_test(test_play_vs_human_terminal_cleared),
        cmocka_unit_test(test_play_ranking_ties_and_prediction),
        cmocka_unit_test(test_play_refused_options),
        cmocka_unit_test(test_play_narration_consistent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
