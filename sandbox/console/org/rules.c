/* rules.c — the small rules: activation codes, regions and their agreements, tiers, license
 * types, text and e-mail checks, license dates, the custom incident quota, weeks. */
#include "console/org/internal.h"

#include <ctype.h>
#include <strings.h>

/* ================================================================= small rules */

int org_code_normalize(const char *in, char out[21])
{
    int n = 0;
    if (!in)
        return -1;
    for (const char *p = in; *p; p++) {
        if (*p == '-')
            continue;
        if (!isalnum((unsigned char)*p) || n == 20)
            return -1;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    if (n != 20)
        return -1;
    out[20] = '\0';
    return 0;
}

static const char *const regions[] = {"europe", "canada", "saudi_arabia", "russia", "other"};

int org_region_valid(const char *region)
{
    for (size_t i = 0; region && i < sizeof regions / sizeof *regions; i++)
        if (strcmp(region, regions[i]) == 0)
            return 1;
    return 0;
}

const char *org_region_storage(const char *region)
{
    if (!strcmp(region, "europe") || !strcmp(region, "canada"))
        return "northern_europe";
    if (!strcmp(region, "saudi_arabia"))
        return "ksa";
    return "russia";
}

const char *org_region_language(const char *region)
{
    return strcmp(region, "russia") == 0 ? "ru" : "en";
}

int org_region_kata(const char *region)
{
    return strcmp(region, "saudi_arabia") != 0;
}

const char *const *org_region_agreements(const char *region)
{
    /* The Data Processing Agreement is shown "for some regions only": those whose
     * sub-processors the help lists under a DPA (Europe, Canada, Saudi Arabia). */
    static const char *const with_dpa[] = {"mdr_agreement", "dpa", NULL};
    static const char *const without_dpa[] = {"mdr_agreement", NULL};
    if (!strcmp(region, "europe") || !strcmp(region, "canada") || !strcmp(region, "saudi_arabia"))
        return with_dpa;
    return without_dpa;
}

const char *org_agreement_title(const char *id)
{
    return strcmp(id, "dpa") == 0 ? "Data Processing Agreement" : "MDR Agreement";
}

static const char *const tiers[] = {"expert", "optimum", "basic", "advanced", "prime"};
static const char *const tier_titles[] = {"MDR Expert", "MDR Optimum", "MDR Basic", "MDR Advanced",
                                          "MDR Prime"};

int org_tier_valid(const char *tier)
{
    for (size_t i = 0; tier && i < 5; i++)
        if (!strcmp(tier, tiers[i]))
            return 1;
    return 0;
}

const char *org_tier_title(const char *tier)
{
    for (size_t i = 0; i < 5; i++)
        if (!strcmp(tier, tiers[i]))
            return tier_titles[i];
    return tier;
}

int org_tier_rest_api(const char *tier)
{
    return !strcmp(tier, "expert") || !strcmp(tier, "advanced") || !strcmp(tier, "prime");
}

const char *org_type_name(int type)
{
    return type == ORG_TRIAL ? "trial" : type == ORG_SUBSCRIPTION ? "subscription" : "commercial";
}

int org_type_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "trial"))
        return ORG_TRIAL;
    if (!strcmp(s, "commercial"))
        return ORG_COMMERCIAL;
    if (!strcmp(s, "subscription"))
        return ORG_SUBSCRIPTION;
    return -1;
}

int org_text_valid(const char *s, size_t max, int allow_newlines, int allow_empty)
{
    if (!s)
        return 0;
    size_t n = 0;
    int visible = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
        if (*p >= 0x21 && *p <= 0x7e)
            visible = 1;
        else if (*p == ' ')
            ;
        else if (allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))
            ;
        else
            return 0; /* Latin letters, digits and special characters only */
    }
    if (n > max)
        return 0;
    return allow_empty ? 1 : visible;
}

int org_email_valid(const char *s)
{
    if (!s || strlen(s) > ORG_EMAIL_MAX)
        return 0;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p > 0x7e || *p == ',' || *p == ';' || *p == '<' || *p == '>' ||
            *p == '"')
            return 0;
    return 1;
}

int64_t org_license_last_day_ms(const org_license *l)
{
    int64_t last = l->expiration_ms - 1;
    return last - (last % ORG_DAY_MS);
}

const char *org_license_status(const org_license *l, int64_t now_ms)
{
    if (l->removed)
        return "Removed";
    if (l->deleted)
        return "Deleted";
    if (l->blocked)
        return "Blocked";
    if (!l->activation_ms)
        return "Inactive";
    if (now_ms >= l->expiration_ms)
        return "Expired";
    return "Active";
}

int org_license_current(const org_license *l, int64_t now_ms)
{
    return strcmp(org_license_status(l, now_ms), "Active") == 0;
}

long org_custom_quota(size_t connected_assets)
{
    return 3 + (long)(connected_assets / 10000);
}

int64_t org_week_start_ms(int64_t now_ms)
{
    int64_t day = now_ms / ORG_DAY_MS;
    /* 1970-01-01 was a Thursday: day 0 → weekday 3 (Monday = 0). */
    int64_t weekday = (day + 3) % 7;
    return (day - weekday) * ORG_DAY_MS;
}
