"""The web console's HTTP rules (ksc-host serve), with requests against a real server, module
and sandbox: TLS, security headers, sign-in with PBKDF2 passwords, the slow-down and lockout
on the host clock, sessions (cookie flags, idle timeout by `clock advance`, sign-out), CSRF,
body limits, static files without traversal, and actions run as the session's user with the
same rights checks, error objects and files as `ksc-host call`."""
import json
import socket
import ssl

from web_harness import DEMO_PASSWORD, Suite, WebConsole, World, expect

suite = Suite("web_http")
world = World()
web = WebConsole(world)
web.set_password("admin")
world.add_user("olga", preset="mdr.security_officer", lang="ru")
web.set_password("olga")
world.add_user("mallory")
web.set_password("mallory")
world.activate()


@suite.case("web_http__tls_only_and_verified")
def _():
    r = web.session().get(web.url, timeout=60)
    expect(r.status_code == 200 and "<html" in r.text.lower(), r.status_code)
    port = int(web.url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # plain HTTP gets nothing useful
        data = sock.recv(100)
        expect(b"200 OK" not in data, data)
    ctx = ssl.create_default_context()  # the system's CAs do not know the test CA
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            ctx.wrap_socket(sock, server_hostname="127.0.0.1")
        raise AssertionError("an unknown CA was accepted")
    except ssl.SSLCertVerificationError:
        pass


@suite.case("web_http__security_headers")
def _():
    s = web.session()
    page = s.get(web.url, timeout=60)
    csp = page.headers["Content-Security-Policy"]
    expect("script-src 'self'" in csp and "unsafe-inline" not in csp, csp)
    expect("frame-ancestors 'none'" in csp, csp)
    expect(page.headers["X-Content-Type-Options"] == "nosniff", page.headers)
    api = s.get(web.url + "api/session", timeout=60)
    expect(api.status_code == 401, api.status_code)
    expect(api.headers["Cache-Control"] == "no-store", api.headers)
    expect(api.json()["error"]["code"] == "not_signed_in", api.text)


@suite.case("web_http__static_files_no_traversal")
def _():
    s = web.session()
    for path in ["..%2f..%2fetc%2fpasswd", "../../etc/passwd", ".hidden", "js/../../x.js",
                 "nothing.html", "%2e%2e/README.md", "js//x.js", "x.sh", "index.html%00.js"]:
        r = s.get(web.url + path, timeout=60)
        expect(r.status_code == 404, path, r.status_code)
    expect(s.get(web.url + "index.html", timeout=60).status_code == 200)
    expect(s.post(web.url + "index.html", data="x", timeout=60).status_code == 405)


@suite.case("web_http__user_passwd_rules")
def _():
    import subprocess
    from web_harness import ARGS

    def passwd(user, text):
        return subprocess.run([ARGS.host, "--config", world.conf, "user", "passwd", user],
                              input=text, capture_output=True, text=True, timeout=120,
                              env=world.env)
    r = passwd("admin", "short\n")
    expect(r.returncode == 4 and "8 to 1024" in r.stderr, r.returncode, r.stderr)
    r = passwd("nobody", "long-enough-pass\n")
    expect(r.returncode == 4 and "unknown user" in r.stderr, r.returncode, r.stderr)
    r = passwd("admin", "")
    expect(r.returncode == 4, r.returncode, r.stderr)
    # a changed password ends the user's sessions
    s = web.session()
    web.sign_in(s, "mallory")
    web.set_password("mallory", "another-password")
    expect(s.get(web.url + "api/session", timeout=60).status_code == 401)
    expect(web.sign_in(web.session(), "mallory", "another-password").status_code == 200)
    web.set_password("mallory")


@suite.case("web_http__sign_in_cookie_flags")
def _():
    s = web.session()
    r = web.sign_in(s, "admin")
    expect(r.status_code == 200, r.text)
    cookie = r.headers["Set-Cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        expect(flag in cookie, cookie)
    body = r.json()
    expect(body["user"] == "admin" and body["server"] == "main", body)
    expect(body["actions"]["mdr.tenants.create"]["allowed"] is True, body)
    sid = s.cookies.get("ksc_session")
    expect(sid and len(sid) == 64, sid)
    # The store keeps the hash of the id only, and never the password.
    store = open(world.dir + "/data/host.db", "rb").read()
    expect(sid.encode() not in store and DEMO_PASSWORD.encode() not in store)


@suite.case("web_http__wrong_password_localized")
def _():
    s = web.session()
    r = s.post(web.url + "api/sign-in", json={"user": "admin", "password": "nope-nope"},
               headers={"Accept-Language": "de-DE,de;q=0.9"}, timeout=120)
    expect(r.status_code == 401 and r.json()["error"]["code"] == "wrong_credentials", r.text)
    expect("Passwort" in r.json()["error"]["message"], r.text)
    r = s.post(web.url + "api/sign-in", json={"user": "nobody", "password": "nope-nope"},
               timeout=120)
    expect(r.status_code == 401 and r.json()["error"]["code"] == "wrong_credentials", r.text)
    for body in [{"user": "admin"}, {"password": "x"}, {"user": "a b", "password": "x"}, []]:
        r = s.post(web.url + "api/sign-in", json=body, timeout=60)
        expect(r.status_code == 400 and r.json()["error"]["code"] == "invalid_field", body, r.text)
    web.sign_in(s, "admin")  # a success resets admin's count for the cases below


@suite.case("web_http__slow_down_then_lockout")
def _():
    s = web.session()

    def attempt(password="wrong-password"):
        return web.sign_in(s, "mallory", password)

    for _ in range(3):
        expect(attempt().status_code == 401)
    r = attempt(DEMO_PASSWORD)  # even the right password waits now
    expect(r.status_code == 429 and r.json()["error"]["code"] == "sign_in_throttled", r.text)
    expect(int(r.headers["Retry-After"]) > 0, r.headers)
    world.host_ok("clock", "advance", "31000")
    expect(attempt().status_code == 401)  # the 4th failure: the wait doubles
    expect(attempt().json()["error"]["code"] == "sign_in_throttled")
    world.host_ok("clock", "advance", "61000")
    r = attempt()  # the 5th failure locks
    expect(r.status_code == 429 and r.json()["error"]["code"] == "account_locked", r.text)
    r = attempt(DEMO_PASSWORD)
    expect(r.json()["error"]["code"] == "account_locked", r.text)
    world.host_ok("clock", "advance", str(15 * 60 * 1000 + 1000))
    expect(attempt(DEMO_PASSWORD).status_code == 200)


@suite.case("web_http__csrf_content_type_origin")
def _():
    s = web.session()
    web.sign_in(s, "admin")
    r = web.action(s, "mdr.plugin.info", csrf=False)
    expect(r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed", r.text)
    r = s.post(web.url + "api/actions/mdr.plugin.info", json={},
               headers={"X-CSRF-Token": "0" * 64}, timeout=60)
    expect(r.json()["error"]["code"] == "csrf_failed", r.text)
    r = s.post(web.url + "api/actions/mdr.plugin.info", data="{}",
               headers={"X-CSRF-Token": s.csrf, "Content-Type": "text/plain"}, timeout=60)
    expect(r.status_code == 415 and r.json()["error"]["code"] == "bad_content_type", r.text)
    r = web.action(s, "mdr.plugin.info", headers={"Origin": "https://evil.example"})
    expect(r.status_code == 403 and r.json()["error"]["code"] == "bad_origin", r.text)
    expect(web.action(s, "mdr.plugin.info").status_code == 200)
    r = web.post(s, "api/sign-out", csrf=False)
    expect(r.json()["error"]["code"] == "csrf_failed", r.text)


@suite.case("web_http__body_limits_and_json")
def _():
    s = web.session()
    web.sign_in(s, "admin")
    big = "{\"x\": \"" + "a" * (1024 * 1024 + 10) + "\"}"
    r = s.post(web.url + "api/actions/mdr.plugin.info", data=big,
               headers={"X-CSRF-Token": s.csrf, "Content-Type": "application/json"}, timeout=120)
    expect(r.status_code == 413 and r.json()["error"]["code"] == "request_too_large", r.text)
    r = s.post(web.url + "api/actions/mdr.plugin.info", data="{\"a\": ",
               headers={"X-CSRF-Token": s.csrf, "Content-Type": "application/json"}, timeout=60)
    expect(r.status_code == 400 and r.json()["error"]["code"] == "invalid_json", r.text)
    r = web.action(s, "mdr.nothing.here")
    expect(r.status_code == 404 and r.json()["error"]["code"] == "unknown_action", r.text)
    r = web.post(s, "api/nothing")
    expect(r.status_code == 404, r.text)


@suite.case("web_http__actions_as_the_session_user_like_call")
def _():
    s = web.session()
    expect(web.sign_in(s, "olga").status_code == 200)
    info = s.get(web.url + "api/session", timeout=60).json()
    expect(info["lang"] == "ru" and info["actions"]["mdr.tenants.create"]["allowed"] is False)
    expect(info["actions"]["mdr.usage.get"]["allowed"] is True)
    r = web.action(s, "mdr.tenants.create", {"name": "Forbidden"})
    cli = world.call("mdr.tenants.create", {"name": "Forbidden"}, user="olga")
    expect(r.status_code == 403 and r.json() == cli.json, r.text, cli)
    r = web.action(s, "mdr.usage.get")
    cli = world.call("mdr.usage.get", user="olga")
    expect(r.status_code == 200 and r.json() == cli.json, r.text, cli)
    # the module's validation error: same object, in the session's language
    r = web.action(s, "mdr.health.assets", {"limit": "many"})
    cli = world.call("mdr.health.assets", {"limit": "many"}, user="olga")
    expect(r.status_code == 400 and r.json() == cli.json, r.text, cli)
    audit = world.host_ok("audit", "--action", "mdr.tenants.create", "--user", "olga").json
    expect(audit and audit[0]["result"] == "denied", audit)


@suite.case("web_http__file_download_name_and_type")
def _():
    s = web.session()
    web.sign_in(s, "admin")
    r = web.action(s, "mdr.licenses.export_by_tenant")
    expect(r.status_code == 200, r.text[:300])
    expect(r.headers["Content-Type"].startswith("text/csv"), r.headers)
    disp = r.headers["Content-Disposition"]
    expect(disp.startswith("attachment; filename=\"") and disp.endswith(".csv\""), disp)
    out = world.tmp + "/cli.csv"
    world.call("mdr.licenses.export_by_tenant", {}, output=out).ok()
    expect(open(out, "rb").read() == r.content, "the download differs from call --output")


@suite.case("web_http__server_switch_and_language")
def _():
    world.host_ok("server", "add-virtual", "branch")
    s = web.session()
    web.sign_in(s, "admin")
    names = [x["name"] for x in s.get(web.url + "api/session", timeout=60).json()["servers"]]
    expect(names == ["main", "branch"] or set(names) == {"main", "branch"}, names)
    r = web.post(s, "api/session", {"server": "branch", "lang": "fr"})
    expect(r.status_code == 200 and r.json()["server"] == "branch" and r.json()["lang"] == "fr")
    r = web.post(s, "api/session", {"server": "nowhere"})
    expect(r.status_code == 404 and r.json()["error"]["code"] == "unknown_server", r.text)
    r = web.post(s, "api/session", {"lang": "xx"})
    expect(r.json()["error"]["code"] == "unsupported_language", r.text)
    r = web.action(s, "mdr.nothing.here")
    expect("inconnue" in r.json()["error"]["message"], r.text)


@suite.case("web_http__session_idle_timeout_by_clock_and_sign_out")
def _():
    s = web.session()
    web.sign_in(s, "admin")
    expect(web.action(s, "mdr.plugin.info").status_code == 200)
    world.host_ok("clock", "advance", str(31 * 60 * 1000))
    r = web.action(s, "mdr.plugin.info")
    expect(r.status_code == 401 and r.json()["error"]["code"] == "not_signed_in", r.text)
    s2 = web.session()
    web.sign_in(s2, "admin")
    expect(web.post(s2, "api/sign-out").status_code == 200)
    expect(s2.get(web.url + "api/session", timeout=60).status_code == 401)


@suite.case("web_http__notification_polls_do_not_keep_a_session_alive")
def _():
    s = web.session()
    web.sign_in(s, "admin")
    world.host_ok("clock", "advance", str(20 * 60 * 1000))
    expect(web.post(s, "api/notifications").status_code == 200)  # the page's own poll
    world.host_ok("clock", "advance", str(11 * 60 * 1000))
    r = web.action(s, "mdr.plugin.info")
    expect(r.status_code == 401 and r.json()["error"]["code"] == "not_signed_in", r.text)


@suite.case("web_http__notifications_after_sign_in")
def _():
    s = web.session()
    world.host_ok("user", "add", "nina")
    web.set_password("nina")
    # a notification waiting for nina (the host's own table, as a module's notify leaves it)
    import sqlite3
    db = sqlite3.connect(world.dir + "/data/host.db")
    db.execute("INSERT INTO notifications(user, severity, title, text, created_ms) "
               "VALUES('nina', 1, 'Hello', 'Unread', 0)")
    db.commit()
    db.close()
    web.sign_in(s, "nina")
    first = web.post(s, "api/notifications").json()
    expect([n["title"] for n in first] == ["Hello"], first)
    expect(web.post(s, "api/notifications").json() == [], "marked read")


@suite.case("web_http__malformed_inputs_get_clean_errors")
def _():
    def is_error(r, codes):
        expect(r.status_code in codes, r.status_code, r.text[:200])
        expect(r.headers["Content-Type"] == "application/json", r.headers)
        expect("code" in r.json()["error"], r.text[:200])

    for cookie in ["", "x", "0" * 63, "g" * 64, "A" * 64, "0" * 65, "0" * 4000, "%00" * 10]:
        s = web.session()
        s.cookies.set("ksc_session", cookie)
        is_error(s.get(web.url + "api/session", timeout=60), (401,))
    s = web.session()
    for body in ["", "null", "42", "[]", "{\"user\": 1, \"password\": 2}",
                 "{\"user\": \"" + "a" * 65 + "\", \"password\": \"xxxxxxxx\"}",
                 "{\"user\": \"admin\", \"password\": \"" + "p" * 2000 + "\"}",
                 "{\"user\": \"adm\u0000in\", \"password\": \"x\"}", "{\"user\": ", "\u0000"]:
        r = s.post(web.url + "api/sign-in", data=body.encode(),
                   headers={"Content-Type": "application/json"}, timeout=60)
        is_error(r, (400, 401))
    web.sign_in(s, "admin")
    for change in [{"server": 1}, {"lang": None}, {"server": ""}, {"server": "x" * 300}, []]:
        is_error(web.post(s, "api/session", change), (400, 404))
    r = s.post(web.url + "api/actions/mdr.plugin.info", data=b"{\"a\": \"\x00\"}",
               headers={"X-CSRF-Token": s.csrf, "Content-Type": "application/json"}, timeout=60)
    is_error(r, (400,))
    for name in ["", "%2e%2e%2fsign-in", "mdr.plugin.info%00x", "a" * 3000]:
        is_error(web.action(s, name), (400, 404, 414))
    for csrf in ["", "x" * 64, "0" * 10000]:
        r = s.post(web.url + "api/actions/mdr.plugin.info", json={},
                   headers={"X-CSRF-Token": csrf}, timeout=60)
        is_error(r, (403, 431))
    expect(web.proc.poll() is None, "the server died")
    expect(web.action(s, "mdr.plugin.info").status_code == 200)


@suite.case("web_http__concurrent_actions")
def _():
    from concurrent.futures import ThreadPoolExecutor
    s = web.session()
    web.sign_in(s, "admin")

    def one(_):
        return web.action(s, "mdr.usage.get").status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(32)))
    expect(codes == [200] * 32, codes)


suite.finish(world)
