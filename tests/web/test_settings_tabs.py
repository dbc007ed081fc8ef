"""The Settings, Notifications and Report schedules tabs in headless Chromium against ksc-host
serve + the MDR module + mdr-sandbox (docs/web-console.md, "The pages"): Save disabled until a
real change and again after saving, the consent text shown and ticked before extended
notifications go on, auto-acceptance switched to per tenant by the MDR Administrator, a Senior
Security Officer who sees it without the mode controls, an email address verified with the code
the sandbox "mailed" (a wrong one first: its error beside the field), and a report schedule
refused for a bad address (the module's error in Russian beside the field) then created.
Screenshots of the three tabs go to tests/web/screenshots/."""
from web_harness import DEMO_PASSWORD, Suite, WebConsole, World, expect

from browser import Browser

suite = Suite("web_settings_tabs")
world = World()
world.activate()
tenant = world.call("mdr.tenants.create", {"name": "Contoso"}).ok()
web = WebConsole(world)
web.set_password("admin")
world.add_user("sam", preset="mdr.senior_security_officer")
web.set_password("sam")
b = Browser(web, "admin")
LOGIN = world.account()[0]


def sign_in(user):
    b.sign_in(user, DEMO_PASSWORD)
    b.wait(lambda d: b.find("#who").text == user)


def save_enabled(css):
    return b.find(css).is_enabled()


@suite.case("web_settings_tabs__settings_save_disabled_until_changed")
def _():
    b.open()
    sign_in("admin")
    b.tab("settings", "#settings-form")
    expect(not save_enabled("#settings-save"), "Save enabled with nothing changed")
    b.select("#settings-language", "ru")
    b.wait(lambda d: save_enabled("#settings-save"))
    b.select("#settings-language", "en")  # back as it was: nothing to save
    b.wait(lambda d: not save_enabled("#settings-save"))
    b.select("#settings-language", "ru")
    b.click("#settings-save")
    b.text_in("#settings-message", "Saved")
    expect(not save_enabled("#settings-save"), "Save enabled right after saving")
    expect(world.call("mdr.settings.get").ok()["language"] == "ru")
    # extended notifications: the module's consent text, ticked before Save
    b.click("#settings-extended")
    text = b.find("#settings-consent-text").text
    expect(text == world.call("mdr.settings.get").ok()["consent_text"], text)
    expect(not save_enabled("#settings-save"), "Save enabled before the consent is ticked")
    b.click("#settings-confirm")
    b.wait(lambda d: save_enabled("#settings-save"))
    b.screenshot("20-settings-consent")
    b.click("#settings-save")
    b.find("#settings-consent-record")
    expect(not save_enabled("#settings-save"))
    s = world.call("mdr.settings.get").ok()
    expect(s["extended_notifications"] is True and s["consent"]["confirmed_by"] == "admin", s)


@suite.case("web_settings_tabs__auto_accept_per_tenant_by_the_administrator")
def _():
    b.find("#auto-accept-modes")
    expect(not save_enabled("#auto-accept-save"))
    b.click("#auto-accept-mode-per_tenant")
    b.click("#auto-accept-tenant-" + tenant["id"])
    b.wait(lambda d: save_enabled("#auto-accept-save"))
    b.screenshot("21-settings-auto-accept")
    b.click("#auto-accept-save")
    b.text_in("#auto-accept-message", "Saved")
    a = world.call("mdr.settings.auto_accept.get").ok()
    flags = {x["tenant_id"]: x["enabled"] for x in a["tenants"]}
    expect(a["mode"] == "per_tenant" and flags[tenant["id"]] is True, a)


@suite.case("web_settings_tabs__senior_officer_switches_tenants_without_mode_controls")
def _():
    b.click("#sign-out")
    sign_in("sam")
    b.tab("settings", "#auto-accept-form")
    b.find("#auto-accept-mode-text")
    expect(not b.all("#auto-accept-modes, input[name=mode]"), "mode controls shown to a Senior Security Officer")
    expect(not b.all("#settings-save"), "settings Save shown without the right")
    expect(not b.find("#auto-accept-all").is_enabled(), "All tenants switchable by a Senior Security Officer")
    box = "#auto-accept-tenant-" + tenant["id"]
    expect(b.find(box).is_enabled())
    b.click(box)
    b.wait(lambda d: save_enabled("#auto-accept-save"))
    b.screenshot("22-settings-senior-officer")
    b.click("#auto-accept-save")
    b.text_in("#auto-accept-message", "Saved")
    flags = {x["tenant_id"]: x["enabled"] for x in world.call("mdr.settings.auto_accept.get").ok()["tenants"]}
    expect(flags[tenant["id"]] is False, flags)
    b.click("#sign-out")
    sign_in("admin")


@suite.case("web_settings_tabs__email_code_verified")
def _():
    b.tab("notifications", "#notif-email")
    b.type("#notif-address", "soc-lead@example.com")
    b.click("#notif-email-incidents")
    b.click("#notif-email-save")
    b.find("#notif-verify")
    b.text_in("#notif-email-message", "soc-lead@example.com")
    code = world.sandbox.admin("notifications/email-code", {"login": LOGIN, "recipient": "admin"})["code"]
    b.type("#notif-code", "%06d" % ((int(code) + 1) % 1000000))
    b.click("#notif-verify-submit")
    err = b.find('#notif-verify [data-error-for="code"]')
    b.wait(lambda d: err.text.strip() != "")
    b.text_in("#notif-tries-left", "2")
    b.type("#notif-code", code)
    b.click("#notif-verify-submit")
    b.text_in("#notif-email-verified", "soc-lead@example.com")
    n = world.call("mdr.notifications.get").ok()["email"]
    expect(n["verified"] is True and n["address"] == "soc-lead@example.com", n)
    b.click("#notif-telegram-incidents")
    b.click("#notif-telegram-link")
    link = b.find("#notif-telegram-url").get_attribute("href")
    expect(link.startswith("https://t.me/"), link)
    b.screenshot("23-notifications")


@suite.case("web_settings_tabs__report_schedule_bad_email_then_created")
def _():
    b.select("#lang-switch", "ru")  # the module's error in the user's language
    b.text_in("#tab-reports", "Расписания отчетов")
    b.tab("reports", "#report-create")
    b.type("#report-name", "Weekly incident summary")
    b.type("#report-emails", "soc@example.com, not-an-address")
    b.select("#report-day", "monday")
    b.type("#report-time", "07:00")
    b.click("#report-ack")
    b.click("#report-create-submit")
    err = b.find('#report-create [data-error-for="emails"]')
    b.wait(lambda d: err.text.strip() != "")
    cli = world.call("mdr.reports.create", {"name": "x", "emails": "soc@example.com, not-an-address",
                                            "day": "monday", "time": "07:00", "acknowledged": True},
                     lang="ru")
    expect(err.text == cli.error["message"], err.text, cli)
    b.screenshot("24-reports-bad-email")
    b.type("#report-emails", "soc@example.com, ciso@example.com")
    b.click("#report-create-submit")
    row = '#reports-table tr[data-report="Weekly incident summary"]'
    b.find(row)
    s = [x for x in world.call("mdr.reports.list", lang="ru").ok()["schedules"]
         if x["name"] == "Weekly incident summary"][0]
    expect(s["emails"] == ["soc@example.com", "ciso@example.com"] and s["time_utc"] == "07:00", s)
    covers = b.find(row + " [data-covers]").text
    expect(covers == s["next_report_covers"]["text"], covers, s)
    b.screenshot("25-reports")


suite.finish(world)
