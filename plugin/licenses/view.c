#include "view.h"
#include "core/json_get.h"
#include "core/i18n.h"
#include "core/utc_date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mdr_license_code_normalize(const char *code, char out[MDR_ACTIVATION_CODE_CHARS + 1],
                               mdr_rule_error *e)
{
    size_t n = 0;
    int bad = !code;
    for (const char *p = code; !bad && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '-' && p != code && p[1] && p[-1] != '-')
            continue; /* dashes only between characters */
        if (c > 0x7f || !isalnum(c) || n == MDR_ACTIVATION_CODE_CHARS)
            bad = 1;
        else
            out[n++] = (char)toupper(c);
    }
    if (bad || n != MDR_ACTIVATION_CODE_CHARS) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "field", json_object_new_string("code"));
        json_object_object_add(d, "length", json_object_new_int(MDR_ACTIVATION_CODE_CHARS));
        return mdr_rule_fail(e, KSC_ERR_INVALID, "license_code_format", d);
    }
    out[n] = '\0';
    return 0;
}

static const struct {
    const char *id, *title;
} TIERS[] = {{"expert", "MDR Expert"},
             {"optimum", "MDR Optimum"},
             {"basic", "MDR Basic"},
             {"advanced", "MDR Advanced"},
             {"prime", "MDR Prime"}};

const char *mdr_license_tier_title(const char *tier)
{
    for (size_t i = 0; tier && i < sizeof TIERS / sizeof TIERS[0]; i++)
        if (strcmp(TIERS[i].id, tier) == 0)
            return TIERS[i].title;
    return tier ? tier : "";
}

int64_t mdr_license_last_day_ms(int64_t expiration_ms)
{
    return mdr_utc_day_start(expiration_ms - 1);
}

const char *mdr_license_status(json_object *l, int64_t now_ms)
{
    const char *status = mdr_json_str(l, "status", "Inactive");
    int64_t exp = mdr_json_int(l, "expiration_time", 0);
    /* the host clock decides expiry; the cloud's view follows on its next refresh */
    if (strcmp(status, "Active") == 0 && exp > 0 && now_ms >= exp)
        return "Expired";
    return status;
}

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void add_time(json_object *o, const char *ms_key, const char *date_key, int64_t ms)
{
    if (ms <= 0) {
        json_object_object_add(o, ms_key, NULL);
        json_object_object_add(o, date_key, NULL);
        return;
    }
    char date[16];
    mdr_utc_date(ms, date, sizeof date);
    json_object_object_add(o, ms_key, json_object_new_int64(ms));
    add_str(o, date_key, date);
}

static const char *tr_key(const char *lang, const char *prefix, const char *id)
{
    if (!id)
        return "";
    char key[96];
    snprintf(key, sizeof key, "%s%s", prefix, id);
    const char *text = mdr_tr(lang, key);
    return strcmp(text, key) == 0 ? id : text; /* an unknown value is shown as sent */
}

json_object *mdr_license_view(json_object *l, int64_t now_ms, const char *lang)
{
    const char *tier = mdr_json_str(l, "tier", "");
    const char *type = mdr_json_str(l, "type", "commercial");
    const char *status = mdr_license_status(l, now_ms);
    int64_t limit = mdr_json_int(l, "assets_limit", 0);
    int64_t connected = mdr_json_int(l, "connected_assets", 0);
    int64_t exp = mdr_json_int(l, "expiration_time", 0);
    int current = strcmp(status, "Active") == 0;

    char limit_text[24];
    snprintf(limit_text, sizeof limit_text, "%lld", (long long)limit);
    const char *params[] = {"tier", mdr_license_tier_title(tier), "assets", limit_text, NULL};
    char *name = mdr_trf(lang, "licenses.name", params);

    json_object *v = json_object_new_object();
    add_str(v, "id", mdr_json_str(l, "license_id", ""));
    add_str(v, "name", name ? name : "");
    free(name);
    add_str(v, "tier", tier);
    add_str(v, "tier_title", mdr_license_tier_title(tier));
    add_str(v, "region", mdr_json_str(l, "region", ""));
    add_str(v, "region_title", tr_key(lang, "region.", mdr_json_str(l, "region", "")));
    add_str(v, "type", type);
    add_str(v, "type_text", tr_key(lang, "licenses.type.", type));
    json_object_object_add(v, "connected_assets", json_object_new_int64(connected));
    json_object_object_add(v, "assets_limit", json_object_new_int64(limit));
    json_object_object_add(v, "limit_exceeded", json_object_new_boolean(connected > limit));
    add_time(v, "activation_time", "activation_date", mdr_json_int(l, "activation_time", 0));
    add_time(v, "expiration_time", "expiration_date", exp);
    if (exp > 0) {
        int64_t left = exp - now_ms;
        int64_t days = left > 0 ? (left + MDR_DAY_MS - 1) / MDR_DAY_MS : 0;
        json_object_object_add(v, "days_left", json_object_new_int64(days));
        json_object_object_add(
            v, "expiration_warning",
            json_object_new_boolean(left <= (int64_t)MDR_LICENSE_WARN_DAYS * MDR_DAY_MS));
    } else {
        json_object_object_add(v, "days_left", NULL);
        json_object_object_add(v, "expiration_warning", json_object_new_boolean(0));
    }
    add_str(v, "status", status);
    add_str(v, "status_text", tr_key(lang, "licenses.status.", status));
    json_object_object_add(v, "current", json_object_new_boolean(current));
    const char *effect = strcmp(type, "trial") == 0 ? "features_disabled" : "telemetry_stopped";
    add_str(v, "at_expiry", effect);
    add_str(v, "at_expiry_text", tr_key(lang, "licenses.at_expiry.", effect));
    json_object_object_add(v, "rest_api", json_object_new_boolean(mdr_json_bool(l, "rest_api", 0)));
    add_str(v, "activation_code", mdr_json_str(l, "activation_code", ""));
    return v;
}

json_object *mdr_licenses_view(json_object *list, int view_all, int64_t now_ms, const char *lang)
{
    json_object *rows = json_object_new_array();
    int64_t total = 0, current = 0, limit = 0, connected = 0, exceeded = 0, expiring = 0;
    int expired_paid = 0, expired_trial = 0;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(list, i);
        json_object *row = mdr_license_view(l, now_ms, lang);
        int is_current = mdr_json_bool(row, "current", 0);
        const char *status = mdr_json_str(row, "status", "");
        total++;
        if (is_current) {
            current++;
            limit += mdr_json_int(row, "assets_limit", 0);
            connected += mdr_json_int(row, "connected_assets", 0);
            exceeded += mdr_json_bool(row, "limit_exceeded", 0);
            expiring += mdr_json_bool(row, "expiration_warning", 0);
        } else if (strcmp(status, "Expired") == 0) {
            if (strcmp(mdr_json_str(row, "type", ""), "trial") == 0)
                expired_trial = 1;
            else
                expired_paid = 1;
        }
        if (view_all || is_current)
            json_object_array_add(rows, row);
        else
            json_object_put(row);
    }
    const char *tier = NULL, *region = NULL;
    mdr_licenses_org_terms(list, now_ms, &tier, &region);
    /* what the organization can do now: any current license gives everything; past that,
     * an expired paid license keeps MDR running without telemetry, a trial turns it off */
    const char *functionality = current         ? "full"
                                : expired_paid  ? "limited"
                                : expired_trial ? "disabled"
                                                : "none";
    json_object *s = json_object_new_object();
    json_object_object_add(s, "licenses", json_object_new_int64(total));
    json_object_object_add(s, "current_licenses", json_object_new_int64(current));
    json_object_object_add(s, "assets_limit", json_object_new_int64(limit));
    json_object_object_add(s, "connected_assets", json_object_new_int64(connected));
    json_object_object_add(s, "limit_exceeded", json_object_new_int64(exceeded));
    json_object_object_add(s, "expiring", json_object_new_int64(expiring));
    add_str(s, "tier", tier);
    add_str(s, "tier_title", tier ? mdr_license_tier_title(tier) : NULL);
    add_str(s, "region", region);
    add_str(s, "region_title", region ? tr_key(lang, "region.", region) : NULL);
    add_str(s, "functionality", functionality);
    add_str(s, "functionality_text", tr_key(lang, "licenses.functionality.", functionality));

    json_object *out = json_object_new_object();
    add_str(out, "view", view_all ? "all" : "active");
    json_object_object_add(out, "licenses", rows);
    json_object_object_add(out, "summary", s);
    return out;
}

void mdr_licenses_org_terms(json_object *list, int64_t now_ms, const char **tier,
                            const char **region)
{
    *tier = *region = NULL;
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    for (int pass = 0; pass < 2 && !*tier; pass++)
        for (size_t i = 0; i < n && !*tier; i++) {
            json_object *l = json_object_array_get_idx(list, i);
            if (pass == 0 && strcmp(mdr_license_status(l, now_ms), "Active") != 0)
                continue;
            *tier = mdr_json_str(l, "tier", NULL);
            *region = mdr_json_str(l, "region", NULL);
        }
}

json_object *mdr_licenses_find(json_object *list, const char *license_id)
{
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    for (size_t i = 0; license_id && i < n; i++) {
        json_object *l = json_object_array_get_idx(list, i);
        if (strcmp(mdr_json_str(l, "license_id", ""), license_id) == 0)
            return l;
    }
    return NULL;
}
