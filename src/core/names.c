/* Suggestions for misspelt names: Levenshtein distance over the valid names,
 * accepted when it is at most half the name's length (one edit for names under
 * four letters), so that "hotlne" suggests hotline but "x" suggests nothing.
 * Rejected: prefix matching (it cannot fix a transposition). */
#include "cybertrust/names.h"

#include <stdio.h>
#include <string.h>

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return (size_t)-1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *ct_names_nearest(const char *name, const char *const *names, int n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; i < n; i++) {
        size_t d = edit_distance(name, names[i]);
        if (d < best_d) best_d = d, best = names[i];
    }
    size_t len = strlen(name);
    size_t limit = len < 4 ? 1 : len / 2; /* a plausible misspelling, not any word */
    return best_d <= limit ? best : NULL;
}

const char *ct_names_suggest(const char *name, const char *const *names, int n, char *buf,
                             size_t size)
{
    const char *near = ct_names_nearest(name, names, n);
    if (near) {
        snprintf(buf, size, "; did you mean %s?", near);
        return buf;
    }
    size_t used = (size_t)snprintf(buf, size, "; expected one of:");
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s %s", i ? "," : "", names[i]);
    return buf;
}
