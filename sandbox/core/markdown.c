/* markdown.c — the small Markdown subset incident texts use, to HTML: paragraphs, line
 * breaks, **bold**, *emphasis*, `code`; everything else is escaped text. */
#include "core/markdown.h"
#include "core/sbuf.h"

#include <string.h>

static void esc(sbuf *b, char c)
{
    switch (c) {
    case '<':
        sb_puts(b, "&lt;");
        break;
    case '>':
        sb_puts(b, "&gt;");
        break;
    case '&':
        sb_puts(b, "&amp;");
        break;
    case '"':
        sb_puts(b, "&quot;");
        break;
    default:
        sb_putc(b, c);
    }
}

char *markdown_to_html(const char *md)
{
    sbuf b = {0};
    int in_p = 0, bold = 0, em = 0, code = 0;
    for (const char *p = md; *p;) {
        if (p[0] == '\n' && p[1] == '\n') {
            if (in_p)
                sb_puts(&b, "</p>");
            in_p = 0;
            while (*p == '\n')
                p++;
            continue;
        }
        if (!in_p) {
            sb_puts(&b, "<p>");
            in_p = 1;
        }
        if (*p == '\n') {
            sb_puts(&b, "<br>");
            p++;
        } else if (!code && p[0] == '*' && p[1] == '*') {
            sb_puts(&b, bold ? "</strong>" : "<strong>");
            bold = !bold;
            p += 2;
        } else if (!code && p[0] == '*') {
            sb_puts(&b, em ? "</em>" : "<em>");
            em = !em;
            p++;
        } else if (p[0] == '`') {
            sb_puts(&b, code ? "</code>" : "<code>");
            code = !code;
            p++;
        } else {
            esc(&b, *p++);
        }
    }
    if (code)
        sb_puts(&b, "</code>");
    if (em)
        sb_puts(&b, "</em>");
    if (bold)
        sb_puts(&b, "</strong>");
    if (in_p)
        sb_puts(&b, "</p>");
    if (!b.data)
        sb_puts(&b, "");
    return b.data;
}
