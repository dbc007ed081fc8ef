/* archive.c — the MDR configuration archive (console/mdrzip.c) of a license or a tenant as a
 * console answer: the ZIP in base64 with its file name. */
#include "console/mdrzip.h"
#include "console/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void svc_reply_zip(sbx_request *req, sbx_reply *rep, int org, const org_license *l,
                   const org_tenant *t, int64_t expires, const char *variant_name,
                   int default_variant)
{
    svc_state *s = svc_of(req->ctx);
    org_org *o = s->world->orgs[org];
    int variant = variant_name ? mdrzip_variant_parse(variant_name) : default_variant;
    if (variant < 0 || (t && variant != MDRZIP_WITH_KEA && variant != MDRZIP_WITHOUT_KEA) ||
        (!t && variant != MDRZIP_BLOB && variant != MDRZIP_BAT)) {
        sbx_reply_error(rep, 400, "invalid_variant",
                        t ? "variant is with_kea or without_kea" : "variant is blob or bat");
        return;
    }
    const svc_ksn_record *r;
    const char *ksn = svc_ksn_pem(req->ctx, org, &r);
    mdrzip_input in = {.ksn_pem = ksn,
                       .org_id = o->id,
                       .org_name = o->name,
                       .region = o->region[0] ? o->region : "other",
                       .license_id = l->id,
                       .tenant_id = t ? t->id : NULL,
                       .tenant_name = t ? t->name : NULL,
                       .expires_ms = expires,
                       .now_ms = req->now_ms,
                       .variant = (mdrzip_variant)variant};
    unsigned char *zip = NULL;
    size_t len = 0;
    char err[200] = "";
    if (!ksn || mdrzip_build(s->pki, &in, &zip, &len, err, sizeof err)) {
        sbx_reply_error(rep, 500, "internal", "cannot build the MDR configuration file");
        return;
    }
    char name[160], sha[65];
    mdrzip_file_name(&in, name, sizeof name);
    ksn_sha256_hex(zip, len, sha);
    char *b64 = svc_base64(zip, len);
    free(zip);
    if (!b64) {
        sbx_reply_error(rep, 500, "internal", "out of memory");
        return;
    }
    json_object *out = json_object_new_object();
    json_object_object_add(out, "file_name", json_object_new_string(name));
    json_object_object_add(out, "content_type", json_object_new_string("application/zip"));
    json_object_object_add(out, "size", json_object_new_int64((int64_t)len));
    json_object_object_add(out, "sha256", json_object_new_string(sha));
    json_object_object_add(out, "ksn_version", json_object_new_int64(r->version));
    json_object_object_add(out, "content_base64", json_object_new_string(b64));
    free(b64);
    sbx_reply_json(rep, 200, out);
}
