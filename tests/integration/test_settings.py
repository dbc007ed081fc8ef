"""The Settings tab through ksc-host + the module + mdr-sandbox: extended email notifications
only with the confirmed consent (text from the catalogs in the caller's language, recorded
with who and when), the language of incident data, notifications and reports, the refusal of
an update that changes nothing, and auto-acceptance of responses: the three modes, "All
tenants" in per-tenant mode, the role rules (MDR Administrator, Senior Security Officer,
Security Officer), the tenants a user may access, tenants created and deleted afterwards, an
organization without tenants, and nothing half-saved when the cloud fails."""
import sqlite3

from harness import Suite, World, expect
from lt_common import requests_to

suite = Suite("settings")
world = World(batch=True)
sbx = world.sandbox
world.activate()


def settings(**kw):
    return world.call("mdr.settings.get", **kw).ok()


def auto(**kw):
    return world.call("mdr.settings.auto_accept.get", **kw).ok()


def consent_rows():
    with sqlite3.connect(world.module_db()) as db:
        return db.execute("SELECT confirmed_by, pending FROM settings_consent").fetchall()


def tenant_ids():
    return [t["id"] for t in world.call("mdr.tenants.list").ok()["tenants"]]


@suite.case("settings__defaults_extended_off_language_english")
def _():
    s = settings()
    expect(s["extended_notifications"] is False and s["consent"] is None, s)
    expect(s["language"] == "en" and s["language_name"] == "English", s)
    expect("passwords" in s["consent_text"], s)
    ru = settings(lang="ru")
    expect(ru["language_name"] == "Английский" and "пароли" in ru["consent_text"], ru)


@suite.case("settings__extended_needs_the_confirmation")
def _():
    r = world.call("mdr.settings.update", {"extended_notifications": True}, lang="de")
    e = r.fails("settings_consent_required", rc=4)
    expect(e["details"]["field"] == "confirm" and "Kennwort" in e["message"], e)
    world.call("mdr.settings.update",
               {"extended_notifications": True, "confirm": False}).fails(
                   "settings_consent_required")
    expect(settings()["extended_notifications"] is False)
    expect(consent_rows() == [], consent_rows())


@suite.case("settings__cloud_failure_saves_nothing")
def _():
    sbx.fault("settings/update", status=500)
    world.call("mdr.settings.update",
               {"extended_notifications": True, "confirm": True}).fails("cloud_http")
    expect(settings()["extended_notifications"] is False)
    expect(consent_rows() == [], "a consent record outlived the refused update", consent_rows())
    expect(len(requests_to(world, "settings/update")) >= 1)


@suite.case("settings__extended_on_records_who_what_when")
def _():
    s = world.call("mdr.settings.update", {"extended_notifications": True, "confirm": True},
                   lang="fr").ok()
    expect(s["extended_notifications"] is True and s["changed"] == ["extended_notifications"], s)
    c = s["consent"]
    expect(c["confirmed_by"] == "admin" and c["language"] == "fr" and
           "mots de passe" in c["text"] and c["confirmed_time"] > 0, c)
    expect(settings()["consent"] == c)
    expect(consent_rows() == [("admin", 0)], consent_rows())


@suite.case("settings__nothing_changed_is_refused")
def _():
    before = len(requests_to(world, "settings/update"))
    world.call("mdr.settings.update", {}).fails("settings_no_changes", rc=1)
    world.call("mdr.settings.update", {"extended_notifications": True, "confirm": True}).fails(
        "settings_no_changes")
    world.call("mdr.settings.update", {"language": "en"}).fails("settings_no_changes")
    expect(len(requests_to(world, "settings/update")) == before, "the cloud was asked")


@suite.case("settings__language_english_or_russian")
def _():
    e = world.call("mdr.settings.update", {"language": "de"}).fails("not_allowed", rc=4)
    expect(e["details"]["field"] == "language", e)
    s = world.call("mdr.settings.update", {"language": "ru"}).ok()
    expect(s["language"] == "ru" and s["changed"] == ["language"], s)
    expect(settings(lang="it")["language_name"] == "Russo")
    world.call("mdr.settings.update", {"language": "en"}).ok()


@suite.case("settings__extended_off_and_on_again_needs_a_new_confirmation")
def _():
    s = world.call("mdr.settings.update", {"extended_notifications": False}).ok()
    expect(s["extended_notifications"] is False and s["consent"] is None, s)
    world.call("mdr.settings.update", {"extended_notifications": True}).fails(
        "settings_consent_required")


@suite.case("settings__rights")
def _():
    world.add_user("sso", preset="mdr.senior_security_officer")
    world.add_user("so", preset="mdr.security_officer")
    expect(settings(user="so")["language"] == "en")
    world.call("mdr.settings.update", {"language": "ru"}, user="sso").fails("access_denied", rc=3)
    world.call("mdr.settings.auto_accept.get", user="so").fails("access_denied", rc=3)
    world.call("mdr.settings.auto_accept.set_tenants", {"tenants": {}}, user="so").fails(
        "access_denied", rc=3)
    expect(auto(user="sso")["mode"] == "off")
    world.call("mdr.settings.auto_accept.set", {"mode": "all"}, user="sso").fails(
        "access_denied", rc=3)
    expect(auto()["mode"] == "off")


@suite.case("auto_accept__off_by_default_three_modes")
def _():
    a = auto()
    expect(a["mode"] == "off" and a["uses_tenants"] is True and len(a["tenants"]) == 3, a)
    expect(all(not t["enabled"] for t in a["tenants"]), a)
    a = world.call("mdr.settings.auto_accept.set", {"mode": "all"}).ok()
    expect(a["enabled"] and all(t["enabled"] for t in a["tenants"]), a)
    world.call("mdr.settings.auto_accept.set", {"mode": "all"}).fails("settings_no_changes")
    # "all" includes tenants created later
    t = world.call("mdr.tenants.create", {"name": "Later On"}).ok()
    row = [x for x in auto()["tenants"] if x["tenant_id"] == t["id"]]
    expect(row and row[0]["enabled"] is True, row)
    a = world.call("mdr.settings.auto_accept.set", {"mode": "off"}).ok()
    expect(not any(x["enabled"] for x in a["tenants"]), a)
    world.call("mdr.tenants.delete", {"id": t["id"], "confirm": True}).ok()
    expect(all(x["tenant_id"] != t["id"] for x in auto()["tenants"]), "deleted tenant listed")


@suite.case("auto_accept__tenants_only_in_per_tenant_mode")
def _():
    ids = [t["tenant_id"] for t in auto()["tenants"]]
    e = world.call("mdr.settings.auto_accept.set",
                   {"mode": "off", "tenants": {ids[0]: True}}).fails("auto_accept_wrong_mode", rc=4)
    expect(e["details"]["field"] == "tenants", e)
    world.call("mdr.settings.auto_accept.set_tenants", {"tenants": {ids[0]: True}}).fails(
        "auto_accept_not_per_tenant", rc=1)
    e = world.call("mdr.settings.auto_accept.set",
                   {"mode": "per_tenant", "tenants": {ids[0]: "yes"}}).fails("wrong_type", rc=4)
    expect(e["details"]["field"] == f"tenants.{ids[0]}", e)
    expect(auto()["mode"] == "off")


@suite.case("auto_accept__per_tenant_new_tenants_start_off")
def _():
    ids = [t["tenant_id"] for t in auto()["tenants"]]
    a = world.call("mdr.settings.auto_accept.set",
                   {"mode": "per_tenant", "tenants": {ids[0]: True}}).ok()
    flags = {t["tenant_id"]: t["enabled"] for t in a["tenants"]}
    expect(a["mode"] == "per_tenant" and not a["all_tenants"] and flags[ids[0]] and
           not flags[ids[1]], a)
    t = world.call("mdr.tenants.create", {"name": "New Off"}).ok()
    row = [x for x in auto()["tenants"] if x["tenant_id"] == t["id"]]
    expect(row and row[0]["enabled"] is False, row)


@suite.case("auto_accept__per_tenant_all_tenants_turns_new_tenants_on")
def _():
    a = world.call("mdr.settings.auto_accept.set", {"mode": "per_tenant", "all_tenants": True}).ok()
    expect(a["all_tenants"] and a["new_tenants_enabled"] and
           all(t["enabled"] for t in a["tenants"]), a)
    t = world.call("mdr.tenants.create", {"name": "New On"}).ok()
    row = [x for x in auto()["tenants"] if x["tenant_id"] == t["id"]]
    expect(row and row[0]["enabled"] is True, row)
    # unticking one tenant unticks "All tenants": the next new tenant starts off
    a = world.call("mdr.settings.auto_accept.set_tenants", {"tenants": {t["id"]: False}}).ok()
    expect(not a["all_tenants"], a)
    t2 = world.call("mdr.tenants.create", {"name": "Newer Off"}).ok()
    row = [x for x in auto()["tenants"] if x["tenant_id"] == t2["id"]]
    expect(row and row[0]["enabled"] is False, row)


@suite.case("auto_accept__senior_officer_only_accessible_tenants")
def _():
    world.add_user("sam", preset="mdr.senior_security_officer")
    tenants = world.call("mdr.tenants.list").ok()["tenants"]
    mine, other = tenants[0], tenants[1]
    world.call("mdr.tenants.grant", {"user": "sam", "tenants": [mine["id"]]}).ok()
    a = auto(user="sam")
    expect([t["tenant_id"] for t in a["tenants"]] == [mine["id"]] and a["hidden"] >= 1, a)
    before = {t["tenant_id"]: t["enabled"] for t in auto()["tenants"]}
    e = world.call("mdr.settings.auto_accept.set_tenants",
                   {"tenants": {mine["id"]: not before[mine["id"]],
                                other["id"]: not before[other["id"]]}}, user="sam").fails(
                       "tenant_not_found", rc=4)
    expect(e["details"]["tenant_id"] == other["id"], e)
    expect({t["tenant_id"]: t["enabled"] for t in auto()["tenants"]} == before, "half-saved")
    a = world.call("mdr.settings.auto_accept.set_tenants",
                   {"tenants": {mine["id"]: not before[mine["id"]]}}, user="sam").ok()
    expect(a["tenants"][0]["enabled"] == (not before[mine["id"]]), a)
    world.call("mdr.settings.auto_accept.set_tenants",
               {"tenants": {mine["id"]: not before[mine["id"]]}}, user="sam").fails(
                   "settings_no_changes")
    # once the administrator leaves per-tenant mode, the senior officer can switch nothing
    world.call("mdr.settings.auto_accept.set", {"mode": "off"}).ok()
    world.call("mdr.settings.auto_accept.set_tenants",
               {"tenants": {mine["id"]: True}}, user="sam").fails("auto_accept_not_per_tenant")


@suite.case("auto_accept__cloud_failure_saves_nothing")
def _():
    sbx.fault("settings/update", status=503, count=3)
    world.call("mdr.settings.auto_accept.set", {"mode": "all"}).fails("cloud_http")
    expect(auto()["mode"] == "off")


# An organization without tenants has one switch.
bare = World(sandbox_args=("--tenants", "0"))
bare.activate()


@suite.case("auto_accept__organization_without_tenants_one_switch")
def _():
    a = bare.call("mdr.settings.auto_accept.get").ok()
    expect(a["uses_tenants"] is False and a["enabled"] is False and a["tenants"] == [], a)
    e = bare.call("mdr.settings.auto_accept.set", {"mode": "per_tenant"}).fails(
        "auto_accept_no_tenants", rc=1)
    expect(e["details"]["field"] == "mode", e)
    a = bare.call("mdr.settings.auto_accept.set", {"mode": "all"}).ok()
    expect(a["enabled"] is True, a)


suite.finish(world, bare)
