/* The one double-precision assertion the tests share (cmocka 1.1.5 has none). */
#ifndef CT_TEST_ASSERT_CLOSE_H
#define CT_TEST_ASSERT_CLOSE_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static inline void assert_close_at(double a, double b, double tol, const char *ea, const char *eb,
                                   const char *file, int line)
{
    if (fabs(a - b) <= tol || (isnan(a) && isnan(b))) return;
    print_error("%s = %.17g is not within %g of %s = %.17g\n", ea, a, tol, eb, b);
    _fail(file, line);
}

#define assert_close(a, b, tol) assert_close_at((a), (b), (tol), #a, #b, __FILE__, __LINE__)

#endif
