"""The Getting Started and Diagnosis tabs in headless Chromium against ksc-host serve + the MDR
module + mdr-sandbox (docs/web-console.md, "The pages"): a fresh console shows Getting Started
first with every step not done (the U.S. notice on activation, the ports on the applications
step); Create MDR roles turns step 1 done from the module's answer and a second click reports
the roles as already present (one role each in the console); a user with Application
Integration only sees the Getting Started tab and nothing else; in an activated world the
diagnosis lists the module's checks, and with a proxy that cannot be reached the proxy check is
failed with the module's remedy. Screenshots of both tabs go to tests/web/screenshots/."""
from web_harness import DEMO_PASSWORD, Suite, WebConsole, World, expect

from browser import Browser

suite = Suite("web_wizard_tabs")
world = World()
web = WebConsole(world)
web.set_password("admin")
world.add_user("ina", extra_areas=["ksc.application_integration"])  # no Incident access
web.set_password("ina")
b = Browser(web, "admin")


def sign_in(browser, user):
    browser.open()
    browser.sign_in(user, DEMO_PASSWORD)
    browser.wait(lambda d: browser.find("#who").text == user)


def step_done(css_step):
    return b.find("#wizard-step-" + css_step).get_attribute("data-done")


@suite.case("web_wizard_tabs__fresh_console_every_step_not_done")
def _():
    sign_in(b, "admin")
    first = b.all("#tab-bar button")[0].get_attribute("data-tab")
    expect(first == "getting_started", first)
    b.tab("getting_started", "#wizard-steps")
    w = world.call("mdr.wizard.get").ok()
    ids = [e.get_attribute("data-step") for e in b.all(".wizard-step")]
    expect(ids == [s["id"] for s in w["steps"]] and len(ids) == 6, ids)
    for s in w["steps"]:
        expect(step_done(s["id"]) == "false", s["id"])
        why = b.find('[data-why="%s"]' % s["id"]).text
        expect(s["why"] in why, why, s)
    expect("United States" in b.find("#wizard-step-activation .wizard-text").text)
    expect("443" in b.find("#wizard-ports").text)
    expect(b.find("#wizard-open-activation").get_attribute("data-open-tab") == "usage")
    b.find("#wizard-run-roles")
    expect(not b.all("#wizard-other-tabs"), "the Incident-access notice shown to the administrator")
    b.screenshot("30-getting-started-fresh")


@suite.case("web_wizard_tabs__roles_created_then_reported_present")
def _():
    b.click("#wizard-run-roles")
    b.find("#wizard-roles-created")
    b.wait(lambda d: step_done("roles") == "true")
    expect(world.call("mdr.wizard.get").ok()["steps"][0]["done"] is True)
    b.click("#wizard-run-roles")
    b.find("#wizard-roles-present")
    expect(not b.all("#wizard-roles-created"), "a second click created roles")
    roles = [x["name"] for x in world.host_ok("role", "list").json]
    expect(roles.count("mdr.administrator") == 1, roles)
    b.wait(lambda d: b.find("#wizard-summary").get_attribute("data-done") == "1")
    b.screenshot("31-getting-started-roles")


@suite.case("web_wizard_tabs__application_integration_only_sees_getting_started")
def _():
    ina = Browser(web, "ina")
    sign_in(ina, "ina")
    ina.find("#wizard-steps")
    tabs = [e.get_attribute("data-tab") for e in ina.all("#tab-bar button")]
    expect(tabs == ["getting_started"], tabs)
    text = world.call("mdr.wizard.get", user="ina").ok()["other_tabs_text"]
    expect(ina.find("#wizard-other-tabs").text == text, text)
    expect(not ina.all("[data-open-tab], [data-see-also]"), "buttons to tabs ina does not see")
    ina.screenshot("32-getting-started-integration-only")
    ina.stop()


@suite.case("web_wizard_tabs__diagnosis_checks_then_broken_proxy")
def _():
    world.activate()
    b.tab("diagnosis", "#diag-run")
    b.click("#diag-run")
    b.find("#diag-checks")
    expect(b.find("#diag-results").get_attribute("data-result") in ("ok", "warning", "failed"))
    rows = {e.get_attribute("data-check"): e.get_attribute("data-status") for e in b.all("#diag-checks tbody tr")}
    for cid in ("proxy", "dns", "tls", "service", "session"):
        expect(rows.get(cid) == "ok", cid, rows)
    b.screenshot("33-diagnosis")
    world.host_ok("config", "set-env", "HTTPS_PROXY", "http://127.0.0.1:1")
    # the progress state, seen by an observer in the page rather than by racing the answer
    b.driver.execute_script(
        "window.sawRunning = false; new MutationObserver(() => { if (document.getElementById("
        "'diag-running')) window.sawRunning = true; }).observe(document.getElementById("
        "'tab-panel'), {childList: true, subtree: true});")
    b.click("#diag-run")
    row = '#diag-checks tr[data-check="proxy"]'
    b.wait(lambda d: b.find(row).get_attribute("data-status") == "failed")
    remedy = b.find(row + " .diag-remedy").text
    cli = {c["id"]: c for c in world.call("mdr.diag.run").ok()["checks"]}["proxy"]
    expect(cli["status"] == "failed" and remedy == cli["remedy"], remedy, cli)
    expect("diag-failed" in b.find(row + " .diag-status").get_attribute("class"))
    expect(b.driver.execute_script("return window.sawRunning;") is True, "no progress state shown")
    b.screenshot("34-diagnosis-proxy-failed")


suite.finish(world)
