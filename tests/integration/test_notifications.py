"""The Notifications tab through ksc-host + the module + mdr-sandbox: each console user's own
email and Telegram notifications. Email: an address and at least one category, a code mailed
(read through the sandbox's admin look-up) valid 10 minutes, 3 wrong codes in a row and an
expired code (after `ksc-host clock advance`) offering Resend with the tries left said, a
verified address, disabling. Telegram: at least one category, a one-account link, a second
link refused while subscribed, unsubscribing. Nothing half-saved when the cloud fails."""
import sqlite3

from harness import Suite, World, expect
from lt_common import requests_to

suite = Suite("notifications")
world = World(batch=True)
sbx = world.sandbox
world.activate()
LOGIN = world.account()[0]
MINUTE = 60 * 1000


def notif(**kw):
    return world.call("mdr.notifications.get", **kw).ok()


def code_for(user="admin"):
    return sbx.admin("notifications/email-code", {"login": LOGIN, "recipient": user})


def save(address="soc@example.com", user=None, **cats):
    return world.call("mdr.notifications.email.save", dict(address=address, **cats), user=user)


def wrong(code):
    return "%06d" % ((int(code) + 1) % 1000000)


@suite.case("notifications__nothing_set_up_at_first")
def _():
    n = notif()
    expect(n["recipient"] == "admin" and n["email"]["enabled"] is False and
           n["email"]["verification"]["status"] == "none", n)
    expect(n["telegram"]["subscribed"] is False, n)


@suite.case("notifications__email_needs_an_address_and_a_category")
def _():
    before = len(requests_to(world, "notifications/email/start"))
    e = world.call("mdr.notifications.email.save", {"address": "soc@example.com"},
                   lang="es").fails("notifications_category_required", rc=4)
    expect("Incidentes" in e["message"] and "incidents" in e["details"]["field"], e)
    save("soc@example.com", incidents=False, comments=False).fails(
        "notifications_category_required")
    for bad in ("soc", "soc@example", "a@b.com, c@d.com", "x" * 250 + "@b.com"):
        e = save(bad, incidents=True).fails("notifications_email_invalid", rc=4)
        expect(e["details"]["field"] == "address", e)
    world.call("mdr.notifications.email.save", {"incidents": True}).fails("missing_field", rc=4)
    expect(len(requests_to(world, "notifications/email/start")) == before, "the cloud was asked")


@suite.case("notifications__cloud_failure_mails_nothing")
def _():
    sbx.fault("notifications/email/start", status=500)
    save(incidents=True).fails("cloud_http")
    n = notif()
    expect(n["email"]["verification"]["status"] == "none", n)
    with sqlite3.connect(world.module_db()) as db:
        expect(db.execute("SELECT count(*) FROM notification_codes").fetchone()[0] == 0)


@suite.case("notifications__three_wrong_codes_then_resend")
def _():
    n = save(incidents=True, responses=True).ok()
    v = n["email"]["verification"]
    expect(v["status"] == "pending" and v["address"] == "soc@example.com" and
           v["tries_left"] == 3 and not v["resend_offered"], n)
    expect("10" in n["message"] and "soc@example.com" in n["message"], n)
    code = code_for()["code"]
    e = world.call("mdr.notifications.email.verify", {"code": wrong(code)}).fails(
        "notifications_code_invalid", rc=4)
    expect(e["details"]["tries_left"] == 2 and "2" in e["message"], e)
    e = world.call("mdr.notifications.email.verify", {"code": wrong(code)}).fails(
        "notifications_code_invalid")
    expect(e["details"]["tries_left"] == 1, e)
    e = world.call("mdr.notifications.email.verify", {"code": wrong(code)}).fails(
        "notifications_resend_required", rc=1)
    expect(e["details"]["resend_offered"] is True, e)
    # even the right code is refused now
    world.call("mdr.notifications.email.verify", {"code": code}).fails(
        "notifications_resend_required")
    expect(notif()["email"]["verification"]["resend_offered"] is True)
    n = world.call("mdr.notifications.email.resend").ok()
    expect(n["email"]["verification"]["tries_left"] == 3, n)
    new = code_for()["code"]
    n = world.call("mdr.notifications.email.verify", {"code": new}).ok()
    expect(n["email"]["verified"] is True and n["email"]["address"] == "soc@example.com" and
           n["email"]["enabled"] and n["email"]["incidents"] and not n["email"]["comments"], n)
    expect(n["email"]["verification"]["status"] == "none", n)


@suite.case("notifications__code_format")
def _():
    for bad in ("12345", "1234567", "12a456"):
        e = world.call("mdr.notifications.email.verify", {"code": bad}).fails(rc=4)
        expect(e["details"]["field"] == "code", e)


@suite.case("notifications__expired_code_after_host_clock_advance")
def _():
    save("new@example.com", comments=True).ok()
    code = code_for()["code"]
    world.host_ok("clock", "advance", str(9 * MINUTE))
    expect(notif()["email"]["verification"]["status"] == "pending")
    world.host_ok("clock", "advance", str(1 * MINUTE))
    n = notif()
    expect(n["email"]["verification"]["status"] == "expired" and
           n["email"]["verification"]["resend_offered"], n)
    e = world.call("mdr.notifications.email.verify", {"code": code}).fails(
        "notifications_code_expired", rc=1)
    expect(e["details"]["resend_offered"] is True and "10" in e["message"], e)
    # the verified address stays until the new one is verified
    expect(n["email"]["address"] == "soc@example.com" and n["email"]["verified"], n)
    world.call("mdr.notifications.email.resend").ok()
    n = world.call("mdr.notifications.email.verify", {"code": code_for()["code"]}).ok()
    expect(n["email"]["address"] == "new@example.com" and n["email"]["verified"], n)


@suite.case("notifications__each_console_user_their_own")
def _():
    world.add_user("olga", preset="mdr.security_officer")
    n = notif(user="olga")
    expect(n["recipient"] == "olga" and not n["email"]["verified"], n)
    save("olga@example.com", user="olga", comments=True).ok()
    expect(code_for("olga")["address"] == "olga@example.com")
    expect(notif()["email"]["address"] == "new@example.com", "admin's changed")
    world.call("mdr.notifications.email.verify", {"code": code_for("olga")["code"]},
               user="olga").ok()
    expect(notif(user="olga")["email"]["address"] == "olga@example.com")


@suite.case("notifications__no_verification_pending")
def _():
    world.call("mdr.notifications.email.verify", {"code": "123456"}).fails(
        "notifications_no_verification", rc=1)
    world.call("mdr.notifications.email.resend").fails("notifications_no_verification")


@suite.case("notifications__email_disable")
def _():
    n = world.call("mdr.notifications.email.disable").ok()
    expect(n["email"]["enabled"] is False, n)
    expect(notif(user="olga")["email"]["enabled"] is True, "olga's went too")


@suite.case("notifications__telegram_link_once_then_unsubscribe_first")
def _():
    world.call("mdr.notifications.telegram.link", {}).fails("notifications_category_required",
                                                             rc=4)
    n = world.call("mdr.notifications.telegram.link", {"incidents": True}).ok()
    link = n["link"]
    expect(link.startswith("https://t.me/") and n["telegram"]["link_outstanding"], n)
    sbx.admin("notifications/telegram-use", {"token": link.rsplit("=", 1)[1]})
    sbx.admin("notifications/telegram-use", {"token": link.rsplit("=", 1)[1]}, status=404)
    n = notif()
    expect(n["telegram"]["subscribed"] and n["telegram"]["incidents"], n)
    e = world.call("mdr.notifications.telegram.link", {"comments": True}, lang="ru").fails(
        "notifications_telegram_subscribed", rc=1)
    expect("mdr.notifications.telegram.unsubscribe" in e["message"], e)
    n = world.call("mdr.notifications.telegram.unsubscribe").ok()
    expect(not n["telegram"]["subscribed"], n)
    n = world.call("mdr.notifications.telegram.link", {"comments": True}).ok()
    expect(n["link"] != link, n)


@suite.case("notifications__telegram_cloud_failure_changes_nothing")
def _():
    world.call("mdr.notifications.telegram.unsubscribe").ok()
    sbx.fault("notifications/telegram/link", status=503)
    world.call("mdr.notifications.telegram.link", {"incidents": True}).fails("cloud_http")
    expect(not notif()["telegram"]["link_outstanding"])


suite.finish(world)
