/* notifications.c — e-mail (verified by a code) and Telegram (a one-time link)
 * notifications. */
#include "console/org/internal.h"

/* ================================================================= notifications */

org_notify *org_notify_of(org_org *o, const char *recipient, int create, org_err *e)
{
    if (!recipient || !*recipient)
        return &o->notify[0];
    for (int i = 1; i <= o->recipient_count; i++)
        if (!strcmp(o->notify[i].recipient, recipient))
            return &o->notify[i];
    if (!create)
        return NULL;
    size_t len = strlen(recipient);
    int printable = len <= ORG_RECIPIENT_MAX;
    for (size_t i = 0; printable && i < len; i++)
        printable = (unsigned char)recipient[i] >= 0x20 && recipient[i] != 0x7f;
    if (!printable) {
        fail(e, 400, "invalid_recipient", "recipient is at most %d printable characters.",
             ORG_RECIPIENT_MAX);
        return NULL;
    }
    if (o->recipient_count == ORG_RECIPIENTS) {
        fail(e, 409, "recipient_limit", "At most %d notification recipients per organization.",
             ORG_RECIPIENTS);
        return NULL;
    }
    org_notify *n = &o->notify[++o->recipient_count];
    memset(n, 0, sizeof *n);
    copy(n->recipient, sizeof n->recipient, recipient);
    return n;
}

static json_object *channel_json(const org_channel *c)
{
    json_object *j = json_object_new_object();
    add_bool(j, "enabled", c->enabled);
    add_bool(j, "incidents", c->incidents);
    add_bool(j, "comments", c->comments);
    add_bool(j, "responses", c->responses);
    return j;
}

json_object *org_notifications_json(const org_notify *o, int64_t now_ms)
{
    json_object *j = json_object_new_object();
    json_object *em = channel_json(&o->email);
    add_str(em, "address", o->email_address);
    add_bool(em, "verified", o->email_verified);
    json_object *ver = json_object_new_object();
    const char *vs = "none";
    if (o->email_pending_address[0]) {
        if (o->email_wrong_tries >= ORG_CODE_TRIES)
            vs = "resend_required";
        else if (now_ms >= o->email_code_expires_ms)
            vs = "expired";
        else
            vs = "pending";
        add_str(ver, "address", o->email_pending_address);
        add_int(ver, "expires_time", o->email_code_expires_ms);
        add_int(ver, "tries_left", ORG_CODE_TRIES - o->email_wrong_tries);
    }
    add_str(ver, "status", vs);
    json_object_object_add(em, "verification", ver);
    json_object_object_add(j, "email", em);
    json_object *tg = channel_json(&o->telegram);
    add_bool(tg, "subscribed", o->telegram_subscribed);
    add_bool(tg, "link_outstanding", o->telegram_link[0] != 0);
    json_object_object_add(j, "telegram", tg);
    return j;
}

static int read_channel(json_object *in, org_channel *c, org_err *e)
{
    json_object *v;
    int *fields[] = {&c->incidents, &c->comments, &c->responses};
    const char *names[] = {"incidents", "comments", "responses"};
    for (int i = 0; i < 3; i++) {
        *fields[i] = 0;
        if (jhas(in, names[i], &v)) {
            if (!json_object_is_type(v, json_type_boolean))
                return fail(e, 400, "invalid_parameter", "%s must be a boolean.", names[i]);
            *fields[i] = json_object_get_boolean(v);
        }
    }
    if (!c->incidents && !c->comments && !c->responses)
        return fail(e, 422, "category_required",
                    "Select at least one of incidents, comments, responses.");
    c->enabled = 1;
    return 0;
}

static void new_code(org_notify *o, int64_t now_ms)
{
    unsigned char r[4];
    if (RAND_bytes(r, sizeof r) != 1)
        abort();
    unsigned v = ((unsigned)r[0] << 24 | (unsigned)r[1] << 16 | (unsigned)r[2] << 8 | r[3]);
    snprintf(o->email_code, sizeof o->email_code, "%06u", v % 1000000u);
    o->email_code_expires_ms = now_ms + ORG_CODE_TTL_MS;
    o->email_wrong_tries = 0;
}

int org_email_start(org_notify *o, json_object *in, int64_t now_ms, org_err *e)
{
    const char *addr = jstr(in, "address");
    org_channel c = {0};
    if (!org_email_valid(addr))
        return fail(e, 400, "invalid_email", "A valid email address is required.");
    if (read_channel(in, &c, e))
        return -1;
    copy(o->email_pending_address, sizeof o->email_pending_address, addr);
    o->email_pending = c;
    new_code(o, now_ms);
    return 0;
}

int org_email_verify(org_notify *o, const char *code, int64_t now_ms, org_err *e)
{
    if (!o->email_pending_address[0])
        return fail(e, 409, "no_verification_pending", "No email address awaits verification.");
    if (!code)
        return fail(e, 400, "missing_parameter", "code is required.");
    if (o->email_wrong_tries >= ORG_CODE_TRIES)
        return fail(e, 409, "resend_required",
                    "Three wrong codes in a row: request a new code (resend).");
    if (now_ms >= o->email_code_expires_ms)
        return fail(e, 409, "code_expired", "The code has expired: request a new code (resend).");
    if (strcmp(code, o->email_code)) {
        o->email_wrong_tries++;
        if (o->email_wrong_tries >= ORG_CODE_TRIES)
            return fail(e, 409, "resend_required",
                        "Three wrong codes in a row: request a new code (resend).");
        return fail(e, 422, "code_invalid", "Wrong code: %d tries left.",
                    ORG_CODE_TRIES - o->email_wrong_tries);
    }
    copy(o->email_address, sizeof o->email_address, o->email_pending_address);
    o->email = o->email_pending;
    o->email_verified = 1;
    o->email_pending_address[0] = '\0';
    o->email_code[0] = '\0';
    o->email_wrong_tries = 0;
    return 0;
}

int org_email_resend(org_notify *o, int64_t now_ms, org_err *e)
{
    if (!o->email_pending_address[0])
        return fail(e, 409, "no_verification_pending", "No email address awaits verification.");
    new_code(o, now_ms);
    return 0;
}

void org_email_disable(org_notify *o)
{
    memset(&o->email, 0, sizeof o->email);
    o->email_pending_address[0] = '\0';
    o->email_code[0] = '\0';
}

int org_telegram_link(org_notify *o, json_object *in, char out_token[33], org_err *e)
{
    org_channel c = {0};
    if (o->telegram_subscribed)
        return fail(e, 409, "already_subscribed",
                    "A Telegram account is subscribed: unsubscribe first to use another one.");
    if (read_channel(in, &c, e))
        return -1;
    o->telegram = c;
    random_hex(o->telegram_link, 16);
    memcpy(out_token, o->telegram_link, 33);
    return 0;
}

int org_telegram_use_link(org_world *w, const char *token, org_err *e)
{
    for (int i = 0; token && *token && i < w->org_count; i++) {
        org_org *org = w->orgs[i];
        for (int k = 0; k <= org->recipient_count; k++) {
            org_notify *o = &org->notify[k];
            if (!strcmp(o->telegram_link, token)) {
                o->telegram_subscribed = 1;
                o->telegram_link[0] = '\0'; /* one Telegram account per link */
                return 0;
            }
        }
    }
    return fail(e, 404, "link_unknown", "Unknown or already used link.");
}

void org_telegram_unsubscribe(org_notify *o)
{
    memset(&o->telegram, 0, sizeof o->telegram);
    o->telegram_subscribed = 0;
    o->telegram_link[0] = '\0';
}
