/* Numbers as words for play and --narrate (play_text.h). Directions are read
 * off the printed texts, not the doubles: 0.2049 and 0.2051 both print as
 * 0.20 and the sentence says "stayed at 0.20", where comparing the doubles
 * would print "rose from 0.20 to 0.20". Rounding is monotone, so a direction
 * read from the texts never contradicts the direction of the doubles. */
#include "play_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *play_num(double v, int decimals, int sign, char *buf, size_t n)
{
    snprintf(buf, n, sign ? "%+.*f" : "%.*f", decimals, v);
    if (strspn(buf + (buf[0] == '-' || buf[0] == '+'), "0.") ==
        strlen(buf + (buf[0] == '-' || buf[0] == '+')))
        snprintf(buf, n, "%.*f", decimals, 0.0);
    return buf;
}

const char *play_direction(const char *before, const char *after)
{
    double a = strtod(before, NULL), b = strtod(after, NULL);
    return b > a ? "rose" : b < a ? "fell" : "stayed";
}

const char *play_change(const char *before, const char *after, const char *unit, char *buf,
                        size_t n)
{
    const char *d = play_direction(before, after);
    if (d[0] == 's')
        snprintf(buf, n, "stayed at %s%s", after, unit);
    else
        snprintf(buf, n, "%s from %s%s to %s%s", d, before, unit, after, unit);
    return buf;
}

/* One line (no '\n') of len bytes, wrapped. */
static void wrap_line(FILE *fp, const char *t, size_t len, int width)
{
    size_t indent = strspn(t, " "), col = 0, room = (size_t)width;
    const char *end = t + len;
    while ((size_t)(end - t) > room - col) {
        const char *cut = t + (room - col); /* the last space at or before the room's end */
        while (cut > t && *cut != ' ')
            cut--;
        if (cut == t || (size_t)(cut - t) <= (col ? 0 : indent)) {
            cut = memchr(t + (col ? 0 : indent), ' ', (size_t)(end - t) - (col ? 0 : indent));
            if (!cut) break;
        }
        fprintf(fp, "%.*s\n%*s", (int)(cut - t), t, (int)(indent + 4), "");
        col = indent + 4;
        t = cut + 1;
    }
    fprintf(fp, "%.*s\n", (int)(end - t), t);
}

void play_wrap(FILE *fp, const char *text, int width)
{
    while (*text) {
        size_t len = strcspn(text, "\n");
        wrap_line(fp, text, len, width);
        text += len + (text[len] == '\n');
    }
}
