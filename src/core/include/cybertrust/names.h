/* Names a user may have misspelt: the nearest valid one, for messages. */
#ifndef CYBERTRUST_NAMES_H
#define CYBERTRUST_NAMES_H

#include <stddef.h>

/* The name of `names` (n of them) nearest to `name` by edit distance, if it is
 * near enough to be a plausible misspelling; otherwise NULL. */
const char *ct_names_nearest(const char *name, const char *const *names, int n);

/* Writes "; did you mean NAME?" when a name is near, else "; expected one of: a, b, c",
 * into buf (size `size`). Returns buf. */
const char *ct_names_suggest(const char *name, const char *const *names, int n, char *buf,
                             size_t size);

#endif
