/* params.h — a response's parameters as the console shows them: each type's parameters
 * (the response types seed, 001_22e6fe4ad970759a.txt) named and explained in the caller's
 * language, and every rule they break named as a problem, never silently dropped. Pure: no
 * I/O, so the rules are unit-tested alone (tests/plugin/responses/). */
#ifndef MDR_RESPONSE_PARAMS_H
#define MDR_RESPONSE_PARAMS_H
#include <json-c/json.h>

#define MDR_ISOLATION_TERM_DEFAULT_S 604800 /* seven days */
#define MDR_ISOLATION_TERM_MAX_S 2678400
#define MDR_MEMORY_DUMP_DEFAULT_MB 100

/* The nine response types the SOC creates, NULL-terminated (the request enum uses it too). */
extern const char *const MDR_RESPONSE_TYPES[];

/* 1 when `type` is one of MDR_RESPONSE_TYPES. */
int mdr_response_type_known(const char *type);

/* The view of `params` (borrowed; NULL = none) of a response of `type` in `lang`:
 * {"type_title", "parameters": [{"name", "label", "value", "explanation"?}],
 *  "problems": [{"field", "code", "message"}], "valid"} (new object). A parameter the rules
 * default (isolation term, dump size) is shown with its default and "default": true. */
json_object *mdr_response_params_view(const char *type, json_object *params, const char *lang);

/* 1 when `path` is absolute: "C:\…", a UNC "\\server\…", "%VAR%\…" or "/…". */
int mdr_response_path_absolute(const char *path);

/* The isolate response's password details {version, salt, derived_key} (borrowed), checked:
 * version 1, salt and a 32-byte derived key in hex. 0 and the decoded salt/key (malloc'd;
 * caller frees), or -1 with *problem = the problem code. */
int mdr_isolation_details(json_object *params, unsigned char **salt, size_t *salt_len,
                          unsigned char key[32], const char **problem);

/* Checks a password against version-1 details: PBKDF2-HMAC-SHA256, 10,000 iterations,
 * 32-byte key (OpenSSL's PKCS5_PBKDF2_HMAC), compared in constant time. 1 match, 0 no
 * match, -1 on a library failure. The password is never kept. */
int mdr_isolation_password_matches(const char *password, const unsigned char *salt, size_t salt_len,
                                   const unsigned char key[32]);
#endif
