/* ksn.c — KSN proxy settings: what a module installs on behalf of a user, and its history. */
#include "ksn.h"

#include "clock.h"
#include "rights.h"
#include "store.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int compare_digits(const char *a, size_t al, const char *b, size_t bl)
{
    while (al > 1 && *a == '0')
        a++, al--;
    while (bl > 1 && *b == '0')
        b++, bl--;
    if (al != bl)
        return al < bl ? -1 : 1;
    int c = memcmp(a, b, al);
    return c < 0 ? -1 : c > 0;
}

int ksn_version_compare(const char *a, const char *b)
{
    if (all_digits(a) && all_digits(b))
        return compare_digits(a, strlen(a), b, strlen(b));
    /* dotted numeric versions, segment by segment */
    const char *pa = a, *pb = b;
    for (;;) {
        size_t la = strspn(pa, "0123456789"), lb = strspn(pb, "0123456789");
        if (la == 0 || lb == 0)
            break;
        int c = compare_digits(pa, la, pb, lb);
        if (c != 0)
            return c;
        pa += la;
        pb += lb;
        if (*pa == '\0' && *pb == '\0')
            return 0;
        if (*pa == '\0' || *pb == '\0')
            return *pa == '\0' ? -1 : 1;
        if (*pa != '.' || *pb != '.')
            break;
        pa++;
        pb++;
    }
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

json_object *ksn_settings(host_ctx *ctx, const char *server)
{
    if (!server)
        server = "main";
    host_lock(ctx);
    json_object *o = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT s.kind, coalesce(s.parent, s.name), k.ksn_enabled, "
                           "k.kpsn_enabled, k.version, k.expires_ms, k.installed_at, "
                           "k.installed_by, k.sha256 FROM servers s LEFT JOIN ksn_settings k ON "
                           "k.server = (CASE WHEN s.kind = 'virtual' THEN s.parent ELSE s.name "
                           "END) WHERE s.name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto done;
    int is_virtual = strcmp((const char *)sqlite3_column_text(st, 0), "virtual") == 0;
    o = json_object_new_object();
    json_object_object_add(o, "server", json_object_new_string(server));
    json_object_object_add(o, "ksn_enabled", json_object_new_boolean(sqlite3_column_int(st, 2)));
    json_object_object_add(o, "kpsn_enabled", json_object_new_boolean(sqlite3_column_int(st, 3)));
    if (sqlite3_column_type(st, 4) == SQLITE_NULL) {
        json_object_object_add(o, "config", NULL);
    } else {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "version",
                               json_object_new_string((const char *)sqlite3_column_text(st, 4)));
        json_object_object_add(c, "expires", json_object_new_int64(sqlite3_column_int64(st, 5)));
        json_object_object_add(c, "installed_at",
                               json_object_new_int64(sqlite3_column_int64(st, 6)));
        json_object_object_add(c, "installed_by",
                               json_object_new_string((const char *)sqlite3_column_text(st, 7)));
        json_object_object_add(c, "sha256",
                               json_object_new_string((const char *)sqlite3_column_text(st, 8)));
        json_object_object_add(o, "config", c);
    }
    json_object_object_add(
        o, "inherited_from",
        is_virtual ? json_object_new_string((const char *)sqlite3_column_text(st, 1)) : NULL);
done:
    sqlite3_finalize(st);
    host_unlock(ctx);
    return o;
}

json_object *ksn_history(host_ctx *ctx, const char *server)
{
    host_lock(ctx);
    json_object *list = json_object_new_array();
    sqlite3_stmt *st = NULL;
    /* A virtual server's file is its main server's, so is the history. */
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT h.version, h.expires_ms, h.installed_at, h.installed_by, "
                           "h.sha256 FROM ksn_history h JOIN servers s ON h.server = (CASE WHEN "
                           "s.kind = 'virtual' THEN s.parent ELSE s.name END) WHERE s.name = ?1 "
                           "ORDER BY h.id",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, server ? server : "main", -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            json_object *e = json_object_new_object();
            json_object_object_add(
                e, "version", json_object_new_string((const char *)sqlite3_column_text(st, 0)));
            json_object_object_add(e, "expires",
                                   json_object_new_int64(sqlite3_column_int64(st, 1)));
            json_object_object_add(e, "installed_at",
                                   json_object_new_int64(sqlite3_column_int64(st, 2)));
            json_object_object_add(
                e, "installed_by",
                json_object_new_string((const char *)sqlite3_column_text(st, 3)));
            json_object_object_add(
                e, "sha256", json_object_new_string((const char *)sqlite3_column_text(st, 4)));
            json_object_array_add(list, e);
        }
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return list;
}

/* Common checks of a change: known server and user, the right, not a virtual server. */
static ksc_status check_change(host_ctx *ctx, const char *server, const char *user)
{
    if (!store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1", server, NULL) || !user ||
        !store_exists(ctx->db, "SELECT 1 FROM users WHERE name = ?1", user, NULL))
        return KSC_ERR_NOT_FOUND;
    if (!rights_has(ctx, user, server, HOST_AREA_APP_INTEGRATION))
        return KSC_ERR_DENIED;
    if (store_exists(ctx->db, "SELECT 1 FROM servers WHERE name = ?1 AND kind = 'virtual'", server,
                     NULL))
        return KSC_ERR_CONFLICT; /* a virtual server inherits its main server's settings */
    return KSC_OK;
}

ksc_status ksn_install(host_ctx *ctx, const char *server, const char *user, const void *file,
                       size_t file_len, const char *version, int64_t expires_ms)
{
    if (!server)
        server = "main";
    if (!file || file_len == 0 || !version || version[0] == '\0' || strlen(version) > 64)
        return KSC_ERR_INVALID;
    unsigned char digest[32];
    char hex[65];
    if (EVP_Digest(file, file_len, digest, NULL, EVP_sha256(), NULL) != 1)
        return KSC_ERR_FAILED;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);

    host_lock(ctx);
    ksc_status status = check_change(ctx, server, user);
    if (status != KSC_OK)
        goto done;
    status = KSC_ERR_FAILED;
    if (store_begin(ctx->db) != SQLITE_OK)
        goto done;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT version FROM ksn_settings WHERE server = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
            ksn_version_compare(version, (const char *)sqlite3_column_text(st, 0)) <= 0)
            status = KSC_ERR_CONFLICT; /* never a downgrade or a re-install */
    }
    sqlite3_finalize(st);
    st = NULL;
    if (status == KSC_ERR_CONFLICT)
        goto rollback;
    int64_t now = clock_now_ms(ctx);
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT INTO ksn_settings(server, ksn_enabled, kpsn_enabled, file, "
                           "version, expires_ms, installed_at, installed_by, sha256) "
                           "VALUES(?1, 1, 1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(server) DO "
                           "UPDATE SET ksn_enabled = 1, kpsn_enabled = 1, file = ?2, version = "
                           "?3, expires_ms = ?4, installed_at = ?5, installed_by = ?6, sha256 = ?7",
                           -1, &st, NULL) != SQLITE_OK)
        goto rollback;
    sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, file, (int)file_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, version, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, expires_ms);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, hex, -1, SQLITE_STATIC);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    st = NULL;
    if (!ok || sqlite3_prepare_v2(ctx->db,
                                  "INSERT INTO ksn_history(server, version, expires_ms, "
                                  "installed_at, installed_by, sha256) VALUES(?1,?2,?3,?4,?5,?6)",
                                  -1, &st, NULL) != SQLITE_OK)
        goto rollback;
    sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, expires_ms);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_text(st, 5, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, hex, -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok || store_commit(ctx->db) != SQLITE_OK)
        goto rollback;
    status = KSC_OK;
    host_log(ctx, "", KSC_LOG_INFO, "KSN configuration version %s installed on %s by %s", version,
             server, user);
    goto done;
rollback:
    store_rollback(ctx->db);
done:
    host_unlock(ctx);
    return status;
}

ksc_status ksn_kpsn_set(host_ctx *ctx, const char *server, const char *user, int enabled)
{
    if (!server)
        server = "main";
    host_lock(ctx);
    ksc_status status = check_change(ctx, server, user);
    if (status == KSC_OK) {
        sqlite3_stmt *st = NULL;
        status = KSC_ERR_FAILED;
        if (sqlite3_prepare_v2(ctx->db,
                               "INSERT INTO ksn_settings(server, kpsn_enabled) VALUES(?1, ?2) ON "
                               "CONFLICT(server) DO UPDATE SET kpsn_enabled = ?2",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, enabled ? 1 : 0);
            if (sqlite3_step(st) == SQLITE_DONE)
                status = KSC_OK;
        }
        sqlite3_finalize(st);
    }
    host_unlock(ctx);
    return status;
}
