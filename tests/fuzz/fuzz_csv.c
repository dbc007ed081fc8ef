/* The CSV writer (plugin/core/csv_writer.c) with read-back: the input is cut into rows
 * (byte 0x01) and cells (byte 0x00; a cell "\x02" is an integer from the next 8 bytes),
 * written through a ksc_output into memory, and read back with the strict RFC 4180 reader
 * below. Asserts: the same rows and cells come back, a cell the writer guards against
 * formula injection (first character = + - @ tab CR) with its leading apostrophe. */
#include "core/csv_writer.h"
#include "fuzz.h"

#include <inttypes.h>

typedef struct mem {
    char *buf;
    size_t len, cap;
} mem;

static ksc_status mem_begin(void *ctx, const char *type, const char *name)
{
    (void)ctx, (void)type, (void)name;
    return KSC_OK;
}

static ksc_status mem_write(void *ctx, const void *data, size_t len)
{
    mem *m = ctx;
    if (m->len + len > m->cap) {
        m->cap = (m->len + len) * 2;
        m->buf = realloc(m->buf, m->cap);
        FUZZ_ASSERT(m->buf);
    }
    memcpy(m->buf + m->len, data, len);
    m->len += len;
    return KSC_OK;
}

/* A strict RFC 4180 reader: the next field of `s` at *pos into out (NUL-terminated, at most
 * out_size). Returns 1 after a field that ends its record (CRLF), 0 after one followed by ','
 * and aborts on anything RFC 4180 does not allow. */
static int read_field(const char *s, size_t n, size_t *pos, char *out, size_t out_size)
{
    size_t i = *pos, o = 0;
    if (i < n && s[i] == '"') {
        for (i++;; i++) {
            FUZZ_ASSERT(i < n); /* unterminated quote */
            if (s[i] == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    FUZZ_ASSERT(o + 1 < out_size);
                    out[o++] = '"';
                    i++;
                    continue;
                }
                i++;
                break;
            }
            FUZZ_ASSERT(o + 1 < out_size);
            out[o++] = s[i];
        }
    } else {
        for (; i < n && s[i] != ',' && s[i] != '\r'; i++) {
            FUZZ_ASSERT(s[i] != '"' && s[i] != '\n'); /* must have been quoted */
            FUZZ_ASSERT(o + 1 < out_size);
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    FUZZ_ASSERT(i < n);
    if (s[i] == ',') {
        *pos = i + 1;
        return 0;
    }
    FUZZ_ASSERT(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
    *pos = i + 2;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 200000)
        return 0;
    mem m = {0};
    ksc_output out = {sizeof out, &m, mem_begin, mem_write};
    mdr_csv *csv = malloc(sizeof *csv);
    FUZZ_ASSERT(csv && mdr_csv_begin(csv, &out, "f.csv") == KSC_OK);
    /* write: cells end at 0x00, rows at 0x01 */
    char *copy = fuzz_cstr(data, size); /* stays NUL-terminated past the end */
    size_t i = 0;
    while (i < size) {
        size_t j = i;
        while (j < size && data[j] != 0 && data[j] != 1)
            j++;
        char save = copy[j];
        copy[j] = '\0';
        if (j - i == 1 && copy[i] == 2 && j + 8 <= size) {
            int64_t v;
            memcpy(&v, data + j, 8);
            mdr_csv_int(csv, v);
        } else {
            mdr_csv_text(csv, copy + i);
        }
        copy[j] = save;
        if (j + 1 >= size || data[j] == 1) /* the last cell ends its row too */
            mdr_csv_end_row(csv);
        i = j + 1;
    }
    FUZZ_ASSERT(mdr_csv_finish(csv) == KSC_OK);

    /* read back and compare, cell by cell */
    char *cell = malloc(size + 32); /* an integer cell is longer than its 9 input bytes */
    char expect_buf[32];
    FUZZ_ASSERT(cell);
    size_t pos = 0;
    i = 0;
    while (i < size) {
        size_t j = i;
        while (j < size && data[j] != 0 && data[j] != 1)
            j++;
        const char *expect;
        char save = copy[j];
        copy[j] = '\0';
        if (j - i == 1 && copy[i] == 2 && j + 8 <= size) {
            int64_t v;
            memcpy(&v, data + j, 8);
            snprintf(expect_buf, sizeof expect_buf, "%" PRId64, v);
            expect = expect_buf;
        } else {
            expect = copy + i;
        }
        FUZZ_ASSERT(pos < m.len);
        int end = read_field(m.buf, m.len, &pos, cell, size + 32);
        const char *got = cell;
        if (expect != expect_buf && (expect[0] == '=' || expect[0] == '+' || expect[0] == '-' ||
                                     expect[0] == '@' || expect[0] == '\t' || expect[0] == '\r')) {
            FUZZ_ASSERT(got[0] == '\'');
            got++;
        }
        FUZZ_ASSERT(strcmp(got, expect) == 0);
        copy[j] = save;
        FUZZ_ASSERT(end == (j + 1 >= size || data[j] == 1));
        i = j + 1;
    }
    FUZZ_ASSERT(pos == m.len);
    free(cell);
    free(copy);
    free(csv);
    free(m.buf);
    return 0;
}
