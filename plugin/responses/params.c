/* params.c — each response type's parameters checked against the seed's rules and turned
 * into labelled, explained rows (params.h). Labels: responses.param.<name>; explanations:
 * responses.param.<name>.help; problems: responses.problem.<code>. */
#include "params.h"

#include "core/i18n.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const MDR_RESPONSE_TYPES[] = {"get_file",
                                          "isolate",
                                          "disable_isolation",
                                          "delete_registry_key",
                                          "memory_dump",
                                          "terminate_process",
                                          "run_script",
                                          "quarantine",
                                          "restore_from_quarantine",
                                          NULL};

int mdr_response_type_known(const char *type)
{
    for (int i = 0; type && MDR_RESPONSE_TYPES[i]; i++)
        if (strcmp(MDR_RESPONSE_TYPES[i], type) == 0)
            return 1;
    return 0;
}

typedef struct view {
    const char *lang;
    json_object *params;
    json_object *rows, *problems;
    json_object *shown; /* names already shown, so the rest can be listed as given */
} view;

static void problem(view *v, const char *field, const char *code)
{
    char key[96];
    snprintf(key, sizeof key, "responses.problem.%s", code);
    const char *vals[] = {"field", field, NULL};
    char *msg = mdr_trf(v->lang, key, vals);
    json_object *p = json_object_new_object();
    json_object_object_add(p, "field", json_object_new_string(field));
    json_object_object_add(p, "code", json_object_new_string(code));
    json_object_object_add(p, "message", json_object_new_string(msg ? msg : key));
    free(msg);
    json_object_array_add(v->problems, p);
}

/* One row: `name`'s label, the value (a new reference or NULL), an explanation key or NULL. */
static void row(view *v, const char *name, json_object *value, const char *help_key, int dflt)
{
    char key[96];
    json_object *r = json_object_new_object();
    json_object_object_add(r, "name", json_object_new_string(name));
    snprintf(key, sizeof key, "responses.param.%s", name);
    json_object_object_add(r, "label", json_object_new_string(mdr_tr(v->lang, key)));
    json_object_object_add(r, "value", value);
    if (help_key)
        json_object_object_add(r, "explanation", json_object_new_string(mdr_tr(v->lang, help_key)));
    if (dflt)
        json_object_object_add(r, "default", json_object_new_boolean(1));
    json_object_array_add(v->rows, r);
    json_object_object_add(v->shown, name, json_object_new_boolean(1));
}

static json_object *get(json_object *o, const char *k)
{
    json_object *x = NULL;
    return o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, k, &x)
               ? x
               : NULL;
}

static int is_int(json_object *x)
{
    return x && json_object_is_type(x, json_type_int);
}

static int is_str(json_object *x)
{
    return x && json_object_is_type(x, json_type_string);
}

int mdr_response_path_absolute(const char *p)
{
    if (!p || !*p)
        return 0;
    if (isalpha((unsigned char)p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/'))
        return 1;
    if (p[0] == '\\' && p[1] == '\\' && p[2] && p[2] != '\\')
        return 1;
    if (p[0] == '/')
        return 1;
    if (p[0] == '%') { /* %systemroot%\system32\… as the help's example */
        const char *end = strchr(p + 1, '%');
        if (!end || end == p + 1 || end[1] != '\\')
            return 0;
        for (const char *c = p + 1; c < end; c++)
            if (!isalnum((unsigned char)*c) && *c != '_' && *c != '(' && *c != ')')
                return 0;
        return 1;
    }
    return 0;
}

static int is_hex(const char *s, size_t len)
{
    if (!s || (len && strlen(s) != len) || !*s)
        return 0;
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* A path parameter: required or optional, absolute. */
static void path_param(view *v, const char *name, int required)
{
    json_object *x = get(v->params, name);
    if (!x) {
        if (required)
            problem(v, name, "missing");
        return;
    }
    row(v, name, json_object_get(x), NULL, 0);
    if (!is_str(x))
        problem(v, name, "wrong_type");
    else if (!mdr_response_path_absolute(json_object_get_string(x)))
        problem(v, name, "path_not_absolute");
}

/* A positive whole number of MB; `dflt` > 0 shows the default when absent. */
static void size_param(view *v, const char *name, int required, int dflt)
{
    json_object *x = get(v->params, name);
    if (!x) {
        if (dflt > 0)
            row(v, name, json_object_new_int(dflt), "responses.param.default", 1);
        else if (required)
            problem(v, name, "missing");
        return;
    }
    row(v, name, json_object_get(x), NULL, 0);
    if (!is_int(x))
        problem(v, name, "wrong_type");
    else if (json_object_get_int64(x) < 1)
        problem(v, name, "not_positive");
}

static void hash_param(view *v, json_object *o, const char *name, const char *shown_as,
                       size_t hex_len)
{
    json_object *x = get(o, name);
    if (!x)
        return;
    row(v, shown_as, json_object_get(x), NULL, 0);
    if (!is_str(x) || !is_hex(json_object_get_string(x), hex_len))
        problem(v, shown_as, hex_len == 64 ? "sha256_invalid" : "md5_invalid");
}

/* ---------------------------------------------------------------- isolate */

static int hex_decode(const char *hex, unsigned char **out, size_t *len)
{
    size_t n = strlen(hex);
    if (!n || n % 2 || !is_hex(hex, 0))
        return -1;
    *out = malloc(n / 2);
    if (!*out)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        (*out)[i] = (unsigned char)v;
    }
    *len = n / 2;
    return 0;
}

int mdr_isolation_details(json_object *params, unsigned char **salt, size_t *salt_len,
                          unsigned char key[32], const char **problem_code)
{
    *salt = NULL;
    json_object *d = get(params, "password_details");
    if (!d) {
        *problem_code = "password_details_missing";
        return -1;
    }
    json_object *ver = get(d, "version"), *s = get(d, "salt"), *k = get(d, "derived_key");
    if (!is_int(ver) || json_object_get_int64(ver) != 1) {
        *problem_code = "password_version_unsupported";
        return -1;
    }
    if (!is_str(s) || hex_decode(json_object_get_string(s), salt, salt_len) != 0) {
        *problem_code = "salt_invalid";
        return -1;
    }
    unsigned char *kb = NULL;
    size_t kl = 0;
    if (!is_str(k) || hex_decode(json_object_get_string(k), &kb, &kl) != 0 || kl != 32) {
        free(kb);
        free(*salt);
        *salt = NULL;
        *problem_code = "derived_key_invalid";
        return -1;
    }
    memcpy(key, kb, 32);
    OPENSSL_cleanse(kb, kl);
    free(kb);
    return 0;
}

int mdr_isolation_password_matches(const char *password, const unsigned char *salt, size_t salt_len,
                                   const unsigned char key[32])
{
    unsigned char derived[32];
    if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len, 10000, EVP_sha256(),
                          sizeof derived, derived) != 1)
        return -1;
    int same = CRYPTO_memcmp(derived, key, sizeof derived) == 0;
    OPENSSL_cleanse(derived, sizeof derived);
    return same;
}

static int address_ok(const char *s, int family)
{
    char buf[64];
    unsigned char addr[16];
    if (!s || strlen(s) >= sizeof buf)
        return 0;
    snprintf(buf, sizeof buf, "%s", s);
    char *slash = strchr(buf, '/');
    if (slash) {
        *slash = '\0';
        char *end = NULL;
        long bits = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || bits < 0 || bits > (family == AF_INET ? 32 : 128))
            return 0;
    }
    return inet_pton(family, buf, addr) == 1;
}

/* A port range {from, to}: 0..65535, from <= to. */
static void ports_rule(view *v, json_object *rule, const char *name, const char *field)
{
    json_object *r = get(rule, name);
    if (!r)
        return;
    json_object *f = get(r, "from"), *t = get(r, "to");
    if (!is_int(f) || !is_int(t) || json_object_get_int64(f) < 0 ||
        json_object_get_int64(t) > 65535 || json_object_get_int64(f) > json_object_get_int64(t))
        problem(v, field, "port_range_invalid");
}

static void exclusion_rules(view *v)
{
    json_object *rules = get(v->params, "exclusion_rules");
    if (!rules)
        return;
    row(v, "exclusion_rules", json_object_get(rules), "responses.param.exclusion_rules.help", 0);
    if (!json_object_is_type(rules, json_type_array)) {
        problem(v, "exclusion_rules", "wrong_type");
        return;
    }
    for (size_t i = 0; i < json_object_array_length(rules); i++) {
        json_object *r = json_object_array_get_idx(rules, i);
        char f[96];
#define FIELD(n) (snprintf(f, sizeof f, "exclusion_rules[%zu].%s", i, n), f)
        if (!json_object_is_type(r, json_type_object)) {
            problem(v, FIELD("rule"), "wrong_type");
            continue;
        }
        json_object *dir = get(r, "direction");
        const char *d = is_str(dir) ? json_object_get_string(dir) : "";
        if (strcmp(d, "Inbound") && strcmp(d, "Outbound") && strcmp(d, "Both"))
            problem(v, FIELD("direction"), "direction_invalid");
        json_object *proto = get(r, "protocol");
        int64_t p = is_int(proto) ? json_object_get_int64(proto) : -1;
        if (proto && p != 1 && p != 6 && p != 17 && p != 58)
            problem(v, FIELD("protocol"), "protocol_invalid");
        ports_rule(v, r, "remote_ports", FIELD("remote_ports"));
        ports_rule(v, r, "local_ports", FIELD("local_ports"));
        /* ICMP has no ports: a rule naming both cannot be applied as written */
        if ((p == 1 || p == 58) && (get(r, "remote_ports") || get(r, "local_ports")))
            problem(v, FIELD("protocol"), "ports_without_tcp_udp");
        static const char *const addrs[] = {"remote_ipv4", "local_ipv4", "remote_ipv6",
                                            "local_ipv6"};
        for (int a = 0; a < 4; a++) {
            json_object *x = get(r, addrs[a]);
            if (x && !address_ok(is_str(x) ? json_object_get_string(x) : NULL,
                                 a < 2 ? AF_INET : AF_INET6))
                problem(v, FIELD(addrs[a]), a < 2 ? "ipv4_invalid" : "ipv6_invalid");
        }
        json_object *proc = get(r, "process");
        if (proc) {
            json_object *path = get(get(proc, "image"), "path");
            if (!is_str(path) || !mdr_response_path_absolute(json_object_get_string(path)))
                problem(v, FIELD("process.image.path"), "path_not_absolute");
        }
#undef FIELD
    }
}

static void isolate(view *v)
{
    json_object *d = get(v->params, "password_details");
    json_object *task = get(v->params, "task_id");
    if (task)
        row(v, "task_id", json_object_get(task), "responses.param.task_id.help", 0);
    if (d) {
        row(v, "password_details", json_object_get(d), "responses.param.password_details.help", 0);
        unsigned char *salt = NULL, key[32];
        size_t salt_len = 0;
        const char *code = NULL;
        if (mdr_isolation_details(v->params, &salt, &salt_len, key, &code) != 0)
            problem(v, "password_details", code);
        free(salt);
    }
    json_object *term = get(v->params, "isolation_term");
    if (!term) {
        row(v, "isolation_term", json_object_new_int(MDR_ISOLATION_TERM_DEFAULT_S),
            "responses.param.isolation_term.help", 1);
    } else {
        row(v, "isolation_term", json_object_get(term), "responses.param.isolation_term.help", 0);
        if (!is_int(term))
            problem(v, "isolation_term", "wrong_type");
        else if (json_object_get_int64(term) < 1)
            problem(v, "isolation_term", "not_positive");
        else if (json_object_get_int64(term) > MDR_ISOLATION_TERM_MAX_S)
            problem(v, "isolation_term", "isolation_term_too_long");
    }
    exclusion_rules(v);
}

/* ---------------------------------------------------------------- the other types */

static void delete_registry_key(view *v)
{
    json_object *key = get(v->params, "key"), *value = get(v->params, "value");
    if (!key)
        problem(v, "key", "missing");
    else {
        row(v, "key", json_object_get(key), NULL, 0);
        const char *k = is_str(key) ? json_object_get_string(key) : "";
        if (strncmp(k, "HKEY_LOCAL_MACHINE\\", 19) && strncmp(k, "HKEY_USERS\\", 11))
            problem(v, "key", "registry_hive_invalid");
    }
    if (!value)
        row(v, "value", NULL, "responses.param.value.recursive", 0);
    else if (!is_str(value)) {
        row(v, "value", json_object_get(value), NULL, 0);
        problem(v, "value", "wrong_type");
    } else
        row(v, "value", json_object_get(value),
            *json_object_get_string(value) ? "responses.param.value.named"
                                           : "responses.param.value.default_value",
            0);
}

static void memory_dump(view *v)
{
    json_object *type = get(v->params, "dump_type"), *proc = get(v->params, "process");
    const char *t = is_str(type) ? json_object_get_string(type) : "";
    if (!type)
        problem(v, "dump_type", "missing");
    else {
        row(v, "dump_type", json_object_get(type),
            !strcmp(t, "full")      ? "responses.param.dump_type.full"
            : !strcmp(t, "process") ? "responses.param.dump_type.process"
                                    : NULL,
            0);
        if (strcmp(t, "full") && strcmp(t, "process"))
            problem(v, "dump_type", "dump_type_invalid");
    }
    size_param(v, "max_file_size", 0, MDR_MEMORY_DUMP_DEFAULT_MB);
    if (proc) {
        row(v, "process", json_object_get(proc), NULL, 0);
        json_object *image = get(proc, "image"), *path = get(image, "path");
        if (path && (!is_str(path) || !mdr_response_path_absolute(json_object_get_string(path))))
            problem(v, "process.image.path", "path_not_absolute");
        hash_param(v, image, "sha256", "process.image.sha256", 64);
        hash_param(v, image, "md5", "process.image.md5", 32);
        if (!strcmp(t, "full"))
            problem(v, "process", "process_in_full_dump");
        else if (!path && !get(image, "sha256") && !get(image, "md5") && !get(proc, "unique_id"))
            problem(v, "process", "process_unidentified");
    } else if (!strcmp(t, "process"))
        problem(v, "process", "process_required");
    json_object *limit = get(v->params, "process_count_limit");
    if (limit) {
        row(v, "process_count_limit", json_object_get(limit), NULL, 0);
        if (!is_int(limit) || json_object_get_int64(limit) < 1)
            problem(v, "process_count_limit", "not_positive");
    }
}

static void terminate_process(view *v)
{
    json_object *name = get(v->params, "name"), *pid = get(v->params, "pid");
    if (name) {
        row(v, "name", json_object_get(name), NULL, 0);
        if (!is_str(name) || !*json_object_get_string(name))
            problem(v, "name", "wrong_type");
    }
    if (pid) {
        row(v, "pid", json_object_get(pid), NULL, 0);
        if (!is_int(pid) || json_object_get_int64(pid) < 1)
            problem(v, "pid", "not_positive");
    }
    if (!name && !pid)
        problem(v, "name", "process_unidentified");
}

static void quarantine(view *v)
{
    path_param(v, "path", 1);
    hash_param(v, v->params, "sha256", "sha256", 64);
    hash_param(v, v->params, "md5", "md5", 32);
    if (!get(v->params, "sha256") && !get(v->params, "md5"))
        problem(v, "sha256", "hash_required");
}

json_object *mdr_response_params_view(const char *type, json_object *params, const char *lang)
{
    view v = {lang, params, json_object_new_array(), json_object_new_array(),
              json_object_new_object()};
    json_object *out = json_object_new_object();
    char key[96];
    snprintf(key, sizeof key, "responses.type.%s", type ? type : "");
    if (!mdr_response_type_known(type)) {
        json_object_object_add(out, "type_title", json_object_new_string(type ? type : ""));
        problem(&v, "type", "unknown_type");
    } else {
        json_object_object_add(out, "type_title", json_object_new_string(mdr_tr(lang, key)));
        if (params && !json_object_is_type(params, json_type_object)) {
            problem(&v, "parameters", "wrong_type");
            v.params = NULL;
        }
        if (!strcmp(type, "get_file")) {
            path_param(&v, "path", 1);
            size_param(&v, "max_file_size", 1, 0);
        } else if (!strcmp(type, "isolate"))
            isolate(&v);
        else if (!strcmp(type, "delete_registry_key"))
            delete_registry_key(&v);
        else if (!strcmp(type, "memory_dump"))
            memory_dump(&v);
        else if (!strcmp(type, "terminate_process"))
            terminate_process(&v);
        else if (!strcmp(type, "run_script")) {
            json_object *s = get(v.params, "script");
            if (s)
                row(&v, "script", json_object_get(s), "responses.param.script.help", 0);
            if (!is_str(s) || !*json_object_get_string(s))
                problem(&v, "script", s ? "wrong_type" : "missing");
        } else if (!strcmp(type, "quarantine"))
            quarantine(&v);
        else if (!strcmp(type, "restore_from_quarantine"))
            path_param(&v, "path", 0);
        /* disable_isolation takes none */
    }
    /* whatever else the SOC sent is shown as given, not dropped */
    if (v.params && json_object_is_type(v.params, json_type_object)) {
        json_object_object_foreach(v.params, k, val)
        {
            if (get(v.shown, k))
                continue;
            json_object *r = json_object_new_object();
            json_object_object_add(r, "name", json_object_new_string(k));
            json_object_object_add(r, "label", json_object_new_string(k));
            json_object_object_add(r, "value", json_object_get(val));
            json_object_array_add(v.rows, r);
        }
    }
    json_object_put(v.shown);
    json_object_object_add(out, "parameters", v.rows);
    json_object_object_add(out, "valid",
                           json_object_new_boolean(json_object_array_length(v.problems) == 0));
    json_object_object_add(out, "problems", v.problems);
    return out;
}
