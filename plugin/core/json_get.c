#include "json_get.h"

const char *mdr_json_str(json_object *o, const char *key, const char *fallback)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : fallback;
}

int64_t mdr_json_int(json_object *o, const char *key, int64_t fallback)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int)
               ? json_object_get_int64(v)
               : fallback;
}

int mdr_json_bool(json_object *o, const char *key, int fallback)
{
    json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean)
               ? json_object_get_boolean(v)
               : fallback;
}
