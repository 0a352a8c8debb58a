/* Words for numbers in play and --narrate: a printed number never reads "-0.000",
 * and a direction word ("rose", "fell", "stayed at") is chosen from the numbers
 * as printed, so a sentence cannot say "rose" beside two equal or falling figures. */
#ifndef CYBERTRUST_CLI_PLAY_TEXT_H
#define CYBERTRUST_CLI_PLAY_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* v with `decimals` decimals ("%+.*f" when `sign`), negative zero printed as
 * zero ("0.000", never "-0.000" or "+0.000"). Returns buf. */
const char *play_num(double v, int decimals, int sign, char *buf, size_t n);

/* "rose", "fell" or "stayed" for two numbers as printed (by play_num or "%.Nf"
 * texts): compared as the reader sees them. */
const char *play_direction(const char *before, const char *after);

/* "before to after" joined to its direction: "rose from 0.20 to 0.24",
 * "stayed at 0.20". `unit` follows each number ("%" or ""). Returns buf. */
const char *play_change(const char *before, const char *after, const char *unit, char *buf,
                        size_t n);

/* Prints `text` to fp with no line over `width` columns where it can: a
 * longer line breaks at spaces, each continuation indented 4 more than the
 * line's own leading spaces (a word longer than the room is not cut). */
void play_wrap(FILE *fp, const char *text, int width);

#endif
