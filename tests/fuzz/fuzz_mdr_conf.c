/* mdr.conf (mdr_config_load, plugin/core/config.c, libconfig): the input is the file, written
 * 0600 to a private directory. Asserts: a configuration that loads has its integers within
 * their ranges and https base URL, and its JSON view (mdr.plugin.info) does not show the raw
 * proxy password. The same text 0644 with a password in it is refused as insecure. */
#include "cloud/http_settings.h"
#include "core/config.h"
#include "fuzz.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], path[96];

static void write_file(const uint8_t *data, size_t size, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FUZZ_ASSERT(fd >= 0);
    FUZZ_ASSERT(size == 0 || write(fd, data, size) == (ssize_t)size);
    FUZZ_ASSERT(fchmod(fd, mode) == 0);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/mdr-fuzz-conf-XXXXXX");
        FUZZ_ASSERT(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/mdr.conf", dir);
    }
    if (size > 16384)
        return 0;
    /* @include and file keys may name anything: keep them to plain text here */
    if (fuzz_has(data, size, "@include") || fuzz_has(data, size, "/dev/") ||
        fuzz_has(data, size, "/proc/"))
        return 0;
    write_file(data, size, 0600);
    mdr_config *c = NULL;
    char err[1024];
    if (mdr_config_load(path, &c, err, sizeof err) == 0) {
        FUZZ_ASSERT(strncmp(c->cloud_base_url, "https://", 8) == 0);
        FUZZ_ASSERT(c->cloud_connect_timeout_ms <= c->cloud_timeout_ms);
        FUZZ_ASSERT(c->cloud_max_retries >= 0 && c->cloud_max_retries <= 10);
        FUZZ_ASSERT(c->health_sync_interval_s >= 60 && c->health_sync_interval_s <= 86400);
        json_object *j = mdr_config_to_json(c);
        mdr_proxy_spans sp;
        int secret = mdr_proxy_split(c->cloud_proxy, strlen(c->cloud_proxy), &sp) == 0 &&
                     sp.has_password && sp.password_len > 0;
        if (secret) {
            char *raw = strndup(c->cloud_proxy + sp.password, sp.password_len);
            json_object *cloud = NULL, *proxy = NULL;
            json_object_object_get_ex(j, "cloud", &cloud);
            json_object_object_get_ex(cloud, "proxy", &proxy);
            const char *shown = json_object_get_string(proxy);
            /* the raw password, unless it is there once only and cannot be a piece of "***" */
            FUZZ_ASSERT(raw);
            size_t hits = 0;
            for (const char *p = c->cloud_proxy; (p = strstr(p, raw)) != NULL; p++)
                hits++;
            if (!strchr(raw, '*') && hits == 1)
                FUZZ_ASSERT(shown && !strstr(shown, raw));
            free(raw);
        }
        json_object_put(j);
        mdr_config_free(c);
        if (secret) {
            write_file(data, size, 0644);
            FUZZ_ASSERT(mdr_config_load(path, &c, err, sizeof err) == MDR_CONFIG_INSECURE);
            FUZZ_ASSERT(c == NULL);
        }
    } else {
        FUZZ_ASSERT(c == NULL && err[0]);
    }
    return 0;
}
