/* The final ranking of `play` (play_rank.h). Scores are ranked by the texts a
 * student reads: two strategies whose payoffs print the same are tied, share
 * a rank, and the next rank skips (standard competition ranking, "1224"), so
 * the table never puts one of two equal-looking scores above the other.
 * Rounding is monotone, so equal texts are neighbours in the sorted order.
 * Rejected: a tolerance on the doubles (it is not transitive, and two scores
 * a hair apart would print equal yet rank apart). */
#include "play_rank.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int play_compare(const char *a, const char *b)
{
    if (!strcmp(a, b)) return 0;
    return strtod(a, NULL) > strtod(b, NULL) ? 1 : -1;
}

/* Insertion sort, stable: the rows are few (the built-in strategies and the student). */
void play_rank(play_entry *rows, int n)
{
    for (int i = 1; i < n; i++) {
        play_entry e = rows[i];
        int j = i;
        while (j > 0 && play_compare(e.text, rows[j - 1].text) > 0) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = e;
    }
    for (int i = 0; i < n; i++)
        rows[i].rank =
            i > 0 && !play_compare(rows[i].text, rows[i - 1].text) ? rows[i - 1].rank : i + 1;
}

const char *play_ordinal(int n, char *buf, unsigned size)
{
    const char *suffix = "th";
    if (n % 100 < 11 || n % 100 > 13) {
        if (n % 10 == 1) suffix = "st";
        if (n % 10 == 2) suffix = "nd";
        if (n % 10 == 3) suffix = "rd";
    }
    snprintf(buf, size, "%d%s", n, suffix);
    return buf;
}
