/* Errors: negative codes plus a thread-local message (libgit2's giterr, GSL's strerror). */
#ifndef CYBERTRUST_ERROR_H
#define CYBERTRUST_ERROR_H

enum {
    CT_OK = 0,
    CT_ENOMEM = -1,    /* an allocation failed */
    CT_EINVAL = -2,    /* an invalid argument or parameter value */
    CT_ECONFIG = -3,   /* a scenario or template file is malformed or invalid */
    CT_EIO = -4,       /* a file could not be read */
    CT_ENUMERIC = -5,  /* a GSL routine failed */
    CT_ECANCELED = -6, /* the caller asked the work to stop */
};

/* Records a printf-style message for the calling thread and returns `code`,
 * so that a failing function can `return ct_error_set(CT_EINVAL, "...")`. */
int ct_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The calling thread's last message ("" if none). Valid until the next ct_error_set. */
const char *ct_error_last(void);

/* Forgets the calling thread's last message. */
void ct_error_clear(void);

#endif
