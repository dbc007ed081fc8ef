/* csv_writer.h — RFC 4180 CSV streamed through the host's ksc_output: UTF-8, CRLF line
 * ends, a field quoted (with doubled quotes) when it holds a comma, a quote, CR or LF.
 * Text cells that a spreadsheet would run as a formula (first character = + - @, tab or CR)
 * get a leading apostrophe, so a tenant named "=HYPERLINK(…)" stays text (OWASP's advice
 * for CSV injection). Output is buffered and handed over in blocks. */
#ifndef MDR_CSV_WRITER_H
#define MDR_CSV_WRITER_H

#include <ksc/plugin.h>
#include <stddef.h>
#include <stdint.h>

#define MDR_CSV_BLOCK 65536

typedef struct mdr_csv {
    ksc_output *out;
    ksc_status status; /* the first failure; every later call is a no-op */
    int row_started;
    size_t len;
    char buf[MDR_CSV_BLOCK];
} mdr_csv;

/* Calls out->begin("text/csv; charset=utf-8", file_name). */
ksc_status mdr_csv_begin(mdr_csv *csv, ksc_output *out, const char *file_name);
void mdr_csv_text(mdr_csv *csv, const char *text); /* NULL = empty cell */
void mdr_csv_int(mdr_csv *csv, int64_t value);
void mdr_csv_end_row(mdr_csv *csv);
/* Writes what is buffered; returns the first failure of the whole file, or KSC_OK. */
ksc_status mdr_csv_finish(mdr_csv *csv);

/* Encodes one text cell into out (NUL-terminated); returns the length it needs (like
 * snprintf) so tests can check the quoting alone. */
size_t mdr_csv_encode_cell(const char *text, char *out, size_t out_size);

#endif
