/* call_errors.c — the host's own refusals of a call, localized like a module's errors. */
#include "call_errors.h"
#include "args.h"

#include <ksc_utf8.h>

#include <stdio.h>
#include <string.h>

enum { LANG_EN, LANG_RU, LANG_DE, LANG_ES, LANG_FR, LANG_IT, LANG_COUNT };
static const char *const LANGS[LANG_COUNT] = {"en", "ru", "de", "es", "fr", "it"};

typedef struct call_error_text {
    const char *code;
    const char *text[LANG_COUNT];
} call_error_text;

static const call_error_text TEXTS[] = {
    {"unknown_user",
     {"Unknown user {user}.", "Неизвестный пользователь {user}.", "Unbekannter Benutzer {user}.",
      "Usuario desconocido: {user}.", "Utilisateur inconnu : {user}.",
      "Utente sconosciuto: {user}."}},
    {"unknown_server",
     {"Unknown Administration Server {server}.", "Неизвестный Сервер администрирования {server}.",
      "Unbekannter Administrationsserver {server}.",
      "Servidor de administración desconocido: {server}.",
      "Serveur d'administration inconnu : {server}.",
      "Server di amministrazione sconosciuto: {server}."}},
    {"unsupported_language",
     {"Unsupported language {lang}: use en, ru, de, es, fr or it.",
      "Неподдерживаемый язык {lang}: используйте en, ru, de, es, fr или it.",
      "Nicht unterstützte Sprache {lang}: verwenden Sie en, ru, de, es, fr oder it.",
      "Idioma no admitido {lang}: use en, ru, de, es, fr o it.",
      "Langue non prise en charge {lang} : utilisez en, ru, de, es, fr ou it.",
      "Lingua non supportata {lang}: usare en, ru, de, es, fr o it."}},
    {"unknown_action",
     {"Unknown action {action} (see ksc-host plugins).",
      "Неизвестное действие {action} (см. ksc-host plugins).",
      "Unbekannte Aktion {action} (siehe ksc-host plugins).",
      "Acción desconocida: {action} (consulte ksc-host plugins).",
      "Action inconnue : {action} (voir ksc-host plugins).",
      "Azione sconosciuta: {action} (vedere ksc-host plugins)."}},
    {"invalid_json",
     {"The request is not well-formed JSON (at byte {offset}).",
      "Запрос не является корректным JSON (байт {offset}).",
      "Die Anfrage ist kein wohlgeformtes JSON (bei Byte {offset}).",
      "La solicitud no es JSON bien formado (en el byte {offset}).",
      "La requête n'est pas un JSON bien formé (à l'octet {offset}).",
      "La richiesta non è JSON ben formato (al byte {offset})."}},
    {"request_unreadable",
     {"The request file {file} cannot be read.", "Не удается прочитать файл запроса {file}.",
      "Die Anfragedatei {file} kann nicht gelesen werden.",
      "No se puede leer el archivo de solicitud {file}.",
      "Le fichier de requête {file} ne peut pas être lu.",
      "Impossibile leggere il file della richiesta {file}."}},
    {"request_too_large",
     {"The request is larger than {max} bytes.", "Запрос больше {max} байт.",
      "Die Anfrage ist größer als {max} Byte.", "La solicitud supera los {max} bytes.",
      "La requête dépasse {max} octets.", "La richiesta supera {max} byte."}},
    {"request_nul",
     {"The request contains a NUL byte.", "Запрос содержит нулевой байт (NUL).",
      "Die Anfrage enthält ein NUL-Byte.", "La solicitud contiene un byte NUL.",
      "La requête contient un octet NUL.", "La richiesta contiene un byte NUL."}},
    {"output_required",
     {"The action {action} produces a file: give --output FILE.",
      "Действие {action} создает файл: укажите --output ФАЙЛ.",
      "Die Aktion {action} erzeugt eine Datei: geben Sie --output DATEI an.",
      "La acción {action} produce un archivo: indique --output ARCHIVO.",
      "L'action {action} produit un fichier : indiquez --output FICHIER.",
      "L'azione {action} produce un file: indicare --output FILE."}},
    {"output_not_allowed",
     {"The action {action} does not produce a file: drop --output.",
      "Действие {action} не создает файл: уберите --output.",
      "Die Aktion {action} erzeugt keine Datei: lassen Sie --output weg.",
      "La acción {action} no produce ningún archivo: quite --output.",
      "L'action {action} ne produit pas de fichier : retirez --output.",
      "L'azione {action} non produce file: togliere --output."}},
    {"output_failed",
     {"The file {file} cannot be written: {reason}.", "Не удается записать файл {file}: {reason}.",
      "Die Datei {file} kann nicht geschrieben werden: {reason}.",
      "No se puede escribir el archivo {file}: {reason}.",
      "Le fichier {file} ne peut pas être écrit : {reason}.",
      "Impossibile scrivere il file {file}: {reason}."}},
    {"module_failed",
     {"The module {module} could not start; see the console's log.",
      "Не удалось запустить модуль {module}; см. журнал консоли.",
      "Das Modul {module} konnte nicht starten; siehe das Protokoll der Konsole.",
      "El módulo {module} no pudo iniciarse; consulte el registro de la consola.",
      "Le module {module} n'a pas pu démarrer ; consultez le journal de la console.",
      "Impossibile avviare il modulo {module}; vedere il registro della console."}},
    {"audit_denied",
     {"Access denied: only the main administrator may read the audit trail ({user} is not one).",
      "Доступ запрещен: журнал аудита может читать только главный администратор ({user} им не "
      "является).",
      "Zugriff verweigert: Nur der Hauptadministrator darf das Prüfprotokoll lesen ({user} ist "
      "keiner).",
      "Acceso denegado: solo el administrador principal puede leer el registro de auditoría "
      "({user} no lo es).",
      "Accès refusé : seul l'administrateur principal peut lire le journal d'audit ({user} ne "
      "l'est pas).",
      "Accesso negato: solo l'amministratore principale può leggere il registro di controllo "
      "({user} non lo è)."}},
};

json_object *call_error_detail(const char *key, const char *value)
{
    char shown[512];
    json_object *d = json_object_new_object();
    json_object_object_add(
        d, key, json_object_new_string(ksc_utf8_printable(shown, sizeof shown, value, 200)));
    return d;
}

/* Copies `text` into out, replacing each {name} by the scalar member `name` of details. */
static void fill(char *out, size_t size, const char *text, json_object *details)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = text; *p && used + 1 < size;) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        json_object *v = NULL;
        if (end && end - p < 64) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
            if (json_object_object_get_ex(details, name, &v) &&
                (json_object_is_type(v, json_type_string) ||
                 json_object_is_type(v, json_type_int))) {
                int n = snprintf(out + used, size - used, "%s", json_object_get_string(v));
                used += n > 0 ? (size_t)n : 0;
                if (used >= size)
                    used = size - 1;
                p = end + 1;
                continue;
            }
        }
        out[used++] = *p++;
        out[used] = '\0';
    }
}

static json_object *build_text(const char *code, const char *text, json_object *details,
                               const char **message_out);

/* Builds {"error": {code, message, details}}; *message_out points into it. */
static json_object *build(const char *lang, const char *code, json_object *details,
                          const char **message_out)
{
    size_t l = LANG_EN;
    for (size_t i = 0; lang && i < LANG_COUNT; i++)
        if (strcmp(lang, LANGS[i]) == 0)
            l = i;
    const char *text = code;
    for (size_t i = 0; i < sizeof TEXTS / sizeof TEXTS[0]; i++)
        if (strcmp(TEXTS[i].code, code) == 0)
            text = TEXTS[i].text[l];
    return build_text(code, text, details, message_out);
}

static json_object *build_text(const char *code, const char *text, json_object *details,
                               const char **message_out)
{
    if (!details)
        details = json_object_new_object();
    char message[1024];
    fill(message, sizeof message, text, details);
    json_object *error = json_object_new_object();
    json_object *msg = json_object_new_string(message);
    json_object_object_add(error, "code", json_object_new_string(code));
    json_object_object_add(error, "message", msg);
    json_object_object_add(error, "details", details);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "error", error);
    *message_out = json_object_get_string(msg);
    return root;
}

int call_error(const char *lang, int exit_code, const char *code, json_object *details)
{
    const char *message;
    json_object *root = build(lang, code, details, &message);
    fprintf(stderr, "ksc-host: %s\n", message);
    args_print_json(root);
    return exit_code;
}

int call_error_stdout_only(const char *lang, int exit_code, const char *code, json_object *details)
{
    const char *message;
    args_print_json(build(lang, code, details, &message));
    return exit_code;
}

json_object *call_error_object(const char *lang, const char *code, json_object *details)
{
    const char *message;
    return build(lang, code, details, &message);
}

json_object *call_error_object_text(const char *code, const char *text, json_object *details)
{
    const char *message;
    return build_text(code, text, details, &message);
}
