/* Scenario files (libconfig) into validated parameters. */
#ifndef CYBERTRUST_SCENARIO_H
#define CYBERTRUST_SCENARIO_H

#include "cybertrust/analysis.h"
#include "cybertrust/metagame.h"
#include "cybertrust/params.h"
#include "cybertrust/sweep.h"

/* The most a scenario file holds, with the files it includes (each regime
 * template has the same allowance). */
#define CT_SCENARIO_MAX_BYTES (1L << 20)

typedef struct {
    const char *regime_dir;       /* folder of the regime templates (NAME.cfg) */
    const char *const *overrides; /* "PATH=VALUE" settings applied over the file, in order */
    int noverrides;
    int skip_absent_states; /* skip, rather than reject, overrides of a state id the file lacks */
    /* How messages name each override (NULL for all defaults): labels[i] for
     * overrides[i], such as the flag the user typed, "--seed: simulation.seed
     * must be in [...], got ..."; "" for the message alone; a NULL entry for
     * the default, "NAME PATH=VALUE: ..." ("NAME: ..." for a value out of
     * range), where NAME is `name` ("override" when NULL; the program passes
     * its flag, "--set"). */
    const char *const *labels;
    const char *name;
    /* Called with the path of each file as it is read (NULL: not called): the
     * scenario, each file it includes (the path libconfig opens), the regime
     * template; so that a caller can hash all a result depends on. A load that
     * fails may have reported some. */
    void (*on_file)(const char *path, void *ctx);
    void *on_file_ctx;
} ct_scenario_options;

/* Reads the scenario at `path`, applies its regime template and the overrides,
 * and checks everything. On success fills `out` and returns 0. On failure
 * returns CT_ECONFIG (or CT_EIO for an unreadable file) with a message that
 * names the file, the line and the setting ("x.cfg:12: regime.scope must be in
 * [0, 1], got 1.3"), or the override (see labels); `out` is then unspecified.
 * The file is checked alone before the overrides apply, so that an override
 * cannot hide an error in it. Refused before libconfig reads them: a file (with
 * its includes) over CT_SCENARIO_MAX_BYTES, an @include of anything but a
 * regular file, an integer literal libconfig would not read exactly (beyond 32
 * bits without an L suffix: it keeps the low 32 bits), a NUL byte, more than
 * 256 settings in one group, groups and lists nested over 32 deep; after: any
 * text that is not UTF-8 without control characters. */
int ct_scenario_load(const char *path, const ct_scenario_options *opt, ct_params *out);

/* 1 if the override "PATH=VALUE" (or a bare PATH) can be applied by
 * ct_scenario_apply; 0 for the settings that change how others are read:
 * regime.template, states.ID.strategy.kind and simulation.continuation. */
int ct_scenario_override_local(const char *arg);

/* Applies the override "PATH=VALUE" to `p`, parameters ct_scenario_load filled,
 * with the parsing and checks the loader gives an override: on success `p` is
 * what ct_scenario_load would have filled with this override added last (but
 * for the bytes after the end of a text, and before ct_params_validate, which
 * the caller runs once all overrides are in). Returns 0; CT_EINVAL for a
 * setting that is not local (see above), or an override too long; CT_ECONFIG
 * with a message for a bad path or value, as the loader's for a bad value
 * (load the scenario with the override for the loader's own message). The
 * message names the setting ("regime.dual_use must be in [0, 1], got 1.5") or
 * the override ("world.threat=x: \"x\" is not a number"), never a flag: the
 * caller adds the one the user typed. `p` is unchanged on failure.
 * Thread-safe. */
int ct_scenario_apply(ct_params *p, const char *arg);

/* Adds to `s` the dimensions of the file's sweep block,
 *     sweep = { vary = [ "PATH=SPEC", ... ]; };
 * (nothing if it has none), so that a published sweep is one file. Returns 0,
 * or CT_EIO / CT_ECONFIG with a message naming the file and line. */
int ct_scenario_load_sweep(const char *path, ct_sweep *s);

/* What a sweep block recommends reading in its results,
 *     sweep = { vary = [ ... ]; metric = "net_security"; state = "us"; };
 * for `cybertrust plot` ("" for a key the block leaves out). */
typedef struct {
    char metric[64];
    char state[CT_ID_MAX];
} ct_scenario_sweep_metric;

/* Reads the file's sweep.metric and sweep.state into `out` (both "" without
 * them). Returns 0, or CT_EIO / CT_ECONFIG with file:line and the setting: a
 * metric that is not one of ct_metric_infos or ct_run_metric_infos, a state
 * that is not the id of one of the file's states, a state given with a metric
 * of the run (collapsed, ...). ct_scenario_load checks the same. */
int ct_scenario_load_sweep_metric(const char *path, ct_scenario_sweep_metric *out);

/* A scenario file's sensitivity block (`cybertrust sensitivity`):
 *     sensitivity = { vary = [ "world.threat=0.1:0.4", "states.us.trust=0:0.4" ];
 *                     metric = "net_security"; state = "us"; };
 * the uncertain settings as "PATH=SPEC" texts with their lines, the metric and
 * the state ("" when the block leaves them out). */
#define CT_SCENARIO_SENSITIVITY_MAX CT_SWEEP_MAX_DIMS
typedef struct {
    int nvary; /* 0 without a block */
    char vary[CT_SCENARIO_SENSITIVITY_MAX][CT_SWEEP_TEXT];
    int line[CT_SCENARIO_SENSITIVITY_MAX]; /* each one's line in the file */
    char metric[CT_SWEEP_TEXT], state[CT_SWEEP_TEXT];
} ct_scenario_sensitivity;

/* Reads the file's sensitivity block into `out` (all empty without one).
 * Returns 0, or CT_EIO / CT_ECONFIG with a message naming the file and line:
 * a block that is not a group, an unknown key, vary not a list of at most
 * CT_SCENARIO_SENSITIVITY_MAX texts shorter than CT_SWEEP_TEXT, metric or
 * state not a short text. What the texts mean is checked by the caller. */
int ct_scenario_load_sensitivity(const char *path, ct_scenario_sensitivity *out);

/* Reads the file's meta-game block, the strategy set of each state by id,
 *     metagame = { us = [ "tit_for_tat", "bayesian(exit_below=0.3, depth=0.5)" ];
 *                  ru = [ "opportunist(rate=0.1)", "defector" ]; };
 * into `out` by the positions of the states of `p` (the scenario ct_scenario_load
 * read from the file); out->n[s] is 0 for a state the block leaves out, and
 * both are 0 without a block. Returns 0, or CT_EIO / CT_ECONFIG with file:line
 * and the setting: a state id the scenario lacks, a set that is not a list of
 * strings, empty or longer than CT_METAGAME_MAX, a bad specification, or a
 * strategy listed twice. */
int ct_scenario_load_metagame(const char *path, const ct_params *p, ct_metagame_sets *out);

/* Reads a two-player game from a small libconfig file:
 *     game = { name = "..."; row_player = "..."; col_player = "...";
 *              rows = [ "Up", "Down" ]; cols = [ "Left", "Right" ];
 *              A = ( [ 3.0, 0.0 ], [ 5.0, 1.0 ] );     # the row player's payoffs
 *              B = ( [ 3.0, 5.0 ], [ 0.0, 1.0 ] ); };  # the column player's
 * Returns 0, or CT_EIO / CT_ECONFIG with file:line and the setting. */
int ct_scenario_load_game(const char *path, ct_bimatrix *g);

/* Applies the regime template file at `path` to `p` (its regime keys only,
 * which it must all set: an incomplete template is an error naming its path). */
int ct_scenario_load_regime(const char *path, ct_params *p);

#endif
