/*
 * ksc/plugin.h — the ABI between a Security Center console host and a plug-in module.
 *
 * This is the only public header. A module is a shared library that exports exactly one
 * symbol, KSC_PLUGIN_ENTRY_SYMBOL, a function returning a static descriptor. Everything
 * crossing the boundary is plain C: strings, integers, JSON text and the structs below.
 * No library type (json_object, CURL, sqlite3, xmlDoc) ever crosses.
 *
 * Versioning
 *   KSC_PLUGIN_ABI_MAJOR must match exactly: the host refuses a module built for another
 *   major, with a clear message, and goes on loading the others. Within a major, additions
 *   are append-only (new members at the END of a struct, new enum values at the end), and
 *   KSC_PLUGIN_ABI_MINOR is bumped. Every struct that crosses starts with `size` (its
 *   sizeof as the writer knew it), so the reader can tell whether a member exists:
 *   use KSC_HAS_MEMBER(ptr, type, member) before touching a member newer than 1.0.
 *
 * Memory ownership
 *   - Strings and arrays in the descriptor are static in the module: valid until unload.
 *   - JSON the module returns (action results and error objects) is allocated with the
 *     host's services->alloc and released by the host with services->free.
 *   - Strings the host returns from a service marked "caller frees" are allocated with
 *     services->alloc; the module releases them with services->free. All other pointers
 *     the host hands over (struct members in callbacks, call and event fields) are
 *     borrowed: valid only for the duration of that call or callback.
 *
 * Threading
 *   - entry, init and shutdown are called from one thread, never concurrently with
 *     anything else.
 *   - Actions may run concurrently on several host threads; the module synchronises its
 *     own state. Every host service is thread-safe.
 *   - Event hooks must return quickly; slow work goes to the module's own worker thread.
 *     shutdown must finish (or cancel cleanly) all such work before it returns: a host
 *     process that fires one login event and exits relies on that.
 *
 * Errors
 *   A failing action returns a status other than KSC_OK and, in *response_json, an error
 *   object: {"error": {"code": "…", "message": "…", "details": {…}}}. `code` is a stable
 *   machine-readable identifier; `message` is localized in the caller's language.
 *
 * Change log (append a dated line for every change)
 *   1.0  2026-11-22  First version: descriptor, actions, areas, role presets, events
 *                    (login, timer, shutdown), host services (memory, log, notify,
 *                    rights, clock, data dir, secret key, servers, devices, KSN proxy
 *                    settings, license keys, .env, background connection), file output.
 *   1.1  2026-11-22  ksc_host_services.devices_revision: a number that changes with the device
 *                    inventory, so a module holding a copy can skip re-reading it.
 *   1.2  2026-12-02  ksc_host_services.audit: the module hands the host one JSON record per
 *                    change made through it (who, server, action, object, before/after,
 *                    result); the host adds the time and a sequence number and keeps it.
 *   1.3  2026-12-02  ksc_host_services.roles_json, role_add_preset, console_kind: the console's
 *                    roles (so a module's wizard can tell whether its presets exist and make
 *                    them) and what kind of console the host is (on-premises, cloud, cloud
 *                    trial workspace), for features the help rules out in some kinds.
 *   1.4  2026-12-02  ksc_host_services.host_version: the console announces its product
 *                    version, so that a module can refuse a console older than it supports.
 */
#ifndef KSC_PLUGIN_H
#define KSC_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KSC_PLUGIN_ABI_MAJOR 1
#define KSC_PLUGIN_ABI_MINOR 4

/* The one exported symbol: `const ksc_module_descriptor *ksc_plugin_entry(void);` */
#define KSC_PLUGIN_ENTRY_SYMBOL "ksc_plugin_entry"

/* True when the struct at `ptr`, whose first member is `size`, contains `member`. */
#define KSC_HAS_MEMBER(ptr, type, member)                                                          \
    ((ptr)->size >= offsetof(type, member) + sizeof(((type *)0)->member))

#if defined(__GNUC__)
#define KSC_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define KSC_PLUGIN_EXPORT
#endif

/* Status of an action, hook or host service. The values are also ksc-host's exit codes. */
typedef enum ksc_status {
    KSC_OK = 0,            /* done */
    KSC_ERR_FAILED = 1,    /* the action failed (cloud error, store error, …) */
    KSC_ERR_USAGE = 2,     /* host only: the caller used the CLI wrongly */
    KSC_ERR_DENIED = 3,    /* the user lacks a right; nothing changed */
    KSC_ERR_INVALID = 4,   /* the request is invalid; nothing changed */
    KSC_ERR_NOT_FOUND = 5, /* unknown action, user, server, object */
    KSC_ERR_CONFLICT = 6,  /* the state does not allow it now (e.g. not activated) */
    KSC_ERR_NO_MEMORY = 7
} ksc_status;

typedef enum ksc_log_level {
    KSC_LOG_DEBUG = 0,
    KSC_LOG_INFO = 1,
    KSC_LOG_WARNING = 2,
    KSC_LOG_ERROR = 3
} ksc_log_level;

typedef enum ksc_notification_severity {
    KSC_NOTIFY_INFO = 0,
    KSC_NOTIFY_WARNING = 1,
    KSC_NOTIFY_CRITICAL = 2
} ksc_notification_severity;

/* Opaque handles: the host's context and the module's instance. */
typedef struct ksc_host ksc_host;
typedef struct ksc_module ksc_module;

/* ---------------------------------------------------------------------------------------
 * Data the host describes: devices (the managed-device inventory).
 * ------------------------------------------------------------------------------------- */

/* A component of an EPP application and its state: "Running", "Paused", "Starting",
 * "Unknown", "Stopped", "Failed", "No license", "Not installed". */
typedef struct ksc_component {
    size_t size;
    const char *name; /* e.g. "File Threat Protection", "Endpoint Agent (MDR)" */
    const char *state;
} ksc_component;

typedef struct ksc_application {
    size_t size;
    const char *name;    /* e.g. "Kaspersky Endpoint Security for Windows" */
    const char *code;    /* short product code: "KES", "KEA", "KESL", "KESMAC", "KSVLA", "EDR" */
    const char *version; /* e.g. "12.4.0.467" */
    int mdr_configured;  /* 1 when the application is configured for MDR */
    size_t component_count;
    const ksc_component *components;
} ksc_application;

typedef struct ksc_device {
    size_t size;
    const char *id;        /* UUID: the ksc_host_id the MDR cloud reports for the asset */
    const char *name;      /* host name */
    const char *group;     /* administration group */
    const char *server;    /* name of the Administration Server that manages it */
    const char *tenant;    /* tenant name, "" for none */
    const char *mdr_state; /* Unknown, Stopped, Paused, Starting, Running, Failed,
                              Not installed, No license */
    int self_defense;      /* 1 enabled, 0 disabled */
    size_t app_count;
    const ksc_application *apps;
} ksc_device;

/* Called once per device; return 0 to continue, non-zero to stop the iteration. */
typedef int (*ksc_device_cb)(void *ctx, const ksc_device *device);

/* ---------------------------------------------------------------------------------------
 * Host services, filled by the host and passed to init. Every function takes the host
 * handle first. Functions returning ksc_status return KSC_ERR_DENIED when `user` lacks the
 * right the real console would demand, KSC_ERR_NOT_FOUND for an unknown server.
 * ------------------------------------------------------------------------------------- */
typedef struct ksc_host_services {
    size_t size;
    uint32_t abi_major;
    uint32_t abi_minor;
    ksc_host *host;

    /* Memory: for everything that crosses in either direction (see ownership above). */
    void *(*alloc)(size_t size);
    void (*free)(void *ptr);

    /* Logging. Never pass secrets: the host writes these lines as they are. */
    void (*log)(ksc_host *host, ksc_log_level level, const char *message);

    /* A notification for one user of the console (shown at their next login). `title` and
     * `text` are already in the user's language (see user_language). */
    ksc_status (*notify)(ksc_host *host, const char *user, ksc_notification_severity severity,
                         const char *title, const char *text);

    /* 1 if `user` holds the functional area `area_id` (Allow and no Deny) on `server`
     * (NULL = the main server), 0 otherwise (unknown user or server included). Host areas
     * have ids of the form "ksc.*", e.g. "ksc.application_integration". */
    int (*has_right)(ksc_host *host, const char *user, const char *server, const char *area_id);

    /* The user's interface language ("en", "ru", "de", "es", "fr", "it"): writes it to
     * out (NUL-terminated, at most out_size bytes). KSC_ERR_NOT_FOUND for an unknown user. */
    ksc_status (*user_language)(ksc_host *host, const char *user, char *out, size_t out_size);

    /* The host clock in ms since the epoch. Tests move it; modules use nothing else. */
    int64_t (*now_ms)(ksc_host *host);

    /* A directory the module owns for its store and files. Borrowed, valid until unload. */
    const char *(*data_dir)(ksc_host *host);

    /* The module's secret key for encryption at rest: fills `out` with `len` bytes (at most
     * 64), stable across restarts, distinct per module. */
    ksc_status (*secret_key)(ksc_host *host, unsigned char *out, size_t len);

    /* The server hierarchy as JSON (caller frees):
     * [{"name": "main", "kind": "main"}, {"name": "vs1", "kind": "virtual", "parent": "main"}] */
    char *(*servers_json)(ksc_host *host);

    /* Iterate the managed devices of `server` (NULL = every server). Returns KSC_OK, or
     * KSC_ERR_NOT_FOUND for an unknown server. */
    ksc_status (*devices_foreach)(ksc_host *host, const char *server, ksc_device_cb cb, void *ctx);

    /* One device by id through the same callback (called at most once). */
    ksc_status (*device_get)(ksc_host *host, const char *device_id, ksc_device_cb cb, void *ctx);

    /* The KSN proxy settings of `server` as JSON (caller frees): {"server", "ksn_enabled",
     * "kpsn_enabled", "config": null | {"version", "expires", "installed_at", "installed_by",
     * "sha256"}, "inherited_from": null | "main"}. A virtual server reports the settings of
     * the main server it belongs to, with "inherited_from". */
    char *(*ksn_settings_json)(ksc_host *host, const char *server);

    /* Install a KSN configuration file (the PKCS#7-signed bytes) into the KSN proxy settings
     * of `server` as `user`, enabling KSN and KPSN. The module has verified the file; the
     * host records version and expiry (ms) as given. Refused with KSC_ERR_DENIED when the
     * user may not change the server's KSN settings, KSC_ERR_CONFLICT on a virtual server or
     * when `version` is not newer than the installed one (the host never downgrades). */
    ksc_status (*ksn_install)(ksc_host *host, const char *server, const char *user,
                              const void *file, size_t file_len, const char *version,
                              int64_t expires_ms);

    /* Enable or disable KPSN on `server` as `user` (revoking consent disables it). */
    ksc_status (*kpsn_set)(ksc_host *host, const char *server, const char *user, int enabled);

    /* The license key repository as JSON (caller frees): [{"id", "product", "code",
     * "expires", "added_at"}]. */
    char *(*license_keys_json)(ksc_host *host);

    /* A value of the console's .env file (NODE_EXTRA_CA_CERTS, HTTPS_PROXY, …), read afresh
     * on every call so that an edit applies without a restart. Caller frees; NULL when the
     * key is absent. */
    char *(*env_get)(ksc_host *host, const char *key);

    /* 1 when the background connection between the console and `server` is enabled. */
    int (*background_connection)(ksc_host *host, const char *server);

    /* ---- 1.1 (check KSC_HAS_MEMBER and NULL before use) */

    /* A number that changes whenever a device is added, changed or removed on any server
     * (never repeats a value for another inventory, across restarts too), so that a module
     * keeping a copy of devices_foreach can skip reading 100,000 devices when it has not
     * changed. 0 when unknown: the module must read the inventory. */
    uint64_t (*devices_revision)(ksc_host *host);

    /* ---- 1.2 (check KSC_HAS_MEMBER and NULL before use) */

    /* Append one record to the console's audit trail. `record_json` is one JSON object:
     * {"user", "server", "action", "object": null | {"kind", "id", "name"}, "before": null |
     * {…}, "after": null | {…}, "result": "ok" | an error code}; other members are kept as
     * given. The host adds the time (its clock) and a sequence number; records are never
     * changed or removed. It must hold no secret (no password, token, client secret, and
     * activation codes masked). KSC_ERR_INVALID for a record that is not such an object or
     * is larger than 64 KiB, KSC_ERR_FAILED when it cannot be stored. */
    ksc_status (*audit)(ksc_host *host, const char *record_json);

    /* ---- 1.3 (check KSC_HAS_MEMBER and NULL before use) */

    /* The console's roles as JSON (caller frees): [{"name", "title", "preset": null | "id",
     * "allow": [area ids], "deny": [area ids]}]. */
    char *(*roles_json)(ksc_host *host);

    /* Creates the role of a module's role preset (named by the preset id; every area the
     * preset names Allow, the module's other areas Deny) as `user`. KSC_ERR_DENIED when the
     * user may not manage roles, KSC_ERR_CONFLICT when a role of that name exists,
     * KSC_ERR_NOT_FOUND for an unknown preset. */
    ksc_status (*role_add_preset)(ksc_host *host, const char *user, const char *preset_id);

    /* What kind of console the host is: "on_premises", "cloud" or "cloud_trial" (a cloud
     * console's trial workspace). Static string. */
    const char *(*console_kind)(ksc_host *host);

    /* ---- 1.4 (check KSC_HAS_MEMBER and NULL before use) */

    /* The console's product version, "MAJOR.MINOR[.PATCH[.BUILD]]" (e.g. "15.1.0"): static,
     * valid until unload. A module refuses at init a console older than it supports, with a
     * clear error; a host before 1.3 announces nothing. */
    const char *host_version;
} ksc_host_services;

/* ---------------------------------------------------------------------------------------
 * Calls: an action invocation. Actions take JSON text and return JSON text.
 * ------------------------------------------------------------------------------------- */

/* Where an action that produces a file (CSV export, ZIP archive) streams it. The module
 * never chooses a path: it writes bytes through this sink. */
typedef struct ksc_output {
    size_t size;
    void *ctx;
    /* The file's content type and a suggested file name; call once before writing. */
    ksc_status (*begin)(void *ctx, const char *content_type, const char *file_name);
    /* Append bytes; returns KSC_OK or KSC_ERR_FAILED (disk full, …). */
    ksc_status (*write)(void *ctx, const void *data, size_t len);
} ksc_output;

typedef struct ksc_call {
    size_t size;
    const char *action;       /* "mdr.plugin.info" */
    const char *user;         /* login name of the console user */
    const char *server;       /* Administration Server the call is made on */
    const char *lang;         /* language of the answer: "en", "ru", "de", "es", "fr", "it" */
    const char *request_json; /* the request body, "{}" when the caller gave none */
    ksc_output *output;       /* NULL unless the caller asked for a file (--output FILE) */
} ksc_call;

/* An action handler. On return *response_json holds the result (KSC_OK) or an error object
 * (anything else), allocated with services->alloc. */
typedef ksc_status (*ksc_action_fn)(ksc_module *module, const ksc_call *call, char **response_json);

typedef struct ksc_action {
    size_t size;
    const char *name;                  /* "mdr.<area>.<verb>" */
    const char *const *required_areas; /* NULL-terminated; the user needs all of them on the
                                          call's server, checked by the host before the call */
    ksc_action_fn run;
    int produces_file; /* 1 when the action writes its result through call->output */
} ksc_action;

/* ---------------------------------------------------------------------------------------
 * Functional areas and role presets: what the host shows in its roles editor.
 * ------------------------------------------------------------------------------------- */
typedef struct ksc_area {
    size_t size;
    const char *id;        /* "mdr.incident_access" */
    const char *title_key; /* locale key of its title, see descriptor->translate */
} ksc_area;

typedef struct ksc_role_preset {
    size_t size;
    const char *id; /* "mdr.administrator" */
    const char *title_key;
    const char *const *allowed_areas; /* NULL-terminated; all others are Deny */
} ksc_role_preset;

/* ---------------------------------------------------------------------------------------
 * Events the host fires.
 * ------------------------------------------------------------------------------------- */
typedef enum ksc_event_kind {
    KSC_EVENT_LOGIN = 1,   /* a console user logged in to `server` */
    KSC_EVENT_TIMER = 2,   /* the periodic timer (the host decides the period, ~1 min) */
    KSC_EVENT_SHUTDOWN = 3 /* the host is about to stop; finish or cancel background work */
} ksc_event_kind;

typedef struct ksc_event {
    size_t size;
    ksc_event_kind kind;
    const char *user;   /* LOGIN: the user; otherwise NULL */
    const char *server; /* LOGIN: the server logged in to; otherwise NULL */
    const char *lang;   /* LOGIN: the user's language; otherwise NULL */
    int64_t now_ms;     /* the host clock when the event fired */
} ksc_event;

/* ---------------------------------------------------------------------------------------
 * The descriptor the entry symbol returns.
 * ------------------------------------------------------------------------------------- */
typedef struct ksc_module_descriptor {
    size_t size;
    uint32_t abi_major; /* KSC_PLUGIN_ABI_MAJOR the module was built with */
    uint32_t abi_minor;
    const char *name;    /* "mdr" */
    const char *version; /* "1.0.0" */

    const ksc_area *areas;
    size_t area_count;
    const ksc_role_preset *role_presets;
    size_t role_preset_count;
    const ksc_action *actions;
    size_t action_count;

    /* Start the module with its configuration file. On failure returns an error status and,
     * when error_json is not NULL, an error object allocated with services->alloc. The
     * services table outlives the module. */
    ksc_status (*init)(const ksc_host_services *services, const char *config_path,
                       ksc_module **module, char **error_json);

    /* Stop: finish background work, close the store, free everything. */
    void (*shutdown)(ksc_module *module);

    /* An event; returns quickly (see threading). */
    ksc_status (*on_event)(ksc_module *module, const ksc_event *event);

    /* A string of the module's catalogs in `lang` (falls back to English, then to the key
     * itself). Static: valid until unload. Lets the host show area and role titles. */
    const char *(*translate)(const char *lang, const char *key);
} ksc_module_descriptor;

typedef const ksc_module_descriptor *(*ksc_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* KSC_PLUGIN_H */
