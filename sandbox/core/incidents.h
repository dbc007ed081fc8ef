/* incidents.h — the incident model (core/incidents.c): incidents with their responses,
 * comments, attachments and history, and what the public API and persistence do with them. */
#ifndef KSC_SANDBOX_INCIDENTS_H
#define KSC_SANDBOX_INCIDENTS_H

#include "core/state.h"

#include <stdlib.h>

/* ---- incidents */
typedef struct response {
    char id[41]; /* MDR_ + UUID */
    const char *type;
    char *details, *description, *comment;
    json_object *parameters;
    uint32_t asset; /* index into assets */
    int status;     /* 0 Waiting, 1 Confirmed, 2 Declined */
    int64_t creation_time, update_time;
    int was_read;
} response;

typedef struct comment {
    char id[21];
    char *author_name, *text, *origin;
    char *author_client; /* client_id of the connection that wrote it, "" otherwise */
    int64_t creation_time;
    int was_read;
} comment;

typedef struct attachment {
    char id[21];
    char *author_name, *caption, *full_name, *origin;
    unsigned char *data;
    size_t size;
    int64_t creation_time;
    int was_read;
} attachment;

typedef struct history_rec {
    int64_t changed_at;
    char *changed_by;
    const char *operation; /* create, update */
    const char *entity_type;
    json_object *entity; /* the entity's fields at that time */
} history_rec;

struct incident {
    char id[21];
    int64_t number;
    char *summary, *description, *client_description, *status_description;
    int priority;    /* 0 LOW, 1 NORMAL, 2 HIGH */
    int status;      /* 0 Open, 1 On hold, 2 Resolved, 3 Closed */
    int resolution;  /* 0 "", 1 True positive, 2 False positive */
    uint32_t *hosts; /* asset indexes */
    size_t host_count;
    const char *detection_technology, *attack_stage, *origin;
    const char *tactics[3];
    const char *techniques[3];
    int tactic_count, technique_count;
    char *iocs_host, *iocs_net;
    int64_t creation_time, update_time, resolved_time;
    int tenant; /* -1 none */
    int was_read;
    int custom;
    int no_sla;
    response *responses;
    size_t response_count, response_cap;
    comment *comments;
    size_t comment_count, comment_cap;
    attachment *attachments;
    size_t attachment_count, attachment_cap;
    history_rec *history;
    size_t history_count, history_cap;
};

extern const char *const incident_priorities[3];
extern const char *const incident_statuses[4];
extern const char *const incident_resolutions[3];
extern const char *const response_statuses[3];

/* Grows a (pointer, count, capacity) array by one slot when full (aborts out of memory). */
#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            size_t c_ = (cap) ? (cap)*2 : 4;                                                       \
            void *g_ = realloc((arr), c_ * sizeof *(arr));                                         \
            if (!g_)                                                                               \
                abort();                                                                           \
            (arr) = g_;                                                                            \
            (cap) = c_;                                                                            \
        }                                                                                          \
    } while (0)

char *core_strdup(const char *s); /* strdup; NULL gives "" */

long incident_find(core_state *cs, const char *id); /* -1 when none */
incident *incident_new(core_state *cs);             /* a fresh id and number, appended */
const char *incident_tenant_name(sbx_ctx *ctx, const incident *inc); /* "" = none */
/* Appends a history record; takes ownership of entity (NULL: the incident's details). */
void incident_add_history(incident *inc, int64_t at, const char *by, const char *op,
                          const char *type, json_object *entity);
/* A resolved incident closes by itself after 72 hours (checked lazily, before reading). */
void incidents_auto_close(sbx_ctx *ctx);

/* The JSON the public API shows (html: Markdown texts as HTML). */
json_object *incident_json(sbx_ctx *ctx, const incident *inc, int html);
json_object *response_json(sbx_ctx *ctx, const response *r);
json_object *comment_json(const comment *c, int html);
json_object *attachment_json(const attachment *a, int html);

void incidents_seed(sbx_ctx *ctx);
json_object *incidents_save(sbx_ctx *ctx);
int incidents_load(sbx_ctx *ctx, json_object *arr);
void incidents_free(sbx_ctx *ctx);

#endif
