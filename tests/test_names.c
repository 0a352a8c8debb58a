/* Suggestions for misspelt names. */
#include "assert_close.h"

#include <string.h>

#include "cybertrust/names.h"

static void test_names_nearest(void **state)
{
    (void)state;
    const char *names[] = {"threat", "decay", "burn"};
    assert_string_equal(ct_names_nearest("threath", names, 3), "threat");
    assert_string_equal(ct_names_nearest("brun", names, 3), "burn");
    assert_null(ct_names_nearest("zzzzzzzz", names, 3));
    assert_null(ct_names_nearest("x", names, 0));
}

static void test_names_suggest(void **state)
{
    (void)state;
    const char *names[] = {"threat", "decay", "burn"};
    char buf[128];
    assert_string_equal(ct_names_suggest("decya", names, 3, buf, sizeof buf),
                        "; did you mean decay?");
    assert_string_equal(ct_names_suggest("zzzzzzzz", names, 3, buf, sizeof buf),
                        "; expected one of: threat, decay, burn");
    /* a buffer too small is cut, never overrun */
    char tiny[12];
    ct_names_suggest("zzzzzzzz", names, 3, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_nearest),
        cmocka_unit_test(test_names_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
