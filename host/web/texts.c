/* texts.c — messages of the web console's own errors (texts.h). */
#include "web/texts.h"
#include "call_errors.h"

#include <string.h>

static const char *const LANGS[] = {"en", "ru", "de", "es", "fr", "it"};

static const struct {
    const char *code;
    const char *text[6];
} TEXTS[] = {
    {"wrong_credentials",
     {"Wrong user name or password.", "Неверное имя пользователя или пароль.",
      "Falscher Benutzername oder falsches Passwort.", "Usuario o contraseña incorrectos.",
      "Nom d'utilisateur ou mot de passe incorrect.", "Nome utente o password errati."}},
    {"sign_in_throttled",
     {"Too many failed attempts: try again in {wait_s} s.",
      "Слишком много неудачных попыток: повторите через {wait_s} с.",
      "Zu viele Fehlversuche: erneut versuchen in {wait_s} s.",
      "Demasiados intentos fallidos: vuelva a intentarlo en {wait_s} s.",
      "Trop de tentatives échouées : réessayez dans {wait_s} s.",
      "Troppi tentativi falliti: riprovare tra {wait_s} s."}},
    {"account_locked",
     {"Sign-in is locked after repeated wrong passwords: try again in {wait_s} s.",
      "Вход заблокирован после нескольких неверных паролей: повторите через {wait_s} с.",
      "Die Anmeldung ist nach wiederholt falschen Passwörtern gesperrt: erneut in {wait_s} s.",
      "El inicio de sesión está bloqueado tras varias contraseñas incorrectas: vuelva en "
      "{wait_s} s.",
      "La connexion est verrouillée après plusieurs mots de passe erronés : réessayez dans "
      "{wait_s} s.",
      "L'accesso è bloccato dopo ripetute password errate: riprovare tra {wait_s} s."}},
    {"not_signed_in",
     {"Your session has ended: sign in again.", "Сеанс завершен: войдите снова.",
      "Ihre Sitzung ist abgelaufen: melden Sie sich erneut an.",
      "Su sesión ha terminado: inicie sesión de nuevo.",
      "Votre session est terminée : reconnectez-vous.",
      "La sessione è terminata: accedere di nuovo."}},
    {"csrf_failed",
     {"The request lacks this page's security token: reload the page.",
      "В запросе нет маркера безопасности страницы: обновите страницу.",
      "Der Anfrage fehlt das Sicherheitstoken der Seite: laden Sie die Seite neu.",
      "A la solicitud le falta el token de seguridad de la página: recargue la página.",
      "Il manque à la requête le jeton de sécurité de la page : rechargez la page.",
      "Alla richiesta manca il token di sicurezza della pagina: ricaricare la pagina."}},
    {"bad_content_type",
     {"The request body must be JSON (Content-Type: application/json).",
      "Тело запроса должно быть JSON (Content-Type: application/json).",
      "Der Anfragetext muss JSON sein (Content-Type: application/json).",
      "El cuerpo de la solicitud debe ser JSON (Content-Type: application/json).",
      "Le corps de la requête doit être du JSON (Content-Type: application/json).",
      "Il corpo della richiesta deve essere JSON (Content-Type: application/json)."}},
    {"bad_origin",
     {"The request comes from another site.", "Запрос пришел с другого сайта.",
      "Die Anfrage kommt von einer anderen Website.", "La solicitud procede de otro sitio.",
      "La requête provient d'un autre site.", "La richiesta proviene da un altro sito."}},
    {"not_found",
     {"Not found.", "Не найдено.", "Nicht gefunden.", "No encontrado.", "Introuvable.",
      "Non trovato."}},
    {"method_not_allowed",
     {"This method is not allowed here.", "Этот метод здесь недопустим.",
      "Diese Methode ist hier nicht erlaubt.", "Este método no está permitido aquí.",
      "Cette méthode n'est pas autorisée ici.", "Questo metodo non è consentito qui."}},
    {"server_error",
     {"The console could not complete the request; see its log.",
      "Консоли не удалось выполнить запрос; см. ее журнал.",
      "Die Konsole konnte die Anfrage nicht ausführen; siehe ihr Protokoll.",
      "La consola no pudo completar la solicitud; consulte su registro.",
      "La console n'a pas pu traiter la requête ; consultez son journal.",
      "La console non ha potuto completare la richiesta; vedere il suo registro."}},
    {"invalid_field",
     {"The field {field} is missing or invalid.", "Поле {field} отсутствует или неверно.",
      "Das Feld {field} fehlt oder ist ungültig.", "El campo {field} falta o no es válido.",
      "Le champ {field} est absent ou invalide.", "Il campo {field} manca o non è valido."}},
};

json_object *web_error(const char *lang, const char *code, json_object *details)
{
    size_t l = 0;
    for (size_t i = 0; lang && i < sizeof LANGS / sizeof LANGS[0]; i++)
        if (strcmp(lang, LANGS[i]) == 0)
            l = i;
    for (size_t i = 0; i < sizeof TEXTS / sizeof TEXTS[0]; i++)
        if (strcmp(TEXTS[i].code, code) == 0)
            return call_error_object_text(code, TEXTS[i].text[l], details);
    return call_error_object(lang, code, details);
}
