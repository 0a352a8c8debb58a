/* The final ranking of `play`: the student beside the built-in strategies. */
#ifndef CYBERTRUST_CLI_PLAY_RANK_H
#define CYBERTRUST_CLI_PLAY_RANK_H

/* One row: who, the score it is ranked by, as a number and as printed. */
typedef struct {
    const char *name;
    double score;    /* payoff over the game */
    double security; /* net security per round (cyber mode), else NaN */
    char text[32];   /* the score as printed; equal texts are a tie */
    int rank;        /* 1 = best; tied rows share the rank of the first of them */
} play_entry;

/* Sorts the n rows by score, best first (rows whose texts are equal keep their
 * order), and ranks them as in sport ("1, 2, 2, 4"): rows whose printed
 * scores are equal are tied. */
void play_rank(play_entry *rows, int n);

/* Compares two scores as play_rank does, by their printed texts: 1 if a is
 * better, 0 if tied, -1 if worse. */
int play_compare(const char *a, const char *b);

/* "1st", "2nd", "3rd", "4th", ..., "11th", "21st": into buf. */
const char *play_ordinal(int n, char *buf, unsigned size);

#endif
