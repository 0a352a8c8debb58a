/* Answers typed at `play` (play_input.h). Input is plain lines on stdin, so a
 * session can be scripted and tested; anything unreadable is asked again, and
 * the end of input ends the game.
 *
 * Two students on one keyboard must not see each other's choice. A terminal
 * echoes what is typed, so each turn ends by clearing the screen (and its
 * scroll-back) before the keyboard is passed; a transcript (stdin not a
 * terminal) shows "(hidden)" where a secret answer would be echoed.
 * Rejected: switching the terminal's echo off (a student who cannot see what
 * they type makes mistakes, and a killed program would leave the terminal
 * silent). */
#define _POSIX_C_SOURCE 200809L /* getline, isatty */
#include "play_input.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Cuts the white space around the text in buf. */
static void trim(char *buf)
{
    size_t len = strlen(buf);
    while (len > 0 && isspace((unsigned char)buf[len - 1]))
        buf[--len] = '\0';
    char *start = buf;
    while (isspace((unsigned char)*start))
        start++;
    memmove(buf, start, strlen(start) + 1);
}

int play_ask(const char *prompt, char *buf, size_t n, int hidden)
{
    char *line = NULL;
    size_t cap = 0;
    int scripted = !isatty(STDIN_FILENO);
    for (;;) {
        printf("%s", prompt);
        fflush(stdout);
        ssize_t len = getline(&line, &cap, stdin);
        if (len < 0) break;
        if ((size_t)len < n && !memchr(line, '\0', (size_t)len)) {
            memcpy(buf, line, (size_t)len + 1);
            free(line);
            trim(buf);
            if (scripted) printf("%s\n", hidden && buf[0] ? "(hidden)" : buf);
            return 1;
        }
        if (scripted) printf("\n");
        printf("That answer could not be read (%s); please answer again.\n",
               (size_t)len >= n ? "too long" : "it holds a NUL byte");
    }
    free(line);
    return 0;
}

/* 1 if `answer` is one of the "|"-separated spellings in `word`. */
static int spelt(const char *answer, const char *word)
{
    size_t len = strlen(answer);
    for (const char *w = word; *w;) {
        size_t wlen = strcspn(w, "|");
        if (wlen == len && len > 0 && !strncmp(w, answer, len)) return 1;
        w += wlen + (w[wlen] == '|');
    }
    return 0;
}

int play_ask_word(const char *prompt, const char *const *words, int n, const char *again,
                  int hidden)
{
    char line[256];
    for (;;) {
        if (!play_ask(prompt, line, sizeof line, hidden)) return -1;
        for (char *c = line; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        for (int i = 0; i < n; i++)
            if (spelt(line, words[i])) return i;
        printf("%s\n", again);
    }
}

double play_ask_share(double max, int can_withdraw, int *withdraw, int hidden)
{
    char line[256], prompt[160], again[160];
    snprintf(prompt, sizeof prompt, "How much do you share? (0 to %.2f%s) ", max,
             can_withdraw ? ", or w to withdraw from the agreement" : "");
    snprintf(again, sizeof again, "Please give a number from 0 to %.2f%s.", max,
             can_withdraw ? ", or w" : "");
    *withdraw = 0;
    for (;;) {
        if (!play_ask(prompt, line, sizeof line, hidden)) return -1;
        if (can_withdraw && (!strcmp(line, "w") || !strcmp(line, "W"))) {
            *withdraw = 1;
            return 0.0;
        }
        char *end;
        double v = strtod(line, &end);
        if (end != line && *end == '\0' && isfinite(v) && v >= 0 && v <= max + 1e-12)
            return fmin(v, max);
        printf("%s\n", again);
    }
}

void play_clear(void)
{
    if (isatty(STDOUT_FILENO))
        printf("\033[H\033[2J\033[3J"); /* home, clear the screen, clear the scroll-back */
    else
        printf("\n-------- the screen is cleared --------\n");
    fflush(stdout);
}

int play_pass(const char *prompt)
{
    char line[256];
    return play_ask(prompt, line, sizeof line, 0) ? 0 : -1;
}
