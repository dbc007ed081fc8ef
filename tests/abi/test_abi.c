/* ABI tests: the BUILT module file, loaded with dlopen under a fake host, exactly as a
 * console host would load it. MDR_MODULE_PATH and TWO_SYMBOLS_PATH come from CMake. */
#include "elf_exports.h"
#include "fake_host.h"

#include <CUnit/Basic.h>
#include <dlfcn.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *handle;
static const ksc_module_descriptor *desc;

static int load_module(void)
{
    handle = dlopen(MDR_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return -1;
    }
    ksc_plugin_entry_fn entry = (ksc_plugin_entry_fn)dlsym(handle, KSC_PLUGIN_ENTRY_SYMBOL);
    desc = entry ? entry() : NULL;
    return desc ? 0 : -1;
}

static int unload_module(void)
{
    return handle ? dlclose(handle) : 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

typedef struct session {
    fake_host *host;
    ksc_module *module;
} session;

static void start(session *s, const char *config_text)
{
    s->host = fake_host_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s->host);
    const char *path = config_text ? fake_host_write_file(s->host, "mdr.conf", config_text) : NULL;
    char *error = NULL;
    ksc_status st = desc->init(fake_host_services(s->host), path, &s->module, &error);
    if (st != KSC_OK)
        fprintf(stderr, "init: %s\n", error ? error : "(no error object)");
    CU_ASSERT_EQUAL_FATAL(st, KSC_OK);
    CU_ASSERT_PTR_NULL(error);
}

static void stop(session *s)
{
    desc->shutdown(s->module);
    fake_host_free(s->host);
}

static const ksc_action *find_action(const char *name)
{
    for (size_t i = 0; i < desc->action_count; i++)
        if (strcmp(desc->actions[i].name, name) == 0)
            return &desc->actions[i];
    return NULL;
}

/* Runs an action; returns the parsed reply (caller puts) and the status. */
static json_object *call(session *s, const char *action, const char *lang, const char *request,
                         ksc_status *status)
{
    const ksc_action *a = find_action(action);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    ksc_call c = {sizeof c, action, "admin", "main", lang, request, NULL};
    char *response = NULL;
    *status = a->run(s->module, &c, &response);
    CU_ASSERT_PTR_NOT_NULL_FATAL(response);
    json_object *reply = json_tokener_parse(response);
    fake_host_services(s->host)->free(response);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
    return reply;
}

static const char *path_str(json_object *o, const char *a, const char *b, const char *c)
{
    json_object *v = o;
    const char *keys[] = {a, b, c};
    for (int i = 0; i < 3 && keys[i]; i++)
        if (!json_object_object_get_ex(v, keys[i], &v))
            return NULL;
    return json_object_get_string(v);
}

/* ---- tests -------------------------------------------------------------------------- */

static void abi__exports_exactly_one_symbol(void)
{
    char names[8][128];
    int n = elf_exported_symbols(MDR_MODULE_PATH, names, 8);
    CU_ASSERT_EQUAL(n, 1);
    if (n >= 1)
        CU_ASSERT_STRING_EQUAL(names[0], KSC_PLUGIN_ENTRY_SYMBOL);
    /* The same check sees both symbols of a module built without a version script. */
    CU_ASSERT_EQUAL(elf_exported_symbols(TWO_SYMBOLS_PATH, names, 8), 2);
    /* And nothing internal is reachable through dlsym. */
    CU_ASSERT_PTR_NULL(dlsym(handle, "mdr_tr"));
    CU_ASSERT_PTR_NULL(dlsym(handle, "mdr_module_init"));
}

static void abi__descriptor_sizes_and_version(void)
{
    CU_ASSERT_EQUAL(desc->size, sizeof(ksc_module_descriptor));
    CU_ASSERT_EQUAL(desc->abi_major, KSC_PLUGIN_ABI_MAJOR);
    CU_ASSERT_STRING_EQUAL(desc->name, "mdr");
    CU_ASSERT_EQUAL(desc->area_count, 6);
    CU_ASSERT_EQUAL(desc->role_preset_count, 3);
    for (size_t i = 0; i < desc->area_count; i++) {
        CU_ASSERT_EQUAL(desc->areas[i].size, sizeof(ksc_area));
        CU_ASSERT_EQUAL(strncmp(desc->areas[i].id, "mdr.", 4), 0);
    }
    for (size_t i = 0; i < desc->role_preset_count; i++)
        CU_ASSERT_EQUAL(desc->role_presets[i].size, sizeof(ksc_role_preset));
    for (size_t i = 0; i < desc->action_count; i++) {
        CU_ASSERT_EQUAL(desc->actions[i].size, sizeof(ksc_action));
        CU_ASSERT_PTR_NOT_NULL(desc->actions[i].run);
        CU_ASSERT_PTR_NOT_NULL(desc->actions[i].required_areas[0]);
    }
    const ksc_action *info = find_action("mdr.plugin.info");
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    CU_ASSERT_STRING_EQUAL(info->required_areas[0], "mdr.incident_access");
    CU_ASSERT_PTR_NULL(info->required_areas[1]);
    CU_ASSERT_PTR_NOT_NULL(find_action("mdr.rights.presets"));
    CU_ASSERT_PTR_NOT_NULL(desc->init);
    CU_ASSERT_PTR_NOT_NULL(desc->shutdown);
    CU_ASSERT_PTR_NOT_NULL(desc->on_event);
}

static void abi__translate_titles(void)
{
    const char *key = desc->areas[0].title_key;
    CU_ASSERT_STRING_EQUAL(desc->translate("en", key), "Incident access");
    CU_ASSERT_STRING_EQUAL(desc->translate("ru", key), "Доступ к инцидентам");
    /* A language the host would refuse must still not crash the module: English. */
    CU_ASSERT_STRING_EQUAL(desc->translate("xx", key), "Incident access");
    CU_ASSERT_STRING_EQUAL(desc->translate(NULL, key), "Incident access");
    CU_ASSERT_STRING_EQUAL(desc->translate("en", "no.such.key"), "no.such.key");
}

static void abi__init_call_shutdown(void)
{
    session s;
    start(&s, "cloud = { proxy = \"http://bob:hunter2@proxy.example:3128\"; };\n");
    ksc_status st;
    json_object *info = call(&s, "mdr.plugin.info", "en", "{}", &st);
    CU_ASSERT_EQUAL(st, KSC_OK);
    CU_ASSERT_STRING_EQUAL(path_str(info, "name", NULL, NULL), "mdr");
    CU_ASSERT_STRING_EQUAL(path_str(info, "version", NULL, NULL), desc->version);
    CU_ASSERT_STRING_EQUAL(path_str(info, "abi", "major", NULL), "1");
    CU_ASSERT_STRING_EQUAL(path_str(info, "store", "schema_version", NULL), MDR_SCHEMA_VERSION);
    const char *proxy = path_str(info, "config", "cloud", "proxy");
    CU_ASSERT_PTR_NOT_NULL_FATAL(proxy);
    CU_ASSERT_PTR_NULL(strstr(proxy, "hunter2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(proxy, "bob:***@proxy.example"));
    json_object *areas;
    CU_ASSERT_TRUE(json_object_object_get_ex(info, "areas", &areas));
    CU_ASSERT_EQUAL(json_object_array_length(areas), 6);
    json_object_put(info);

    json_object *presets = call(&s, "mdr.rights.presets", "en", "{}", &st);
    CU_ASSERT_EQUAL(st, KSC_OK);
    json_object *list;
    CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(presets, "presets", &list));
    CU_ASSERT_EQUAL(json_object_array_length(list), 3);
    json_object *admin = json_object_array_get_idx(list, 0), *allowed;
    CU_ASSERT_STRING_EQUAL(path_str(admin, "title", NULL, NULL), "MDR Administrator");
    CU_ASSERT_TRUE(json_object_object_get_ex(admin, "allowed", &allowed));
    CU_ASSERT_EQUAL(json_object_array_length(allowed), 7); /* six MDR areas + host's */
    json_object_put(presets);

    ksc_event login = {sizeof login, KSC_EVENT_LOGIN, "admin", "main", "en", 0};
    CU_ASSERT_EQUAL(desc->on_event(s.module, &login), KSC_OK);
    stop(&s);
}

static void abi__invalid_json_is_an_error_object(void)
{
    session s;
    start(&s, NULL);
    ksc_status st;
    json_object *r = call(&s, "mdr.rights.presets", "en", "{\"role\": ", &st);
    CU_ASSERT_EQUAL(st, KSC_ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(path_str(r, "error", "code", NULL), "invalid_json");
    CU_ASSERT_PTR_NOT_NULL(path_str(r, "error", "message", NULL));
    json_object_put(r);
    stop(&s);
}

static void abi__wrong_field_type_names_the_field(void)
{
    session s;
    start(&s, NULL);
    ksc_status st;
    json_object *r = call(&s, "mdr.rights.presets", "en", "{\"role\": 5}", &st);
    CU_ASSERT_EQUAL(st, KSC_ERR_INVALID);
    CU_ASSERT_STRING_EQUAL(path_str(r, "error", "code", NULL), "wrong_type");
    CU_ASSERT_STRING_EQUAL(path_str(r, "error", "details", "field"), "role");
    CU_ASSERT_STRING_EQUAL(path_str(r, "error", "message", NULL),
                           "The field role must be of type string.");
    json_object_put(r);
    stop(&s);
}

static void abi__error_message_in_callers_language(void)
{
    session s;
    start(&s, NULL);
    ksc_status st;
    json_object *en = call(&s, "mdr.rights.presets", "en", "{\"role\": 5}", &st);
    json_object *ru = call(&s, "mdr.rights.presets", "ru", "{\"role\": 5}", &st);
    json_object *xx = call(&s, "mdr.rights.presets", "xx", "{\"role\": 5}", &st);
    CU_ASSERT_STRING_EQUAL(path_str(ru, "error", "message", NULL),
                           "Поле role должно иметь тип string.");
    CU_ASSERT_STRING_EQUAL(path_str(ru, "error", "code", NULL), "wrong_type");
    CU_ASSERT_STRING_EQUAL(path_str(xx, "error", "message", NULL),
                           path_str(en, "error", "message", NULL));
    json_object_put(en);
    json_object_put(ru);
    json_object_put(xx);
    /* Titles in results follow the language too. */
    json_object *p =
        call(&s, "mdr.rights.presets", "de", "{\"role\": \"mdr.security_officer\"}", &st);
    CU_ASSERT_EQUAL(st, KSC_OK);
    json_object *list;
    CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(p, "presets", &list));
    CU_ASSERT_EQUAL_FATAL(json_object_array_length(list), 1);
    CU_ASSERT_STRING_EQUAL(path_str(json_object_array_get_idx(list, 0), "title", NULL, NULL),
                           "Sicherheitsbeauftragter");
    json_object_put(p);
    stop(&s);
}

/* A services table as an older or broken host would pass: refused, nothing read beyond it.
 * The table is copied into a heap block of exactly `size` bytes so that the sanitizer build
 * catches any read past it. */
static ksc_status init_with_size(fake_host *h, size_t size, char **error)
{
    unsigned char *small = malloc(size);
    memcpy(small, fake_host_services(h), size);
    memcpy(small, &size, sizeof size); /* the `size` member comes first */
    ksc_module *m = (ksc_module *)0x1;
    ksc_status st = desc->init((const ksc_host_services *)(void *)small, NULL, &m, error);
    CU_ASSERT_PTR_NULL(m);
    free(small);
    return st;
}

static void abi__too_small_services_table_refused(void)
{
    fake_host *h = fake_host_new();
    char *error = NULL;
    size_t older = offsetof(ksc_host_services, background_connection);
    CU_ASSERT_EQUAL(init_with_size(h, older, &error), KSC_ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error); /* alloc is inside: a clear error object */
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "\"host_incompatible\""));
    free(error);
    error = NULL;
    CU_ASSERT_EQUAL(init_with_size(h, sizeof(size_t) + 8, &error), KSC_ERR_INVALID);
    CU_ASSERT_PTR_NULL(error); /* not even alloc is there: status only */
    fake_host_free(h);
}

/* A 1.0 host's table ends before devices_revision (1.1): the module takes it and works,
 * reading the inventory itself instead of asking for its revision. */
static void abi__services_table_of_1_0_accepted(void)
{
    fake_host *h = fake_host_new();
    size_t v1_0 = offsetof(ksc_host_services, devices_revision);
    unsigned char *small = malloc(v1_0);
    memcpy(small, fake_host_services(h), v1_0);
    memcpy(small, &v1_0, sizeof v1_0);
    ksc_module *m = NULL;
    char *error = NULL;
    CU_ASSERT_EQUAL(desc->init((const ksc_host_services *)(void *)small, NULL, &m, &error), KSC_OK);
    CU_ASSERT_PTR_NOT_NULL(m);
    if (m)
        desc->shutdown(m);
    free(error);
    free(small);
    fake_host_free(h);
}

/* A cloud nobody answers, so that actions reaching for it fail at once. */
static const char *const NO_CLOUD = "cloud = { base_url = \"https://127.0.0.1:1/api\"; "
                                    "connect_timeout_ms = 200; max_retries = 0; };\n";

/* ABI 1.2: every change reaches services->audit as one record — who, where, what, the object,
 * the result — with no secret in it; reads and malformed requests leave none. */
static void abi__audit_records_reach_a_1_2_host(void)
{
    session s;
    start(&s, NO_CLOUD);
    ksc_status st;
    json_object_put(call(&s, "mdr.plugin.info", "en", "{}", &st));
    CU_ASSERT_EQUAL(fake_host_audit_count(s.host), 0); /* a read */
    json_object_put(call(&s, "mdr.tenants.grant", "en", "{\"user\": 5}", &st));
    CU_ASSERT_EQUAL(st, KSC_ERR_INVALID);
    CU_ASSERT_EQUAL(fake_host_audit_count(s.host), 0); /* malformed: nothing tried */

    json_object_put(
        call(&s, "mdr.tenants.grant", "en", "{\"user\": \"olga\", \"all\": true}", &st));
    CU_ASSERT_EQUAL(st, KSC_OK);
    CU_ASSERT_EQUAL_FATAL(fake_host_audit_count(s.host), 1);
    json_object *r = json_tokener_parse(fake_host_audit_record(s.host, 0));
    CU_ASSERT_STRING_EQUAL(path_str(r, "action", NULL, NULL), "mdr.tenants.grant");
    CU_ASSERT_STRING_EQUAL(path_str(r, "user", NULL, NULL), "admin");
    CU_ASSERT_STRING_EQUAL(path_str(r, "server", NULL, NULL), "main");
    CU_ASSERT_STRING_EQUAL(path_str(r, "object", "kind", NULL), "user");
    CU_ASSERT_STRING_EQUAL(path_str(r, "object", "id", NULL), "olga");
    CU_ASSERT_STRING_EQUAL(path_str(r, "after", "all", NULL), "true");
    CU_ASSERT_STRING_EQUAL(path_str(r, "result", NULL, NULL), "ok");
    json_object_put(r);

    /* tried and failed (no cloud): recorded with the error code, the password nowhere */
    json_object *reply = call(&s, "mdr.account.sign_in", "en",
                              "{\"login\": \"a@b.example\", \"password\": \"hunter2\"}", &st);
    CU_ASSERT_NOT_EQUAL(st, KSC_OK);
    CU_ASSERT_EQUAL_FATAL(fake_host_audit_count(s.host), 2);
    r = json_tokener_parse(fake_host_audit_record(s.host, 1));
    CU_ASSERT_STRING_EQUAL(path_str(r, "result", NULL, NULL),
                           path_str(reply, "error", "code", NULL));
    CU_ASSERT_STRING_EQUAL(path_str(r, "object", "id", NULL), "a@b.example");
    json_object_put(r);
    json_object_put(reply);
    json_object_put(call(&s, "mdr.activation.activate", "en",
                         "{\"code\": \"aaaaa-bbbbb-ccccc-dd3d\", \"region\": \"europe\"}", &st));
    CU_ASSERT_EQUAL_FATAL(fake_host_audit_count(s.host), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(fake_host_audit_record(s.host, 2), "\"****DD3D\""));
    CU_ASSERT_FALSE(fake_host_audit_contains(s.host, "hunter2"));
    CU_ASSERT_FALSE(fake_host_audit_contains(s.host, "AAAAA"));
    CU_ASSERT_FALSE(fake_host_audit_contains(s.host, "aaaaa"));
    stop(&s);
}

/* ABI 1.4: the console announces its version; the module refuses one older than 15.1 (or
 * one it cannot read) with a clear error naming both, takes 15.1 and newer, and takes a 1.2
 * table, which announces nothing. */
static ksc_status init_announcing(fake_host *h, const char *version, size_t size, char **error)
{
    ksc_host_services *table = malloc(sizeof *table);
    memcpy(table, fake_host_services(h), sizeof *table);
    table->host_version = version;
    table->size = size;
    ksc_module *m = NULL;
    ksc_status st = desc->init(table, NULL, &m, error);
    if (m)
        desc->shutdown(m);
    free(table);
    return st;
}

static void abi__console_version_checked(void)
{
    fake_host *h = fake_host_new();
    char *error = NULL;
    CU_ASSERT_EQUAL(init_announcing(h, "14.2.0.1234", sizeof(ksc_host_services), &error),
                    KSC_ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error, "\"console_too_old\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(error, "needs Security Center 15.1 or later; this console is version 14.2.0.1234"));
    free(error);
    error = NULL;
    CU_ASSERT_EQUAL(init_announcing(h, "15.0.9", sizeof(ksc_host_services), &error),
                    KSC_ERR_INVALID);
    free(error);
    error = NULL;
    CU_ASSERT_EQUAL(init_announcing(h, "fifteen", sizeof(ksc_host_services), &error),
                    KSC_ERR_INVALID);
    free(error);
    error = NULL;
    const char *supported[] = {"15.1", "15.1.0", "15.1.0.20", "15.2", "16.0.1"};
    for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++) {
        CU_ASSERT_EQUAL(init_announcing(h, supported[i], sizeof(ksc_host_services), &error),
                        KSC_OK);
        free(error);
        error = NULL;
    }
    /* A 1.2 host: the member is beyond its table (set to an old version there on purpose). */
    CU_ASSERT_EQUAL(init_announcing(h, "9.0", offsetof(ksc_host_services, host_version), &error),
                    KSC_OK);
    free(error);
    fake_host_free(h);
}

/* A 1.1 host's table ends before audit (1.2): the module takes it, runs its audited actions
 * as before and never reaches past the table for the service. */
static void abi__services_table_of_1_1_runs_audited_actions(void)
{
    fake_host *h = fake_host_new();
    size_t v1_1 = offsetof(ksc_host_services, audit);
    ksc_host_services *small = malloc(sizeof *small);
    memcpy(small, fake_host_services(h), sizeof *small); /* audit stays set beyond the size */
    small->size = v1_1;
    ksc_module *m = NULL;
    char *error = NULL;
    CU_ASSERT_EQUAL_FATAL(desc->init(small, NULL, &m, &error), KSC_OK);
    const ksc_action *grant = find_action("mdr.tenants.grant");
    ksc_call c = {
        sizeof c, "mdr.tenants.grant", "admin", "main", "en", "{\"user\": \"olga\", \"all\": true}",
        NULL};
    char *response = NULL;
    CU_ASSERT_EQUAL(grant->run(m, &c, &response), KSC_OK);
    CU_ASSERT_PTR_NOT_NULL(response);
    CU_ASSERT_PTR_NOT_NULL(response ? strstr(response, "restricted_users") : NULL);
    free(response);
    CU_ASSERT_EQUAL(fake_host_audit_count(h), 0);
    desc->shutdown(m);
    free(error);
    free(small);
    fake_host_free(h);
}

static char *poison_roles_json(ksc_host *host)
{
    (void)host;
    CU_FAIL("roles_json read beyond a 1.2 services table");
    return NULL;
}

/* A 1.2 host's table ends before roles_json (1.3): the Getting Started tab still answers,
 * its roles step saying the console cannot tell, and nothing past the table is called. */
static void abi__services_table_of_1_2_runs_the_wizard(void)
{
    fake_host *h = fake_host_new();
    size_t v1_2 = offsetof(ksc_host_services, roles_json);
    ksc_host_services *small = malloc(sizeof *small);
    memcpy(small, fake_host_services(h), sizeof *small);
    small->size = v1_2;
    small->roles_json = poison_roles_json;
    ksc_module *m = NULL;
    char *error = NULL;
    CU_ASSERT_EQUAL_FATAL(desc->init(small, NULL, &m, &error), KSC_OK);
    const ksc_action *get = find_action("mdr.wizard.get");
    ksc_call c = {sizeof c, "mdr.wizard.get", "admin", "main", "en", "{}", NULL};
    char *response = NULL;
    CU_ASSERT_EQUAL(get->run(m, &c, &response), KSC_OK);
    CU_ASSERT_PTR_NOT_NULL(response ? strstr(response, "does not say which roles") : NULL);
    free(response);
    desc->shutdown(m);
    free(error);
    free(small);
    fake_host_free(h);
}

static void abi__wrong_major_refused(void)
{
    fake_host *h = fake_host_new();
    ksc_host_services copy = *fake_host_services(h);
    copy.abi_major = KSC_PLUGIN_ABI_MAJOR + 1;
    ksc_module *m = NULL;
    char *error = NULL;
    CU_ASSERT_EQUAL(desc->init(&copy, NULL, &m, &error), KSC_ERR_INVALID);
    CU_ASSERT_PTR_NULL(m);
    free(error);
    fake_host_free(h);
}

static void abi__invalid_config_refused_with_error_object(void)
{
    fake_host *h = fake_host_new();
    const char *path =
        fake_host_write_file(h, "mdr.conf", "cloud = {\n  base_url = \"http://x.example\";\n};\n");
    ksc_module *m = NULL;
    char *error = NULL;
    CU_ASSERT_EQUAL(desc->init(fake_host_services(h), path, &m, &error), KSC_ERR_INVALID);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    json_object *e = json_tokener_parse(error);
    CU_ASSERT_STRING_EQUAL(path_str(e, "error", "code", NULL), "config_invalid");
    const char *msg = path_str(e, "error", "message", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "mdr.conf:2: cloud.base_url must be an https:// URL"));
    json_object_put(e);
    free(error);
    fake_host_free(h);
}

/* mdr.conf holding the proxy password and readable by others: refused, saying how to fix it. */
static void abi__readable_config_with_password_refused(void)
{
    fake_host *h = fake_host_new();
    const char *path = fake_host_write_file(
        h, "mdr.conf", "cloud = { proxy = \"http://bob:hunter2@proxy.example:3128\"; };\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0640), 0);
    ksc_module *m = NULL;
    char *error = NULL;
    CU_ASSERT_EQUAL(desc->init(fake_host_services(h), path, &m, &error), KSC_ERR_INVALID);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NULL(strstr(error, "hunter2"));
    json_object *e = json_tokener_parse(error);
    CU_ASSERT_STRING_EQUAL(path_str(e, "error", "code", NULL), "config_insecure");
    CU_ASSERT_STRING_EQUAL(path_str(e, "error", "details", "file"), path);
    char fix[600];
    snprintf(fix, sizeof fix, "chmod 600 %s", path);
    CU_ASSERT_PTR_NOT_NULL(strstr(path_str(e, "error", "message", NULL), fix));
    json_object_put(e);
    free(error);
    CU_ASSERT_FALSE(fake_host_log_contains(h, "hunter2"));
    /* fixed as the message says: it loads */
    CU_ASSERT_EQUAL_FATAL(chmod(path, 0600), 0);
    CU_ASSERT_EQUAL(desc->init(fake_host_services(h), path, &m, &error), KSC_OK);
    desc->shutdown(m);
    fake_host_free(h);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("abi", load_module, unload_module);
    CU_add_test(s, "abi__exports_exactly_one_symbol", abi__exports_exactly_one_symbol);
    CU_add_test(s, "abi__descriptor_sizes_and_version", abi__descriptor_sizes_and_version);
    CU_add_test(s, "abi__services_table_of_1_0_accepted", abi__services_table_of_1_0_accepted);
    CU_add_test(s, "abi__translate_titles", abi__translate_titles);
    CU_add_test(s, "abi__readable_config_with_password_refused",
                abi__readable_config_with_password_refused);
    CU_add_test(s, "abi__init_call_shutdown", abi__init_call_shutdown);
    CU_add_test(s, "abi__invalid_json_is_an_error_object", abi__invalid_json_is_an_error_object);
    CU_add_test(s, "abi__wrong_field_type_names_the_field", abi__wrong_field_type_names_the_field);
    CU_add_test(s, "abi__error_message_in_callers_language",
                abi__error_message_in_callers_language);
    CU_add_test(s, "abi__too_small_services_table_refused", abi__too_small_services_table_refused);
    CU_add_test(s, "abi__wrong_major_refused", abi__wrong_major_refused);
    CU_add_test(s, "abi__audit_records_reach_a_1_2_host", abi__audit_records_reach_a_1_2_host);
    CU_add_test(s, "abi__console_version_checked", abi__console_version_checked);
    CU_add_test(s, "abi__services_table_of_1_1_runs_audited_actions",
                abi__services_table_of_1_1_runs_audited_actions);
    CU_add_test(s, "abi__services_table_of_1_2_runs_the_wizard",
                abi__services_table_of_1_2_runs_the_wizard);
    CU_add_test(s, "abi__invalid_config_refused_with_error_object",
                abi__invalid_config_refused_with_error_object);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
