/* Error messages live in a thread-local buffer so that library calls made from
 * several OpenMP threads never clobber each other's message. The buffer is the
 * one piece of mutable static state in the library, and it is per thread. */
#include "cybertrust/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];

int ct_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    return code;
}

const char *ct_error_last(void)
{
    return last_message;
}

void ct_error_clear(void)
{
    last_message[0] = '\0';
}
