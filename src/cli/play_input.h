/* Answers typed at `play`: whole lines from stdin, re-asked until they read. */
#ifndef CYBERTRUST_CLI_PLAY_INPUT_H
#define CYBERTRUST_CLI_PLAY_INPUT_H

#include <stddef.h>

/* Prints `prompt` and reads one whole line into buf (n bytes), trimmed: 1, or
 * 0 at the end of input. A line too long for buf, or holding a NUL byte, is
 * refused as a whole and asked again. When stdin is not a terminal the answer
 * is echoed, so a scripted session reads as a dialogue; with `hidden` the echo
 * is "(hidden)", so a transcript never shows a secret choice. */
int play_ask(const char *prompt, char *buf, size_t n, int hidden);

/* Asks until the answer is one of the n `words`, each a "|"-separated list of
 * spellings compared without case ("y|yes"); `again` is printed after a wrong
 * answer. The index of the word, or -1 at the end of input. */
int play_ask_word(const char *prompt, const char *const *words, int n, const char *again,
                  int hidden);

/* A number in [0, max], or (when `can_withdraw`) "w" to withdraw, which sets
 * *withdraw and answers 0. -1 at the end of input. */
double play_ask_share(double max, int can_withdraw, int *withdraw, int hidden);

/* Clears the screen between two players' turns: the terminal's screen and
 * scroll-back when stdout is one, else a marker line in the transcript. */
void play_clear(void);

/* Prints `prompt` ("pass the keyboard to ...") and waits for Enter: 0, or -1
 * at the end of input. */
int play_pass(const char *prompt);

#endif
