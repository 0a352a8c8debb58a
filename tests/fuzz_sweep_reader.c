/* libFuzzer target: the sweep.csv reader, index, resume, sort and merge code
 * (src/cli/sweep_file.c) over a file made from the input. Input: one flag
 * byte, then the file's bytes. Flag bit 0: the file begins with the head of
 * the sweep below (so that the bytes reach the blocks); else it is the input
 * alone. The file is then resumed (indexed, its torn end cut, sorted), read
 * row by row, and merged as a shard. Nothing may crash, leak or invoke
 * undefined behaviour. Built with cmake -DCT_FUZZ=ON (CC=clang). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cybertrust/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ct_sweep *grid;
static char dir[64];

static void setup(void)
{
    grid = ct_sweep_alloc();
    if (!grid || ct_sweep_add(grid, "world.threat=0:1:3") ||
        ct_sweep_add(grid, "regime.clarity=0,1"))
        abort();
    snprintf(dir, sizeof dir, "/tmp/ct_fuzz_sweep_XXXXXX");
    if (!mkdtemp(dir)) abort();
}

static int count_rows(void *ctx, const sweep_row *row)
{
    (void)row;
    ++*(long *)ctx;
    return 0;
}

/* DIR/sweep.csv: the head of `def` (when asked), then the input. */
static void write_file(const sweep_def *def, int with_head, const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    unlink(path);
    if (with_head) {
        sweep_file *f;
        if (sweep_file_open(&f, dir, def, 0)) abort();
        sweep_file_free(f);
    }
    FILE *fp = fopen(path, "ab");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!grid) setup();
    if (size < 1) return 0;
    sweep_def def = {.scenario_path = "s.cfg",
                     .scenario_name = "S",
                     .seed = 1,
                     .replications = 2,
                     .grid = grid,
                     .shard_k = 1,
                     .shard_n = 1};
    write_file(&def, data[0] & 1, data + 1, size - 1);
    sweep_file *f;
    if (sweep_file_open(&f, dir, &def, 1) == 0) {
        if (sweep_file_count(f) > ct_sweep_points(grid)) abort();
        sweep_file_finish(f);
        sweep_file_free(f);
    }
    char path[128];
    long rows = 0;
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    sweep_file_read(path, ct_sweep_dims(grid), count_rows, &rows);
    sweep_merge *m = sweep_merge_alloc(ct_sweep_points(grid));
    if (!m) abort();
    if (sweep_merge_add(m, dir) == 0) {
        char out[128];
        snprintf(out, sizeof out, "%s/merged", dir);
        sweep_merge_write(m, out);
    }
    sweep_merge_free(m);
    return 0;
}
