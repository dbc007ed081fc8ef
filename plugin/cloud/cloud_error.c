#include "cloud_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mdr_cloud_error_clear(mdr_cloud_error *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

mdr_cloud_status mdr_cloud_fail(mdr_cloud_error *err, mdr_cloud_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
    va_end(ap);
    return status;
}

static const struct {
    const char *key;
    const char *text;
} status_table[] = {
    [MDR_CLOUD_OK] = {"cloud.ok", "Success."},
    [MDR_CLOUD_ERR_CONFIG] = {"cloud.error.config",
                              "The setting {{setting}} is not usable: {{detail}}. Correct it "
                              "and try again."},
    [MDR_CLOUD_ERR_TLS_VERIFY] =
        {"cloud.error.tls_verify",
         "The MDR service's certificate could not be verified ({{detail}}). If your network "
         "inspects TLS traffic, add its CA certificate to the PEM file named by "
         "{{setting}}."},
    [MDR_CLOUD_ERR_TLS] = {"cloud.error.tls",
                           "A secure connection to the MDR service could not be established "
                           "({{detail}}). Check the proxy and firewall settings."},
    [MDR_CLOUD_ERR_PROXY_AUTH] = {"cloud.error.proxy_auth",
                                  "The proxy server refused the credentials (HTTP "
                                  "{{http_status}}). Check the proxy user name "
                                  "and password in {{setting}}."},
    [MDR_CLOUD_ERR_PROXY] = {"cloud.error.proxy",
                             "The proxy server could not be reached or refused the connection "
                             "({{detail}}). Check the proxy address in {{setting}}."},
    [MDR_CLOUD_ERR_DNS] = {"cloud.error.dns",
                           "The MDR service's address could not be resolved ({{detail}}). "
                           "Check the DNS settings or configure a proxy server."},
    [MDR_CLOUD_ERR_CONNECT] = {"cloud.error.connect",
                               "Could not connect to the MDR service ({{detail}}). Check that "
                               "outgoing HTTPS connections are allowed, or configure a proxy "
                               "server."},
    [MDR_CLOUD_ERR_TIMEOUT] = {"cloud.error.timeout",
                               "The MDR service did not answer in time ({{detail}}). Try again "
                               "later; if it persists, check the network connection."},
    [MDR_CLOUD_ERR_NETWORK] = {"cloud.error.network",
                               "The connection to the MDR service was interrupted "
                               "({{detail}}). Try again later."},
    [MDR_CLOUD_ERR_HTTP] = {"cloud.error.http",
                            "The MDR service answered with an error (HTTP {{http_status}}, "
                            "{{service_code}}: {{service_message}})."},
    [MDR_CLOUD_ERR_BAD_RESPONSE] = {"cloud.error.bad_response",
                                    "The MDR service sent an answer that could not be read "
                                    "({{detail}}). Try again later; if it persists, contact "
                                    "support."},
    [MDR_CLOUD_ERR_SIGN_IN_REQUIRED] = {"cloud.error.sign_in_required",
                                        "The session with the MDR service has ended. Sign in "
                                        "again."},
    [MDR_CLOUD_ERR_STORE] = {"cloud.error.store",
                             "The session could not be saved ({{detail}}). Nothing was "
                             "changed; try again."},
    [MDR_CLOUD_ERR_ABORTED] = {"cloud.error.aborted", "The transfer was stopped ({{detail}})."},
    [MDR_CLOUD_ERR_INTERNAL] = {"cloud.error.internal",
                                "An unexpected error occurred ({{detail}})."},
};

const char *mdr_cloud_status_key(mdr_cloud_status status)
{
    if ((unsigned)status >= sizeof(status_table) / sizeof(status_table[0]))
        return "cloud.error.internal";
    return status_table[status].key;
}

const char *mdr_cloud_status_text(mdr_cloud_status status)
{
    if ((unsigned)status >= sizeof(status_table) / sizeof(status_table[0]))
        return status_table[MDR_CLOUD_ERR_INTERNAL].text;
    return status_table[status].text;
}

static void append(char *out, size_t out_size, size_t *len, const char *text, size_t n)
{
    if (*len + 1 >= out_size)
        return;
    size_t room = out_size - 1 - *len;
    if (n > room)
        n = room;
    memcpy(out + *len, text, n);
    *len += n;
    out[*len] = '\0';
}

char *mdr_cloud_error_fill(const char *template_text, const mdr_cloud_error *err, char *out,
                           size_t out_size)
{
    if (!out || out_size == 0)
        return out;
    out[0] = '\0';
    size_t len = 0;
    char status_text[24];
    snprintf(status_text, sizeof(status_text), "%ld", err->http_status);
    const struct {
        const char *name;
        const char *value;
    } vars[] = {
        {"{{setting}}", err->setting[0] ? err->setting : "the proxy settings"},
        {"{{http_status}}", status_text},
        {"{{service_code}}", err->service_code[0] ? err->service_code : "no code"},
        {"{{service_message}}", err->service_message[0] ? err->service_message : "no message"},
        {"{{detail}}", err->detail[0] ? err->detail : "no detail"},
    };
    const char *p = template_text;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            append(out, out_size, &len, p, strlen(p));
            break;
        }
        append(out, out_size, &len, p, (size_t)(open - p));
        size_t i;
        for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
            size_t n = strlen(vars[i].name);
            if (strncmp(open, vars[i].name, n) == 0) {
                append(out, out_size, &len, vars[i].value, strlen(vars[i].value));
                p = open + n;
                break;
            }
        }
        if (i == sizeof(vars) / sizeof(vars[0])) {
            append(out, out_size, &len, "{{", 2);
            p = open + 2;
        }
    }
    return out;
}

char *mdr_cloud_error_format(const mdr_cloud_error *err, char *out, size_t out_size)
{
    return mdr_cloud_error_fill(mdr_cloud_status_text(err->status), err, out, out_size);
}
