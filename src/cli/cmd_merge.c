/* cybertrust merge: joins the folders of a sweep's shards into one folder, the
 * same, byte for byte, as the sweep run whole. It refuses folders of different
 * sweeps, incomplete shards, and sets of shards that miss or repeat a point. */
#include <getopt.h>
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
    "on one machine. Every shard must be complete and of the same sweep.\n"
    "\n"
    "options:\n"
    "  --out DIR   the folder to write (created if needed)\n"
    "  --quiet     no note on stderr\n"
    "  --help      this text\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 usage error\n";

typedef struct {
    char *text;
    size_t len, head_end;
    sweep_block *blocks;
    long n;
} shard;

static json_t *load_manifest(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    json_error_t e;
    json_t *m = json_load_file(path, 0, &e);
    if (!m) cli_error("%s: not a sweep folder (%s)", dir, e.text);
    return m;
}

static int load_shard(const char *dir, shard *s)
{
    char path[4200];
    size_t valid_end;
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    s->text = cli_read_file(path, &s->len);
    s->n = s->text ? sweep_scan(s->text, s->len, &s->blocks, &s->head_end, &valid_end) : -1;
    if (s->n < 0 || (s->text && valid_end != s->len)) {
        cli_error("%s: unreadable or damaged", path);
        return -1;
    }
    return 0;
}

static int merge(int ndirs, char **dirs, const char *out, int quiet)
{
    json_t *first = NULL, *merged = NULL;
    shard *shards = calloc((size_t)ndirs, sizeof *shards);
    sweep_block *all = NULL;
    unsigned char *seen = NULL;
    int rc = EXIT_RUNTIME;
    long points = 0, total = 0;
    if (!shards) goto done;
    for (int i = 0; i < ndirs; i++) {
        json_t *m = load_manifest(dirs[i]);
        if (!m) goto done;
        if (!json_is_true(json_object_get(m, "complete"))) {
            json_t *sh = json_object_get(m, "shard");
            cli_error("%s: shard %d/%d is incomplete; finish it with sweep --resume", dirs[i],
                      (int)json_integer_value(json_object_get(sh, "k")),
                      (int)json_integer_value(json_object_get(sh, "n")));
            json_decref(m);
            rc = EXIT_USAGE;
            goto done;
        }
        if (!first) {
            first = m;
            points = (long)json_integer_value(
                json_object_get(json_object_get(first, "sweep"), "points"));
        } else {
            int same = json_equal(json_object_get(first, "sweep"), json_object_get(m, "sweep"));
            json_decref(m);
            if (!same) {
                cli_error("%s and %s hold different sweeps", dirs[0], dirs[i]);
                rc = EXIT_USAGE;
                goto done;
            }
        }
        if (load_shard(dirs[i], &shards[i])) goto done;
        if (i > 0 && (shards[i].head_end != shards[0].head_end ||
                      memcmp(shards[i].text, shards[0].text, shards[0].head_end) != 0)) {
            cli_error("%s and %s hold different sweeps (their headers differ)", dirs[0], dirs[i]);
            rc = EXIT_USAGE;
            goto done;
        }
        total += shards[i].n;
    }
    seen = calloc((size_t)(points > 0 ? points : 1), 1);
    all = malloc((size_t)(total > 0 ? total : 1) * sizeof *all);
    if (!seen || !all) goto done;
    /* one text holding every shard's blocks, so that one sorted write suffices */
    size_t size = shards[0].head_end;
    for (int i = 0; i < ndirs; i++)
        size += shards[i].len - shards[i].head_end;
    char *text = malloc(size + 1);
    if (!text) goto done;
    memcpy(text, shards[0].text, shards[0].head_end);
    size_t pos = shards[0].head_end;
    long k = 0;
    for (int i = 0; i < ndirs; i++) {
        for (long b = 0; b < shards[i].n; b++) {
            sweep_block blk = shards[i].blocks[b];
            if (blk.point < 0 || blk.point >= points || seen[blk.point]) {
                cli_error("%s: point %ld is out of the grid or in two shards", dirs[i], blk.point);
                free(text);
                rc = EXIT_USAGE;
                goto done;
            }
            seen[blk.point] = 1;
            memcpy(text + pos, shards[i].text + blk.start, blk.end - blk.start);
            all[k++] = (sweep_block){blk.point, pos, pos + blk.end - blk.start};
            pos += blk.end - blk.start;
        }
    }
    if (k != points) {
        cli_error("the shards hold %ld of the sweep's %ld points: one is missing", k, points);
        free(text);
        rc = EXIT_USAGE;
        goto done;
    }
    merged = json_deep_copy(first);
    json_object_set_new(merged, "shard", json_pack("{s:i, s:i}", "k", 1, "n", 1));
    json_object_set_new(merged, "done",
                        json_pack("[[I, I]]", (json_int_t)0, (json_int_t)(points - 1)));
    json_object_set_new(merged, "done_count", json_integer(points));
    json_object_set_new(merged, "complete", json_true());
    if (cli_make_dir(out) == 0 && sweep_write_sorted(out, text, shards[0].head_end, all, k) == 0 &&
        cli_write_json(out, "sweep.json", merged) == 0) {
        rc = EXIT_OK;
        if (!quiet)
            fprintf(stderr, "merge: %ld points from %d folders in %s/sweep.csv\n", k, ndirs, out);
    }
    merged = NULL; /* consumed */
    free(text);
done:
    for (int i = 0; shards && i < ndirs; i++) {
        free(shards[i].text);
        free(shards[i].blocks);
    }
    free(shards);
    free(all);
    free(seen);
    json_decref(first);
    json_decref(merged);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case ':':
            cli_error("%s needs a value (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error("unknown option '%s' (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int ndirs = argc - optind;
    if (!out || ndirs < 1 || ndirs > MAX_SHARDS) {
        cli_error("merge expects DIR... --out DIR (see --help)");
        return EXIT_USAGE;
    }
    return merge(ndirs, argv + optind, out, quiet);
}
