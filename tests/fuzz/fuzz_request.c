/* Action requests (mdr_request_validate, plugin/core/request.c): every field type, a nested
 * object validated in turn. Asserts: an accepted request is an object whose typed values sit
 * within their declared bounds; a refusal has an error code and details. */
#include "core/request.h"
#include "fuzz.h"

/* Code points of valid UTF-8 (the validator checked it). */
static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *const REGIONS[] = {"europe", "russia", "saudi_arabia", NULL};
static const mdr_field INNER[] = {{.name = "limit", .type = MDR_FIELD_INT, .min = 1, .max = 100},
                                  {.name = "q", .type = MDR_FIELD_STRING, .max_len = 8},
                                  {0}};
static const mdr_field FIELDS[] = {
    {.name = "code", .type = MDR_FIELD_STRING, .min_len = 3, .max_len = 5},
    {.name = "region", .type = MDR_FIELD_ENUM, .choices = REGIONS},
    {.name = "limit", .type = MDR_FIELD_INT, .min = -5, .max = 100},
    {.name = "any", .type = MDR_FIELD_INT},
    {.name = "enabled", .type = MDR_FIELD_BOOL},
    {.name = "filter", .type = MDR_FIELD_OBJECT},
    {.name = "ids", .type = MDR_FIELD_ARRAY, .max_len = 3},
    {.name = "name", .type = MDR_FIELD_STRING},
    {0}};

static void refused(mdr_request_error *e)
{
    FUZZ_ASSERT(e->code && e->code[0]);
    json_object_put(e->details);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *json = fuzz_cstr(data, size);
    json_object *req = NULL;
    mdr_request_error e = {0};
    if (mdr_request_validate(json, FIELDS, &req, &e) == 0) {
        FUZZ_ASSERT(json_object_is_type(req, json_type_object));
        const char *code = mdr_req_string(req, "code", NULL);
        if (code) {
            size_t chars = chars_of(code);
            FUZZ_ASSERT(chars >= 3 && chars <= 5);
        }
        int64_t limit = mdr_req_int(req, "limit", 0);
        FUZZ_ASSERT(limit >= -5 && limit <= 100);
        const char *name = mdr_req_string(req, "name", NULL);
        FUZZ_ASSERT(!name || chars_of(name) <= MDR_STRING_DEFAULT_MAX);
        json_object *ids = NULL;
        if (json_object_object_get_ex(req, "ids", &ids))
            FUZZ_ASSERT(json_object_array_length(ids) <= 3);
        json_object *filter = NULL;
        if (json_object_object_get_ex(req, "filter", &filter)) {
            mdr_request_error inner = {0};
            if (mdr_request_validate_object(filter, INNER, "filter.", &inner) != 0)
                refused(&inner);
        }
        json_object_put(req);
    } else {
        FUZZ_ASSERT(req == NULL);
        refused(&e);
    }
    free(json);
    return 0;
}
