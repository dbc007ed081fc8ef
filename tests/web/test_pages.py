"""The web console in headless Chromium against ksc-host serve + the MDR module + mdr-sandbox:
sign-in (a wrong password, then right), the activation flow on MDR Usage, Tenants (a bad name's
localized error beside the field, a good tenant, edit, archive download, delete), the language
switch, a Security Officer who sees only what they may, a user without Incident access, a
CSRF-less POST refused, and a session expired by `clock advance`. Screenshots of every tab go
to tests/web/screenshots/ (docs/web-console.md)."""
from web_harness import DEMO_PASSWORD, Suite, WebConsole, World, expect

from browser import Browser

suite = Suite("web_pages")
world = World()
web = WebConsole(world)
web.set_password("admin")
world.add_user("olga", preset="mdr.security_officer", lang="ru")
web.set_password("olga")
world.add_user("ivan")  # no role: no Incident access
web.set_password("ivan")
world.host_ok("server", "add-virtual", "branch")
admin = Browser(web, "admin")


@suite.case("web_pages__wrong_password_then_sign_in")
def _():
    admin.open()
    admin.sign_in("admin", "not-the-password")
    admin.text_in("#sign-in-error", "Wrong user name or password")
    admin.screenshot("01-sign-in-wrong-password")
    admin.sign_in("admin", DEMO_PASSWORD)
    admin.find("#tab-usage")
    expect(admin.find("#who").text == "admin")
    names = [o.get_attribute("value") for o in admin.all("#server-switch option")]
    expect(names == ["main", "branch"], names)


@suite.case("web_pages__activation_flow_on_usage")
def _():
    admin.tab("usage", "#activation-state")
    login, password = world.account()
    admin.find("#step-sign_in")
    admin.screenshot("02-usage-sign-in-step")
    admin.type("#step-sign_in input[name=login]", login)
    admin.type("#step-sign_in input[name=password]", password)
    admin.click("#step-sign_in-submit")
    admin.find("#step-activation_code")
    admin.type("#step-activation_code input[name=code]", "ABC")  # refused locally, localized
    admin.click("#step-activation_code-submit")
    admin.text_in('[data-error-for="code"], #step-activation_code .form-error', "20")
    admin.type("#step-activation_code input[name=code]", world.sandbox.ready["activation_code"])
    admin.select("#step-activation_code select[name=region]", "europe")
    admin.click("#step-activation_code-submit")
    admin.find("#step-agreements")
    for box in admin.all("#step-agreements input[type=checkbox]"):
        box.click()
    admin.screenshot("03-usage-agreements-step")
    admin.click("#step-agreements-submit")
    admin.find("#step-ksn_statement")
    admin.click("#step-ksn_statement-submit")
    admin.wait(lambda d: admin.find("#activation-state").get_attribute("data-state") == "active")
    admin.find("#usage-details")
    exceeded = world.call("mdr.usage.get").ok()["license"]["limit_exceeded"]
    expect(bool(admin.all("#usage-limit-exceeded")) == exceeded,
           "the page and the module disagree on the exceeded limit", exceeded)
    admin.screenshot("04-usage-active")
    expect(world.call("mdr.activation.status").ok()["state"] == "active")


@suite.case("web_pages__tenants_bad_name_then_good_edit_archive_delete")
def _():
    admin.tab("tenants", "#tenant-create")
    admin.type("#tenant-name", "Ünïcödé tenant")
    admin.click("#tenant-create-submit")
    error = admin.find('#tenant-create [data-error-for="name"]')
    admin.wait(lambda d: error.text.strip() != "")
    cli = world.call("mdr.tenants.create", {"name": "Ünïcödé tenant"})
    expect(error.text == cli.error["message"], error.text, cli)
    admin.screenshot("05-tenants-bad-name")
    admin.type("#tenant-name", "Fabrikam")
    admin.type("#tenant-description", "Created in the browser")
    admin.click("#tenant-create-submit")
    admin.find('#tenants-table tr[data-tenant="Fabrikam"]')
    admin.screenshot("06-tenants-list")
    names = [t["name"] for t in world.call("mdr.tenants.list").ok()["tenants"]]
    expect("Fabrikam" in names, names)
    admin.click('#tenants-table tr[data-tenant="Fabrikam"] a')
    admin.find("#tenant-edit")
    admin.type("#tenant-description", "Edited in the browser")
    admin.click("#tenant-save")
    admin.find('#tenants-table tr[data-tenant="Fabrikam"]')
    tenant = [t for t in world.call("mdr.tenants.list").ok()["tenants"] if t["name"] == "Fabrikam"][0]
    expect(tenant["description"] == "Edited in the browser", tenant)
    admin.click('#tenants-table tr[data-tenant="Fabrikam"] a')
    admin.click("#tenant-archive-kea")
    name = admin.downloaded(".zip")
    expect(name.lower().endswith(".zip"), name)
    admin.screenshot("07-tenant-details")
    admin.click("#tenant-delete")
    # Deleting is always confirmed (the help), assets or not: the warning, then the button.
    admin.find("#tenant-delete-warning")
    admin.click("#tenant-delete-anyway")
    admin.find("#tenants-table")
    admin.wait(lambda d: not admin.all('#tenants-table tr[data-tenant="Fabrikam"]'))


@suite.case("web_pages__licenses_add_archive_csv_remove")
def _():
    admin.tab("licenses", "#licenses-table")
    cli = world.call("mdr.licenses.list").ok()
    rows = admin.all("#licenses-table tbody tr")
    expect(len(rows) == len(cli["licenses"]), len(rows), cli)
    admin.type("#license-code", "ABC")
    admin.click("#license-add-submit")
    err = admin.find('#license-add [data-error-for="code"]')
    admin.wait(lambda d: err.text.strip() != "")
    expect(err.text == world.call("mdr.licenses.add", {"code": "ABC"}).error["message"], err.text)
    code = world.sandbox.admin("codes/create", {"region": "europe"})["activation_code"]
    admin.type("#license-code", code)
    admin.click("#license-add-submit")
    admin.wait(lambda d: len(admin.all("#licenses-table tbody tr")) == len(cli["licenses"]) + 1)
    admin.screenshot("12-licenses")
    admin.click("#licenses-csv")
    expect(admin.downloaded(".csv").endswith(".csv"))
    first = admin.all("#licenses-table tbody tr")[0]
    first.find_element("css selector", "button").click()  # the archive (BLOB)
    expect(admin.downloaded(".zip").endswith(".zip"))
    added = [x for x in world.call("mdr.licenses.list").ok()["licenses"]
             if x["id"] not in {c["id"] for c in cli["licenses"]}][0]
    admin.click('[data-remove="%s"]' % added["id"])
    admin.find("#license-remove-warning")
    admin.click("#license-remove-confirm")
    admin.wait(lambda d: not admin.all('[data-remove="%s"]' % added["id"]))
    admin.click("#licenses-view-all")
    admin.find('#licenses-table tr[data-license="%s"]' % added["id"])  # Removed, still listed in All
    admin.click("#licenses-view-active")


@suite.case("web_pages__ksn_status_and_update")
def _():
    admin.tab("ksn", "#ksn-status")
    st = world.call("mdr.ksn.status").ok()
    expect(admin.find("#ksn-version").text == str(st["installed"]["version"]), st)
    world.sandbox.publish_ksn()
    admin.click("#ksn-update")
    admin.find("#ksn-update-result")
    after = world.call("mdr.ksn.status").ok()
    admin.wait(lambda d: admin.find("#ksn-version").text == str(after["installed"]["version"]))
    expect(after["installed"]["version"] != st["installed"]["version"], after)
    admin.screenshot("13-ksn")


@suite.case("web_pages__monitoring_widget_chart")
def _():
    admin.tab("widget", "#widget-chart")
    s = world.call("mdr.health.summary", {"per_tenant": True}).ok()
    bars = admin.all("#widget-chart rect")
    expect([b.get_attribute("data-status") for b in bars] == [x["status"] for x in s["by_status"]])
    expect([int(b.get_attribute("data-count")) for b in bars] == [x["count"] for x in s["by_status"]])
    admin.screenshot("14-monitoring-widget")


@suite.case("web_pages__language_switch")
def _():
    admin.select("#lang-switch", "ru")
    admin.text_in("#tab-usage", "Использование MDR")
    admin.text_in("#tab-tenants", "Тенанты")
    admin.screenshot("08-language-ru")
    admin.select("#lang-switch", "en")
    admin.text_in("#tab-usage", "MDR Usage")


@suite.case("web_pages__server_switch")
def _():
    admin.select("#server-switch", "branch")
    admin.wait(lambda d: admin.find("#server-switch").get_attribute("value") == "branch")
    admin.find("#tab-usage")
    admin.select("#server-switch", "main")
    admin.wait(lambda d: admin.find("#server-switch").get_attribute("value") == "main")


@suite.case("web_pages__csrf_less_post_refused")
def _():
    r = admin.fetch("/api/actions/mdr.tenants.create", {"name": "Forged"},
                    {"Content-Type": "application/json"})
    expect(r["status"] == 403 and r["body"]["error"]["code"] == "csrf_failed", r)
    names = [t["name"] for t in world.call("mdr.tenants.list").ok()["tenants"]]
    expect("Forged" not in names, names)


@suite.case("web_pages__security_officer_sees_only_what_they_may")
def _():
    olga = Browser(web, "olga")
    olga.open()
    olga.sign_in("olga", DEMO_PASSWORD)
    olga.find("#tab-usage")
    expect(not olga.all("#tab-tenants"), "Tenants shown to a Security Officer")
    olga.find("#usage-details")
    expect(olga.find("#tab-usage").text == "Использование MDR", "her language is Russian")
    expect(not olga.all("#activation-flow form"), "activation steps shown without the right")
    olga.screenshot("09-security-officer")
    r = olga.fetch("/api/actions/mdr.tenants.list", {}, {"Content-Type": "application/json",
                                                           "X-CSRF-Token": olga.driver.execute_script(
                                                               "return KSC.api.csrf")})
    expect(r["status"] == 403 and r["body"]["error"]["code"] == "access_denied", r)
    olga.stop()


@suite.case("web_pages__no_incident_access_sees_no_tab")
def _():
    ivan = Browser(web, "ivan")
    ivan.open()
    ivan.sign_in("ivan", DEMO_PASSWORD)
    ivan.find("#no-tabs")
    expect(not ivan.all("#tab-bar button"), "tabs shown without Incident access")
    ivan.screenshot("10-no-incident-access")
    ivan.stop()


@suite.case("web_pages__session_expired_by_clock")
def _():
    admin.tab("usage", "#usage-details")
    world.host_ok("clock", "advance", str(31 * 60 * 1000))
    admin.click("#tab-tenants")
    admin.find("#sign-in")
    admin.text_in("#sign-in-error", "session has ended")
    admin.screenshot("11-session-expired")
    admin.sign_in("admin", DEMO_PASSWORD)
    admin.find("#tab-usage")


@suite.case("web_pages__sign_out")
def _():
    admin.click("#sign-out")
    admin.find("#sign-in")
    admin.driver.refresh()
    admin.find("#sign-in")


@suite.case("web_pages__license_dates_turn_red_near_expiry")
def _():
    lic = world.call("mdr.licenses.list").ok()["licenses"][0]
    days = lic["days_left"] - 10
    world.host_ok("clock", "advance", str(days * 86400000))
    admin.driver.refresh()
    admin.sign_in("admin", DEMO_PASSWORD)
    admin.tab("licenses", "#licenses-table")
    cell = admin.find('#licenses-table tr[data-license="%s"] td[data-warning]' % lic["id"])
    expect(cell.get_attribute("data-warning") == "true" and "red" in cell.get_attribute("class"))
    admin.screenshot("15-licenses-expiring")


suite.finish(world)
