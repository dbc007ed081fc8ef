"""The API connections and Responses tabs in headless Chromium against ksc-host serve + the MDR
module + mdr-sandbox: an API connection created in the page, its client ID and refresh token
shown once (gone when the tab is reopened, nowhere in the page's storage) and proved real on the
sandbox's public API (session/confirm, assets/count); revoke, the module's refusal of a second
revoke, Generate, edit, delete with confirmation; a licence tier without the REST API (the
module's note, no create); a response the SOC made (sandbox admin
responses/create) opened with its parameters as the module names them, accepted with a comment
(its status changes), the isolation password check (match / no match, the field emptied), two
responses rejected at once with a result per response; a Security Officer without the
Responses tab and refused by the server. Screenshots of both tabs (docs/web-console.md)."""
import hashlib

from web_harness import DEMO_PASSWORD, Suite, WebConsole, World, expect

from browser import Browser

suite = Suite("web_api_tabs")
world = World()
sbx = world.sandbox
world.activate()
web = WebConsole(world)
web.set_password("admin")
world.add_user("olga", preset="mdr.security_officer")
web.set_password("olga")
admin = Browser(web, "admin")
PASSWORD = "Lift-Isolation-2026!"
SALT = "5a17c0ffee00112233445566778899aa"
DERIVED = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), bytes.fromhex(SALT), 10000, 32).hex()
state = {}


api = sbx.public_api  # the public API as a customer's integration calls it


def attr(css, name):
    """An attribute read in one step in the page (no stale element while a tab re-renders)."""
    return admin.driver.execute_script(
        "const e = document.querySelector(arguments[0]);"
        " return e ? (arguments[1] === 'text' ? e.textContent : e.getAttribute(arguments[1])) : null;",
        css, name)


def row(client_id):
    return '#connections-table tr[data-client="%s"]' % client_id


@suite.case("web_api_tabs__connection_token_shown_once_and_real")
def _():
    admin.open()
    admin.sign_in("admin", DEMO_PASSWORD)
    admin.tab("connections", "#connection-create")
    admin.type("#connection-name", "SIEM from the browser")
    admin.select("#connection-rights", "mdr.administrator")
    admin.click("#connection-create-submit")
    admin.find("#connection-secret-warning")
    cid = admin.find("#connection-client-id").get_attribute("value")
    token = admin.find("#connection-refresh-token").get_attribute("value")
    expect(len(cid) == 32 and token.count(".") == 2, cid, token)
    admin.click("#connection-refresh-token-copy")
    admin.wait(lambda d: (attr('[data-copy-status="connection-refresh-token"]', "text") or "").strip())
    admin.screenshot("30-api-connections-token-once")
    # reopened: the token is gone from the page, and was never in the page's storage
    admin.tab("ksn", "#ksn-status")
    admin.tab("connections", row(cid))
    expect(not admin.all("#connection-secret"), "the token box outlived the tab")
    page = admin.driver.execute_script(
        "return document.documentElement.outerHTML + JSON.stringify(localStorage)"
        " + JSON.stringify(sessionStorage)")
    expect(token not in page, "the refresh token is still in the page or its storage")
    # real: the help's token flow with it
    st, session = api(cid, "session/confirm", {"refresh_token": token})
    expect(st == 200 and session.get("access_token"), st, session)
    st, count = api(cid, "assets/count", {}, session["access_token"])
    expect(st == 200 and isinstance(count.get("count"), int), st, count)
    st, incs = api(cid, "incidents/list", {"page_size": 3}, session["access_token"])
    expect(st == 200 and len(incs) >= 2, st, incs)
    state["incidents"] = incs
    admin.tab("ksn", "#ksn-status")
    admin.tab("connections", row(cid))
    admin.wait(lambda d: attr(row(cid) + " td.status", "data-status") == "Active")
    admin.screenshot("31-api-connections-list")
    state["cid"] = cid


@suite.case("web_api_tabs__revoke_refusal_generate_delete")
def _():
    cid = state["cid"]
    admin.click(row(cid) + ' button[data-action="revoke"]')
    admin.wait(lambda d: attr(row(cid) + " td.status", "data-status")
               == "Pending activation")
    admin.click(row(cid) + ' button[data-action="revoke"]')  # Pending: the module refuses
    refusal = world.call("mdr.connections.revoke", {"client_id": cid}).fails("connection_not_active")
    admin.text_in("#connections-message .error", refusal["message"])
    admin.click(row(cid) + ' button[data-action="generate"]')
    fresh = admin.find("#connection-refresh-token").get_attribute("value")
    expect(fresh and fresh.count(".") == 2, fresh)
    admin.click("#connection-secret-close")
    admin.gone("#connection-secret")
    st, _ = api(cid, "session/confirm", {"refresh_token": fresh})
    expect(st == 200, "the regenerated token is refused", st)
    admin.click(row(cid) + ' button[data-action="edit"]')
    admin.type("#connection-edit-name", "SIEM renamed")
    admin.select("#connection-edit-rights", "mdr.security_officer")
    admin.click("#connection-save")
    admin.wait(lambda d: attr(row(cid), "data-name") == "SIEM renamed")
    edited = [c for c in world.call("mdr.connections.list").ok()["connections"] if c["client_id"] == cid]
    expect(edited[0]["name"] == "SIEM renamed" and edited[0]["rights"] == "mdr.security_officer", edited)
    admin.click(row(cid) + ' button[data-action="delete"]')
    admin.find("#connection-delete-warning")
    admin.click("#connection-delete-confirm")
    admin.wait(lambda d: not admin.all(row(cid)))
    expect(not [c for c in world.call("mdr.connections.list").ok()["connections"]
                if c["client_id"] == cid])


@suite.case("web_api_tabs__response_opened_accepted_with_comment")
def _():
    inc = state["incidents"][0]
    made = sbx.admin("responses/create", {"incident_id": inc["incident_id"],
                                          "type": "terminate_process",
                                          "parameters": {"name": "rundll32.exe", "pid": 0}})
    rid = made["response_id"]
    cli = world.call("mdr.responses.get", {"response_id": rid}).ok()
    admin.tab("responses", '#responses-table tr[data-response="%s"]' % rid)
    admin.screenshot("32-responses-list")
    admin.click('#responses-table tr[data-response="%s"] a' % rid)
    admin.find("#response-detail")
    labels = [r.find_element("css selector", "td").text.split("\n")[0]
              for r in admin.all("#response-parameters tbody tr")]
    expect(labels == [p["label"] for p in cli["parameters"]], labels, cli["parameters"])
    expect(cli["problems"], "pid 0 should be named a problem", cli)  # shown as the module names it
    admin.text_in("#response-problems", cli["problems"][0]["message"])
    number = str(cli["incident"]["incident_number"])
    expect(number in admin.find("#response-incident").text, number)
    admin.driver.execute_script("document.querySelector('#response-parameters, #response-asset')"
                                ".scrollIntoView()")
    admin.screenshot("33-response-detail")
    admin.type("#response-comment", "Accepted in the browser")
    admin.click("#response-accept")
    admin.wait(lambda d: attr("#response-status", "data-status") == "Confirmed")
    admin.find('#response-results li.ok[data-result="%s"]' % rid)
    after = world.call("mdr.responses.get", {"response_id": rid}).ok()
    expect(after["status"] == "Confirmed" and after["comment"] == "Accepted in the browser", after)


@suite.case("web_api_tabs__isolation_password_and_bulk_reject")
def _():
    incs = state["incidents"]
    iso = sbx.admin("responses/create", {"incident_id": incs[1]["incident_id"], "type": "isolate",
                                         "parameters": {"task_id": "T-web", "password_details": {
                                             "version": 1, "salt": SALT, "derived_key": DERIVED}}})
    other = sbx.admin("responses/create", {"incident_id": incs[0]["incident_id"],
                                           "type": "run_script", "parameters": {"script": "whoami"}})
    admin.click("#response-back")
    admin.find('#responses-table tr[data-response="%s"]' % iso["response_id"])
    admin.click('#responses-table tr[data-response="%s"] a' % iso["response_id"])
    admin.type("#isolation-password-input", "not the password")
    admin.click("#isolation-password-submit")
    admin.wait(lambda d: attr("#isolation-password-answer", "data-match") == "false")
    expect(admin.find("#isolation-password-input").get_attribute("value") == "")
    admin.type("#isolation-password-input", PASSWORD)
    admin.click("#isolation-password-submit")
    admin.wait(lambda d: attr("#isolation-password-answer", "data-match") == "true")
    expect(admin.find("#isolation-password-input").get_attribute("value") == "")
    admin.click("#response-back")
    for rid in (iso["response_id"], other["response_id"]):
        admin.click('#responses-table input[data-pick="%s"]' % rid)
    admin.type("#responses-comment", "Not on these hosts")
    admin.click("#responses-reject")
    for rid in (iso["response_id"], other["response_id"]):
        admin.find('#responses-results li.ok[data-result="%s"]' % rid)
        expect(world.call("mdr.responses.get", {"response_id": rid}).ok()["status"] == "Declined")
    total = world.call("mdr.responses.list", {"page_size": 1}).ok()["total"]
    if total > 100:  # the sandbox's world waits on more than one page
        admin.click("#responses-next")
        admin.wait(lambda d: attr("#responses-pager", "data-page") == "2")
        rows = admin.driver.execute_script(
            "return document.querySelectorAll('#responses-table tbody tr').length")
        expect(rows == min(100, total - 100), rows, total)


@suite.case("web_api_tabs__tier_without_rest_api_says_so")
def _():
    login = "optimum-web@example.test"
    acc = [a for a in sbx.admin("accounts", {"create": login})["accounts"] if a["login"] == login][0]
    code = sbx.admin("codes/create", {"tier": "optimum", "region": ""})["activation_code"]
    other = World(sandbox=sbx)
    try:
        other.call("mdr.account.sign_in", {"login": login, "password": acc["password"]}).ok()
        other.call("mdr.activation.activate", {"code": code, "region": "europe"}).ok()
        st = other.call("mdr.activation.status").ok()
        other.call("mdr.activation.accept_agreements",
                   {"agreements": [a["id"] for a in st["agreements"]]}).ok()
        other.call("mdr.activation.accept_ksn_statement", {"accepted": True}).ok()
        note = other.call("mdr.connections.list").ok()["note"]
        web2 = WebConsole(other)
        web2.set_password("admin")
        admin.driver.get(web2.url)  # the same browser, the other console's origin
        admin.sign_in("admin", DEMO_PASSWORD)
        admin.tab("connections", "#connections-no-rest-api")
        expect(admin.find("#connections-no-rest-api").text == note, note)
        expect(not admin.all("#connection-create"), "create offered without the REST API")
        admin.screenshot("34-api-connections-no-rest-api")
    finally:
        other.cleanup()


@suite.case("web_api_tabs__security_officer_sees_no_decisions")
def _():
    olga = Browser(web, "olga")
    olga.open()
    olga.sign_in("olga", DEMO_PASSWORD)
    olga.find("#tab-usage")
    expect(not olga.all("#tab-responses"), "Responses shown to a Security Officer")
    expect(not olga.all("#tab-connections"), "API connections shown to a Security Officer")
    r = olga.fetch("/api/actions/mdr.responses.accept", {"responses": ["MDR_x"]},
                   {"Content-Type": "application/json",
                    "X-CSRF-Token": olga.driver.execute_script("return KSC.api.csrf")})
    expect(r["status"] == 403 and r["body"]["error"]["code"] == "access_denied", r)
    olga.stop()


suite.finish(world)
