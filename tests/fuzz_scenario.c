/* libFuzzer target: the scenario loader and validator, --set parsing, sweep
 * specs and game files, on arbitrary bytes. Input: optional "--set" lines,
 * then a NUL byte, then a scenario file (no NUL: the whole input is the file).
 * Nothing may crash, leak or invoke undefined behaviour; every rejection must
 * come with a message. Built with clang -fsanitize=fuzzer,address,undefined
 * (cmake -DCT_FUZZ=ON with CC=clang); a crash it finds becomes a case in
 * tests/test_scenario.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cybertrust/error.h"
#include "cybertrust/scenario.h"
#include "cybertrust/sweep.h"

#define MAX_OVERRIDES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5 leaks the string it was reading when a syntax error follows it
 * (a = ( "x", "y" at the end of a file): its own, not the loader's. */
const char *__lsan_default_suppressions(void)
{
    return "leak:libconfig.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t head = nul ? (size_t)(nul - data) : 0, body = nul ? size - head - 1 : size;
    char *sets_text = malloc(head + 1);
    memcpy(sets_text, data, head);
    sets_text[head] = '\0';
    const char *sets[MAX_OVERRIDES];
    int nsets = 0;
    for (char *line = strtok(sets_text, "\n"); line && nsets < MAX_OVERRIDES;
         line = strtok(NULL, "\n"))
        sets[nsets++] = line;

    char path[] = "/tmp/ct_fuzz_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    const uint8_t *file = nul ? nul + 1 : data;
    if (body && write(fd, file, body) != (ssize_t)body) abort();
    close(fd);

    ct_scenario_options opt = {.regime_dir = CT_SOURCE_DIR "/configs/regimes",
                               .overrides = sets,
                               .noverrides = nsets,
                               .skip_absent_states = nsets % 2};
    ct_params p;
    if (ct_scenario_load(path, &opt, &p) != 0 && ct_error_last()[0] == '\0') abort();
    ct_sweep *grid = ct_sweep_alloc();
    if (ct_scenario_load_sweep(path, grid) != 0 && ct_error_last()[0] == '\0') abort();
    for (int i = 0; i < nsets; i++)
        ct_sweep_add(grid, sets[i]);
    ct_sweep_free(grid);
    ct_bimatrix g;
    ct_scenario_load_game(path, &g);
    unlink(path);
    free(sets_text);
    return 0;
}
