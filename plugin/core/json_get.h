/* json_get — small accessors for JSON objects from the cloud (an absent key or a value of
 * another type gives the fallback), so no area re-checks types by hand. */
#ifndef MDR_JSON_GET_H
#define MDR_JSON_GET_H

#include <json-c/json.h>
#include <stdint.h>

const char *mdr_json_str(json_object *o, const char *key, const char *fallback);
int64_t mdr_json_int(json_object *o, const char *key, int64_t fallback);
int mdr_json_bool(json_object *o, const char *key, int fallback);

#endif
