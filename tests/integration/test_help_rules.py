#!/usr/bin/env python3
"""The help's rules the module used to bend (issue 15), each made to fail the old way:
1. without Incident access a user sees only the Getting Started tab (rights/mdr-rights.xml);
2. the tenants selected at activation bound every user of this server (core/tenant_access);
3. terminating says the KSN file must leave the KSN proxy settings, and what the policies change;
4. a new activation code leads to the tenant selection when the account has tenants;
5. the custom-incident quota only for tiers that can create custom incidents;
7. a KSN expiry warning names the MDR Usage tab's button, not an action name;
8. no activation in a cloud console's trial workspace (the host's console kind, ABI 1.3).
(Rule 6, a tenant's deletion always confirmed, is in test_tenants.py.)"""
import csv
import os
import xml.etree.ElementTree as ET

from harness import ROOT, Suite, World, expect

NS = {"r": "urn:mdr:rights:1"}
PROBE = {"help_rules_probe": True}
# What the Getting Started tab itself runs: the only actions that may skip Incident access.
GETTING_STARTED = {"mdr.account.sign_in", "mdr.activation.activate",
                   "mdr.activation.select_tenants", "mdr.activation.accept_agreements",
                   "mdr.activation.accept_ksn_statement", "mdr.licenses.archive",
                   "mdr.wizard.get", "mdr.wizard.create_roles"}

suite = Suite("help_rules")
world = World()
sbx = world.sandbox


@suite.case("help_rules__1_incident_access_everywhere_but_getting_started")
def _():
    xml = ET.parse(os.path.join(ROOT, "rights", "mdr-rights.xml")).getroot()
    for a in xml.findall("r:action", NS):
        areas = {r.get("area") for r in a.findall("r:require", NS)}
        if a.get("name") not in GETTING_STARTED:
            expect("mdr.incident_access" in areas, a.get("name"), "does not need Incident access")
    # a console user allowed Application Integration only: the tab's steps pass, nothing else
    world.add_user("ina", extra_areas=["ksc.application_integration"])
    for action in ("mdr.licenses.list", "mdr.licenses.refresh", "mdr.licenses.add",
                   "mdr.licenses.remove", "mdr.ksn.update", "mdr.activation.new_code",
                   "mdr.activation.terminate", "mdr.activation.revoke_consent"):
        world.call(action, PROBE, user="ina").fails("access_denied", rc=3)
    world.call("mdr.licenses.export_by_tenant", {}, user="ina",
               output=os.path.join(world.tmp, "x.csv")).fails("access_denied", rc=3)
    for action in ("mdr.account.sign_in", "mdr.activation.activate",
                   "mdr.activation.select_tenants", "mdr.activation.accept_agreements"):
        r = world.call(action, PROBE, user="ina")
        expect(r.code != "access_denied", action, r)  # refused for the probe field, not rights
    r = world.call("mdr.licenses.archive", PROBE, user="ina",
                   output=os.path.join(world.tmp, "root.zip"))
    expect(r.code != "access_denied", r)


@suite.case("help_rules__2_the_activation_selection_bounds_every_user")
def _():
    # an organization already using MDR, with tenants: the selection step comes first
    world.sign_in("existing_account").ok()
    st = world.call("mdr.activation.status").ok()
    expect(st["next_step"] == "select_tenants" and len(st["tenants"]) >= 2, st)
    chosen = st["tenants"][0]
    left_out = [t["tenant_id"] for t in st["tenants"][1:]]
    world.call("mdr.activation.select_tenants", {"tenants": [chosen["tenant_id"]]}).ok()
    st = world.activate(which="existing_account")
    expect(st["activated"] and st["selected_tenants"] == [chosen["tenant_id"]], st)

    # lists: only the selected tenant; the others are hidden, by id too
    listed = world.call("mdr.tenants.list").ok()
    expect([t["id"] for t in listed["tenants"]] == [chosen["tenant_id"]], listed)
    expect(listed["hidden"] == len(left_out) and listed["root"]["visible"], listed)
    world.call("mdr.tenants.get", {"id": left_out[0]}).fails("tenant_not_found", rc=4)
    # exports: no row of a tenant outside the scope
    path = os.path.join(world.tmp, "by-tenant.csv")
    r = world.call("mdr.licenses.export_by_tenant", {}, output=path).ok()
    with open(path, newline="", encoding="utf-8") as f:
        ids = {row[3] for row in list(csv.reader(f))[1:]}
    expect(not ids & set(left_out) and r["hidden_rows"] >= 1, ids, r)
    # a grant narrows it further, and never widens it
    world.add_user("gina", extra_areas=["mdr.incident_access", "mdr.tenant_management"])
    world.call("mdr.tenants.grant", {"user": "gina", "tenants": [left_out[0]]}).fails(
        "tenant_not_found")
    world.call("mdr.tenants.grant", {"user": "gina", "tenants": [], "root": True}).ok()
    expect(world.call("mdr.tenants.list", user="gina").ok()["tenants"] == [], "grant widened")
    world.call("mdr.tenants.grant", {"user": "gina", "all": True}).ok()  # back to the scope
    expect(len(world.call("mdr.tenants.list", user="gina").ok()["tenants"]) == 1)
    # a tenant made on this server is this server's
    made = world.call("mdr.tenants.create", {"name": "Made Here"}).ok()
    ids = {t["id"] for t in world.call("mdr.tenants.list").ok()["tenants"]}
    expect(ids == {chosen["tenant_id"], made["id"]}, ids)
    # terminating ends the scope with the activation
    t = world.call("mdr.activation.terminate").ok()
    # rule 3: the KSN file must leave the KSN proxy settings (the host cannot: said, and how);
    # the policies must stop MDR
    expect(t["ksn_file"]["installed"] and t["ksn_file"]["removed"] is False, t)
    expect("KSN proxy" in t["ksn_file"]["text"] and "Remove it" in t["ksn_file"]["text"], t)
    expect("Managed Detection and Response enabled" in t["policies_text"], t)
    world.activate(which="existing_account")  # selects them all this time
    expect(len(world.call("mdr.tenants.list").ok()["tenants"]) == len(left_out) + 2)


@suite.case("help_rules__5_custom_incident_quota_only_for_tiers_that_have_it")
def _():
    u = world.call("mdr.usage.get").ok()
    with_quota = u["license"]["tier"] in ("expert", "advanced", "prime")
    expect(u["custom_incidents_available"] == with_quota, u)
    expect((u["custom_incidents"] is not None) == with_quota, u)
    login = "optimum-admin@example.com"
    acc = next(a for a in sbx.admin("accounts", {"create": login})["accounts"]
               if a["login"] == login)
    sbx.ready["optimum_account"] = {"login": login, "password": acc["password"]}
    code = sbx.admin("codes/create", {"tier": "optimum", "region": "europe"})["activation_code"]
    other = World(sandbox=sbx)
    try:
        st = other.activate(code=code, which="optimum_account")
        expect(st["activated"], st)
        u = other.call("mdr.usage.get").ok()
        expect(u["license"]["tier"] == "optimum", u["license"])
        expect(u["custom_incidents_available"] is False and u["custom_incidents"] is None, u)
    finally:
        other.cleanup()


@suite.case("help_rules__4_a_new_code_leads_to_the_tenant_selection")
def _():
    tier = world.call("mdr.usage.get").ok()["license"]["tier"]
    code = sbx.admin("codes/create", {"tier": tier, "region": "europe"})["activation_code"]
    r = world.call("mdr.activation.new_code", {"code": code, "region": "europe"}).ok()
    expect(r["license"]["current"] and r["next_step"] == "select_tenants" and r["tenants"], r)
    expect("tenant" in r["next_step_text"].lower(), r)
    listed = {t["id"] for t in world.call("mdr.tenants.list").ok()["tenants"]}
    expect({t["tenant_id"] for t in r["tenants"]} >= listed, r["tenants"], listed)
    # as in the first activation: the selection, then the steps that follow it
    world.call("mdr.activation.select_tenants", {"tenants": sorted(listed)}).ok()
    st = world.activate(which="existing_account")
    expect(st["activated"] and sorted(st["selected_tenants"]) == sorted(listed), st)


@suite.case("help_rules__8_no_activation_in_a_cloud_trial_workspace")
def _():
    other = World(sandbox=sbx)
    try:
        expect(other.call("mdr.activation.status").ok()["console_kind"] == "on_premises")
        other.host_ok("server", "console-kind", "cloud_trial")
        st = other.call("mdr.activation.status").ok()
        expect(st["console_kind"] == "cloud_trial" and "trial workspace" in st["console_kind_text"], st)
        other.sign_in().ok()
        sbx.requests(clear=True)
        r = other.call("mdr.activation.activate", {"code": sbx.ready["activation_code"],
                                                   "region": "europe"})
        r.fails("activation_trial_workspace", rc=1)
        expect("trial workspace" in r.error["message"], r)
        expect(not sbx.requests("activation/activate"), "the refused step reached the service")
        other.call("mdr.activation.accept_ksn_statement", {"accepted": True}).fails(
            "activation_trial_workspace")
        ru = other.call("mdr.activation.activate", {"code": sbx.ready["activation_code"],
                                                    "region": "europe"}, lang="ru")
        expect("пробном" in ru.error["message"], ru)
    finally:
        other.cleanup()


@suite.case("help_rules__7_ksn_expiry_names_the_usage_tab_button")
def _():
    st = world.call("mdr.ksn.status").ok()
    world.host_ok("clock", "advance", str((st["installed"]["days_left"] - 20) * 86400000))
    for lang, tab in (("en", "MDR Usage"), ("ru", "Использование MDR"), ("de", "MDR-Nutzung")):
        w = world.call("mdr.ksn.status", lang=lang).ok()["warning"]
        expect(tab in w and "mdr.ksn" not in w, lang, w)


suite.finish(world)
