/* markdown.h — Markdown → HTML (a small subset: paragraphs, **bold**, *em*, `code`). */
#ifndef KSC_SANDBOX_MARKDOWN_H
#define KSC_SANDBOX_MARKDOWN_H

char *markdown_to_html(const char *md); /* malloc'd */

#endif
