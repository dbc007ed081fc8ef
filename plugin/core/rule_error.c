#include "rule_error.h"
#include "reply.h"

int mdr_rule_fail(mdr_rule_error *e, ksc_status status, const char *code, json_object *details)
{
    e->status = status;
    e->code = code;
    e->details = details ? details : json_object_new_object();
    return -1;
}

void mdr_rule_error_clear(mdr_rule_error *e)
{
    json_object_put(e->details);
    e->details = NULL;
    e->code = NULL;
}

ksc_status mdr_rule_reply(const ksc_host_services *services, const char *lang, mdr_rule_error *e,
                          char **response)
{
    json_object *details = e->details;
    e->details = NULL;
    return mdr_reply_error(services, lang, e->status, e->code ? e->code : "internal", details,
                           response);
}
