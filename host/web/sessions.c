/* sessions.c — web sessions in the host store (sessions.h). */
#include "web/sessions.h"
#include "clock.h"
#include "secret.h"
#include "store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int valid_id(const char *id)
{
    if (!id || strlen(id) != WEB_SESSION_ID_HEX)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* What the store keeps: SHA-256 of the id, so a copy of host.db opens no session. */
static void id_digest(const char *id, char out[65])
{
    unsigned char d[32];
    unsigned int n = 0;
    EVP_Digest(id, strlen(id), d, &n, EVP_sha256(), NULL);
    hex(d, 32, out);
}

static int derive_csrf(host_ctx *ctx, const char *id, char out[WEB_CSRF_HEX + 1])
{
    unsigned char key[32], mac[32];
    unsigned int n = 0;
    if (secret_module_key(ctx, ":web-csrf" /* no module name has a colon */, key, sizeof key) !=
        KSC_OK)
        return -1;
    int ok =
        HMAC(EVP_sha256(), key, sizeof key, (const unsigned char *)id, strlen(id), mac, &n) != NULL;
    OPENSSL_cleanse(key, sizeof key);
    if (!ok)
        return -1;
    hex(mac, 32, out);
    return 0;
}

int web_session_create(host_ctx *ctx, const char *user, const char *server, const char *lang,
                       web_session *s)
{
    unsigned char raw[WEB_SESSION_ID_HEX / 2];
    memset(s, 0, sizeof *s);
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    hex(raw, sizeof raw, s->id);
    OPENSSL_cleanse(raw, sizeof raw);
    if (derive_csrf(ctx, s->id, s->csrf) != 0) {
        host_log(ctx, "", KSC_LOG_ERROR, "web session: no key for its CSRF token");
        return -1;
    }
    snprintf(s->user, sizeof s->user, "%s", user);
    snprintf(s->server, sizeof s->server, "%s", server);
    snprintf(s->lang, sizeof s->lang, "%s", lang);
    char digest[65];
    id_digest(s->id, digest);
    int64_t now = clock_now_ms(ctx);
    host_lock(ctx);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT INTO web_sessions(id_sha256, user, server, lang, created_ms, "
                           "last_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?5)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, server, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, lang, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, now);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    if (rc != 0)
        host_log(ctx, "", KSC_LOG_ERROR, "web session not stored: %s", sqlite3_errmsg(ctx->db));
    sqlite3_finalize(st);
    host_unlock(ctx);
    return rc;
}

static void delete_digest(host_ctx *ctx, const char *digest)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "DELETE FROM web_sessions WHERE id_sha256 = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
}

int web_session_get(host_ctx *ctx, const char *cookie_id, web_session *s, int touch)
{
    memset(s, 0, sizeof *s);
    if (!valid_id(cookie_id))
        return -1;
    char digest[65];
    id_digest(cookie_id, digest);
    int64_t now = clock_now_ms(ctx);
    host_lock(ctx);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT user, server, lang, created_ms, last_ms FROM web_sessions "
                           "WHERE id_sha256 = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto done;
    int64_t created = sqlite3_column_int64(st, 3), last = sqlite3_column_int64(st, 4);
    if (now - last > WEB_SESSION_IDLE_MS || now - created > WEB_SESSION_ABSOLUTE_MS) {
        sqlite3_finalize(st);
        st = NULL;
        delete_digest(ctx, digest);
        goto done;
    }
    snprintf(s->id, sizeof s->id, "%s", cookie_id);
    snprintf(s->user, sizeof s->user, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(s->server, sizeof s->server, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(s->lang, sizeof s->lang, "%s", (const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    st = NULL;
    if (touch &&
        sqlite3_prepare_v2(ctx->db, "UPDATE web_sessions SET last_ms = ?2 WHERE id_sha256 = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_step(st);
    }
    rc = derive_csrf(ctx, s->id, s->csrf);
done:
    sqlite3_finalize(st);
    host_unlock(ctx);
    return rc;
}

int web_session_update(host_ctx *ctx, const web_session *s)
{
    char digest[65];
    id_digest(s->id, digest);
    host_lock(ctx);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(ctx->db,
                           "UPDATE web_sessions SET server = ?2, lang = ?3 WHERE id_sha256 = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s->server, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, s->lang, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    host_unlock(ctx);
    return rc;
}

void web_session_delete(host_ctx *ctx, const char *cookie_id)
{
    if (!valid_id(cookie_id))
        return;
    char digest[65];
    id_digest(cookie_id, digest);
    host_lock(ctx);
    delete_digest(ctx, digest);
    host_unlock(ctx);
}

int web_csrf_ok(const web_session *s, const char *header)
{
    return header && strlen(header) == WEB_CSRF_HEX &&
           CRYPTO_memcmp(header, s->csrf, WEB_CSRF_HEX) == 0;
}
