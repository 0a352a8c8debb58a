/* cybertrust merge: joins the folders of a sweep's shards into one folder, the
 * same, byte for byte, as the sweep run whole. It refuses folders of different
 * sweeps, incomplete shards, and sets of shards that miss or repeat a point.
 * The shards' sweep.csv files are indexed and copied in point order by
 * sweep_file.c, in memory that grows with the points, not the files. The
 * folders of a sharded `sensitivity` hold one sweep folder per scenario, each
 * merged alike. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_SHARDS 1024

static const char usage[] =
    "usage: cybertrust merge DIR... --out DIR\n"
    "\n"
    "Joins the output folders of 'cybertrust sweep --shard K/N' runs into one sweep\n"
    "folder (sweep.csv sorted by point, and sweep.json), identical to the sweep run\n"
    "on one machine. Every shard must be complete and of the same sweep. Folders of\n"
    "'cybertrust sensitivity --shard K/N' runs are joined scenario by scenario\n"
    "(OUT/sweep1, OUT/sweep2); run the analysis with --resume --out OUT.\n";

typedef struct {
    const char *dirs[MAX_SHARDS];
    int ndirs;
    const char *out;
    int quiet;
} merge_args;

static const cli_opt merge_table[] = {
    {.name = "out",
     .value = "DIR",
     .help = "the folder to write (created if needed)",
     .kind = CLI_OPT_STRING,
     .at = offsetof(merge_args, out),
     .complete = "dir"},
    {.name = "quiet",
     .help = "no note on stderr",
     .kind = CLI_OPT_FLAG,
     .at = offsetof(merge_args, quiet)},
    CLI_OPT_END,
};

const cli_command cli_merge_command = {
    .name = "merge",
    .usage = usage,
    .footer = "\nexit codes: 0 success, 1 runtime failure, 2 usage error\n",
    .arg_name = "folder",
    .args_complete = "dir",
    .min_args = 0,
    .max_args = -MAX_SHARDS, /* the count is checked with --out */
    .args_at = offsetof(merge_args, dirs),
    .nargs_at = offsetof(merge_args, ndirs),
    .options = merge_table,
};

static json_t *load_manifest(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    json_error_t e;
    json_t *m = json_load_file(path, 0, &e);
    if (!m) cli_error("%s: not a sweep folder (%s)", dir, e.text);
    return m;
}

/* Checks folder i's manifest against the first's (*first, taken from folder 0). */
static int check_manifest(const char **dirs, int i, json_t **first)
{
    json_t *m = load_manifest(dirs[i]);
    if (!m) return EXIT_RUNTIME;
    if (!json_is_true(json_object_get(m, "complete"))) {
        json_t *sh = json_object_get(m, "shard");
        cli_error("%s: shard %d/%d is incomplete; finish it with sweep --resume", dirs[i],
                  (int)json_integer_value(json_object_get(sh, "k")),
                  (int)json_integer_value(json_object_get(sh, "n")));
        json_decref(m);
        return EXIT_USAGE;
    }
    if (!*first) {
        *first = m;
        return 0;
    }
    int same = json_equal(json_object_get(*first, "sweep"), json_object_get(m, "sweep"));
    json_decref(m);
    if (!same) {
        cli_error("%s and %s hold different sweeps", dirs[0], dirs[i]);
        return EXIT_USAGE;
    }
    return 0;
}

/* The manifest of the merged folder: the first's, whole and complete. */
static json_t *merged_manifest(const json_t *first, long points)
{
    json_t *merged = json_deep_copy(first);
    json_object_set_new(merged, "shard", json_pack("{s:i, s:i}", "k", 1, "n", 1));
    json_object_set_new(merged, "done",
                        json_pack("[[I, I]]", (json_int_t)0, (json_int_t)(points - 1)));
    json_object_set_new(merged, "done_count", json_integer(points));
    json_object_set_new(merged, "complete", json_true());
    return merged;
}

static int merge(int ndirs, const char **dirs, const char *out, int quiet)
{
    json_t *first = NULL;
    sweep_merge *m = NULL;
    long points = 0;
    int rc = 0;
    for (int i = 0; !rc && i < ndirs; i++) {
        rc = check_manifest(dirs, i, &first);
        if (!rc && i == 0) {
            if (sweep_manifest_check(dirs[0], json_object_get(first, "sweep")) ||
                sweep_manifest_points(dirs[0], json_object_get(first, "sweep"), &points)) {
                rc = EXIT_RUNTIME;
                break;
            }
            m = sweep_merge_alloc(points);
            if (!m) {
                cli_error("out of memory");
                rc = EXIT_RUNTIME;
            }
        }
        if (!rc) rc = sweep_merge_add(m, dirs[i]);
    }
    if (!rc) rc = cli_out_begin(out);
    if (!rc) rc = sweep_merge_write(m, out);
    if (!rc)
        rc = cli_write_json(out, "sweep.json", merged_manifest(first, points)) ? EXIT_RUNTIME
                                                                               : EXIT_OK;
    if (!rc && cli_out_commit()) rc = EXIT_RUNTIME;
    if (!rc && !quiet)
        fprintf(stderr, "merge: %ld points from %d folders in %s/sweep.csv\n", points, ndirs, out);
    sweep_merge_free(m);
    json_decref(first);
    return rc;
}

/* 1 if DIR is a sensitivity folder: no sweep.json of its own, DIR/sweep1/sweep.json. */
static int sensitivity_folder(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    FILE *fp = fopen(path, "rb");
    if (fp) {
        fclose(fp);
        return 0;
    }
    snprintf(path, sizeof path, "%s/sweep1/sweep.json", dir);
    fp = fopen(path, "rb");
    if (fp) fclose(fp);
    return fp != NULL;
}

/* The shards of `cybertrust sensitivity`: each scenario's sweep folder
 * (sweep1, and sweep2 when the first shard has it) merged into OUT/sweepN,
 * one after the other (a process locks one folder at a time). */
static int merge_sensitivity(int ndirs, const char **dirs, const char *out, int quiet)
{
    static char sub[2][MAX_SHARDS][4200]; /* program-side: one merge per process */
    char to[4200], probe[4300];
    int rc = 0;
    for (int s = 0; s < 2 && !rc; s++) {
        snprintf(probe, sizeof probe, "%s/sweep%d/sweep.json", dirs[0], s + 1);
        FILE *fp = fopen(probe, "rb");
        if (!fp) break;
        fclose(fp);
        const char *subdirs[MAX_SHARDS];
        for (int i = 0; i < ndirs; i++) {
            snprintf(sub[s][i], sizeof sub[s][i], "%s/sweep%d", dirs[i], s + 1);
            subdirs[i] = sub[s][i];
        }
        snprintf(to, sizeof to, "%s/sweep%d", out, s + 1);
        rc = cli_out_finish(merge(ndirs, subdirs, to, quiet));
    }
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    merge_args m = {0};
    int rc = cli_opt_parse(&cli_merge_command, argc, argv, &m);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    if (!m.out || m.ndirs < 1) {
        cli_error("merge expects DIR... --out DIR (see --help)");
        return EXIT_USAGE;
    }
    if (sensitivity_folder(m.dirs[0])) return merge_sensitivity(m.ndirs, m.dirs, m.out, m.quiet);
    return merge(m.ndirs, m.dirs, m.out, m.quiet);
}
