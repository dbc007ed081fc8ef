/* licenses: the CSV by tenant is RFC 4180, streamed in blocks, formula-safe. */
#include "core/csv_writer.h"
#include "unit.h"

typedef struct sink {
    char *data;
    size_t len;
    int writes, fail_after;
    char type[64], name[64];
} sink;

static ksc_status s_begin(void *ctx, const char *type, const char *name)
{
    sink *s = ctx;
    snprintf(s->type, sizeof s->type, "%s", type);
    snprintf(s->name, sizeof s->name, "%s", name);
    return KSC_OK;
}

static ksc_status s_write(void *ctx, const void *data, size_t len)
{
    sink *s = ctx;
    if (s->fail_after && s->writes >= s->fail_after)
        return KSC_ERR_FAILED;
    s->writes++;
    s->data = realloc(s->data, s->len + len + 1);
    memcpy(s->data + s->len, data, len);
    s->len += len;
    s->data[s->len] = '\0';
    return KSC_OK;
}

static void csv__quoting(void)
{
    char out[128];
    mdr_csv_encode_cell("plain", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "plain");
    mdr_csv_encode_cell("a,b", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "\"a,b\"");
    mdr_csv_encode_cell("say \"hi\"", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "\"say \"\"hi\"\"\"");
    mdr_csv_encode_cell("two\r\nlines", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "\"two\r\nlines\"");
    mdr_csv_encode_cell("Корень без тенантов", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "Корень без тенантов");
}

static void csv__formula_cells_stay_text(void)
{
    char out[128];
    mdr_csv_encode_cell("=HYPERLINK(\"x\")", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "\"'=HYPERLINK(\"\"x\"\")\"");
    mdr_csv_encode_cell("+1", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "'+1");
    mdr_csv_encode_cell("@sum", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "'@sum");
    mdr_csv_encode_cell("Acme-1", out, sizeof out); /* only a leading sign matters */
    CU_ASSERT_STRING_EQUAL(out, "Acme-1");
}

static void csv__rows_stream_in_blocks(void)
{
    sink s = {0};
    ksc_output out = {sizeof out, &s, s_begin, s_write};
    mdr_csv *c = malloc(sizeof *c);
    CU_ASSERT_EQUAL(mdr_csv_begin(c, &out, "x.csv"), KSC_OK);
    CU_ASSERT_STRING_EQUAL(s.type, "text/csv; charset=utf-8");
    mdr_csv_text(c, "License");
    mdr_csv_text(c, "Tenant");
    mdr_csv_end_row(c);
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 100; i++) {
        mdr_csv_text(c, big);
        mdr_csv_int(c, i);
        mdr_csv_end_row(c);
    }
    CU_ASSERT_EQUAL(mdr_csv_finish(c), KSC_OK);
    CU_ASSERT_TRUE(s.writes >= 3); /* ~200 KB in 64 KB blocks */
    CU_ASSERT_EQUAL(strncmp(s.data, "License,Tenant\r\n", 16), 0);
    size_t expect = 16 + 100 * (1999 + 1 + 2 + 2) - 10; /* 0..9 are one digit */
    CU_ASSERT_EQUAL(s.len, expect);
    CU_ASSERT_EQUAL(strcmp(s.data + s.len - 5, ",99\r\n"), 0);
    free(c);
    free(s.data);
}

static void csv__write_failure_is_reported(void)
{
    sink s = {.fail_after = 1};
    ksc_output out = {sizeof out, &s, s_begin, s_write};
    mdr_csv *c = malloc(sizeof *c);
    mdr_csv_begin(c, &out, "x.csv");
    char big[1000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 300; i++) {
        mdr_csv_text(c, big);
        mdr_csv_end_row(c);
    }
    CU_ASSERT_EQUAL(mdr_csv_finish(c), KSC_ERR_FAILED);
    free(c);
    free(s.data);
}

int main(void)
{
    static const unit_test tests[] = {
        {"csv__quoting", csv__quoting},
        {"csv__formula_cells_stay_text", csv__formula_cells_stay_text},
        {"csv__rows_stream_in_blocks", csv__rows_stream_in_blocks},
        {"csv__write_failure_is_reported", csv__write_failure_is_reported},
        {NULL, NULL}};
    return run_tests("licenses_csv", tests);
}
