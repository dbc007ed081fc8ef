/* env.c — the .env parser (read on every call, so an edit applies without a restart). */
#include "env.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int env_valid_key(const char *key)
{
    if (!key || !(isalpha((unsigned char)key[0]) || key[0] == '_'))
        return 0;
    for (const char *p = key; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return strlen(key) <= 256;
}

/* Splits one line. Returns 1 with key/value set (value written into line's storage), 0 for
 * a blank or comment line, -1 when malformed. */
static int parse_line(char *line, char **key_out, char **value_out)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '#')
        return 0;
    if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
        p += 6;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    char *eq = strchr(p, '=');
    if (!eq)
        return -1;
    char *kend = eq;
    while (kend > p && (kend[-1] == ' ' || kend[-1] == '\t'))
        kend--;
    *kend = '\0';
    if (!env_valid_key(p))
        return -1;
    *key_out = p;
    char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (*v == '\'' || *v == '"') {
        char quote = *v++;
        char *out = v, *in = v;
        for (;; in++) {
            if (*in == '\0')
                return -1; /* unterminated */
            if (*in == quote)
                break;
            if (quote == '"' && *in == '\\' && in[1] != '\0') {
                in++;
                *out++ = *in == 'n' ? '\n' : *in;
                continue;
            }
            *out++ = *in;
        }
        char *rest = in + 1;
        while (*rest == ' ' || *rest == '\t')
            rest++;
        if (*rest != '\0' && *rest != '#')
            return -1; /* text after the closing quote */
        *out = '\0';
    } else {
        /* Unquoted: up to an inline " #" comment, trailing blanks trimmed. */
        char *hash = v;
        while ((hash = strchr(hash, '#')) != NULL) {
            if (hash > v && (hash[-1] == ' ' || hash[-1] == '\t')) {
                *hash = '\0';
                break;
            }
            hash++;
        }
        size_t vl = strlen(v);
        while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = '\0';
        if (strchr(v, '"') || strchr(v, '\''))
            return -1; /* stray quote */
    }
    *value_out = v;
    return 1;
}

char *env_get_value(host_ctx *ctx, const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *line = NULL, *found = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *k, *v;
        /* A NUL would cut the value short without a word: the line is malformed. */
        int rc = memchr(line, '\0', (size_t)got) ? -1 : parse_line(line, &k, &v);
        if (rc < 0) {
            host_log(ctx, "", KSC_LOG_WARNING, "%s:%u: malformed line ignored", path, lineno);
            continue;
        }
        if (rc == 1 && strcmp(k, key) == 0) {
            free(found); /* the last definition wins, as in a shell */
            found = strdup(v);
        }
    }
    free(line);
    fclose(f);
    return found;
}

static int defines_key(const char *line, const char *key)
{
    char *copy = strdup(line), *k, *v;
    int yes = copy && parse_line(copy, &k, &v) == 1 && strcmp(k, key) == 0;
    free(copy);
    return yes;
}

static void write_value(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s=\"", key);
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', out);
        fputc(*p, out);
    }
    fputs("\"\n", out);
}

int env_set_value(const char *path, const char *key, const char *value, char *err, size_t err_size)
{
    if (!env_valid_key(key)) {
        snprintf(err, err_size, "'%s' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)", key);
        return -1;
    }
    if (strchr(value, '\n') || strchr(value, '\r')) {
        snprintf(err, err_size, "the value may not contain a line break");
        return -1;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp) {
        snprintf(err, err_size, "path too long");
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, err_size, "cannot write next to %s: %s", path, strerror(errno));
        return -1;
    }
    FILE *out = fdopen(fd, "w");
    FILE *in = fopen(path, "r");
    int written = 0;
    if (in) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, in)) >= 0) {
            if (defines_key(line, key)) {
                if (!written)
                    write_value(out, key, value);
                written = 1;
                continue;
            }
            /* The line's bytes as read: fputs would stop at a NUL byte, dropping the rest
             * and its newline, and the next line would join this one. */
            fwrite(line, 1, (size_t)n, out);
            if (n > 0 && line[n - 1] != '\n')
                fputc('\n', out);
        }
        free(line);
        fclose(in);
    }
    if (!written)
        write_value(out, key, value);
    int bad = ferror(out);
    if (fflush(out) != 0 || fsync(fileno(out)) != 0)
        bad = 1;
    fclose(out);
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, err_size, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
