/* call_errors.h — the errors `ksc-host call` answers itself, before or around the module: the
 * same {"error": {"code", "message", "details"}} object a module answers, on stdout, with the
 * message in the call's language (also on stderr). Values shown in a message (a user name,
 * an action name from the command line) are cut and made printable UTF-8 first. */
#ifndef KSC_HOST_CALL_ERRORS_H
#define KSC_HOST_CALL_ERRORS_H

#include <json-c/json.h>

/* Prints the error `code` (a key of the table in call_errors.c) in `lang` (en when unknown)
 * and returns exit_code. `details` (consumed, may be NULL) fills the message's {name}
 * placeholders from its string and integer members. */
int call_error(const char *lang, int exit_code, const char *code, json_object *details);

/* The same without the stderr line, for an error already told there (a module that failed
 * to start: the loader said why). */
int call_error_stdout_only(const char *lang, int exit_code, const char *code, json_object *details);

/* The error object itself ({"error": {...}}, caller puts), for callers that answer it
 * elsewhere than stdout (the web console). */
json_object *call_error_object(const char *lang, const char *code, json_object *details);

/* The same from a message template of the caller's own ({name} placeholders filled from
 * details), for errors whose texts live elsewhere (host/web/web_texts.c). */
json_object *call_error_object_text(const char *code, const char *text, json_object *details);

/* details helper: {"key": printable(value)}. */
json_object *call_error_detail(const char *key, const char *value);

#endif
