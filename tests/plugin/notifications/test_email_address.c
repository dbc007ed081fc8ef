/* notifications: the email address check at its edges (one address, 254 characters). */
#include "notifications/email_address.h"
#include "unit.h"

static void email__accepted(void)
{
    CU_ASSERT_TRUE(mdr_email_address_valid("soc@example.com"));
    CU_ASSERT_TRUE(mdr_email_address_valid("first.last+mdr@sub.example.co.uk"));
    CU_ASSERT_TRUE(mdr_email_address_valid("a@b.io"));
}

static void email__refused(void)
{
    const char *bad[] = {"",
                         "plain",
                         "@example.com",
                         "soc@",
                         "soc@example",
                         "soc@.example.com",
                         "soc@example..com",
                         "soc@example.",
                         "a@b@example.com",
                         "soc @example.com",
                         "soc@example.com, it@example.com",
                         "soc@example.com;it@example.com",
                         "\"soc\"@example.com",
                         "<soc@example.com>",
                         "soc\t@example.com",
                         "сок@example.com",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        if (mdr_email_address_valid(bad[i]))
            fprintf(stderr, "accepted: %s\n", bad[i]);
        CU_ASSERT_FALSE(mdr_email_address_valid(bad[i]));
    }
    CU_ASSERT_FALSE(mdr_email_address_valid(NULL));
}

static void email__254_and_255_characters(void)
{
    char s[300];
    memset(s, 'a', sizeof s);
    /* local part + "@example.com" (12) */
    s[254 - 12] = '\0';
    strcat(s, "@example.com");
    CU_ASSERT_EQUAL(strlen(s), 254);
    CU_ASSERT_TRUE(mdr_email_address_valid(s));
    memmove(s + 1, s, strlen(s) + 1);
    CU_ASSERT_EQUAL(strlen(s), 255);
    CU_ASSERT_FALSE(mdr_email_address_valid(s));
}

int main(void)
{
    static const unit_test tests[] = {
        {"email__accepted", email__accepted},
        {"email__refused", email__refused},
        {"email__254_and_255_characters", email__254_and_255_characters},
        {NULL, NULL}};
    return run_tests("notifications_email", tests);
}
