#!/usr/bin/env python3
"""The Getting Started tab (mdr.wizard.get, mdr.wizard.create_roles) through ksc-host + the
module + mdr-sandbox: every step starts not done on a fresh console and turns done only when
the real state changes (roles made, MDR activated, a configuration file written, the KSN file
installed, MDR configured on the devices, MDR Health synchronized); the configuration file
step says when it is not needed; a user without Incident access is told they see only this
tab; the roles are created once and reported after."""
import json
import os

from harness import Suite, World, expect

suite = Suite("wizard")
world = World()
sbx = world.sandbox


def wizard(**kw):
    return world.call("mdr.wizard.get", **kw).ok()


def step(name, **kw):
    return next(s for s in wizard(**kw)["steps"] if s["id"] == name)


def import_devices(w, devices):
    path = os.path.join(w.tmp, "devices.json")
    with open(path, "w") as f:
        json.dump({"devices": devices}, f)
    w.host_ok("devices", "import", path)


def device(i, code="KES", version="12.6.0.438", configured=False, tenant=""):
    return {"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"WS-{i}", "group": "Managed devices",
            "server": "main", "tenant": tenant, "mdr_state": "Running", "self_defense": True,
            "applications": [{"code": code, "name": "Kaspersky Endpoint Security for Windows",
                              "version": version, "mdr_configured": configured,
                              "components": [{"name": "Managed Detection and Response",
                                              "state": "Running"}]}]}


@suite.case("wizard__fresh_console_nothing_done")
def _():
    w = wizard()
    expect(w["total"] == 6 and w["done"] == 0 and not w["complete"], w)
    expect([s["id"] for s in w["steps"]] == ["roles", "activation", "configuration_file", "kpsn",
                                            "applications", "health"], w)
    expect(w["next_step"] == "roles" and w["next_action"] == "mdr.wizard.create_roles", w)
    act = step("activation")
    expect("United States" in act["text"], act)
    health = step("health")
    expect(health["see_also"] == ["mdr.settings.get", "mdr.connections.list"], health)
    ru = wizard(lang="ru")
    expect(ru["steps"][0]["title"] == "Создание ролей MDR" and "MDR" in ru["steps"][0]["why"], ru)


@suite.case("wizard__roles_created_once_then_reported")
def _():
    world.add_user("ina", extra_areas=["ksc.application_integration"])
    world.call("mdr.wizard.create_roles", user="ina").fails("wizard_roles_denied", rc=3)
    expect(not step("roles")["done"], "a refused creation marked the step")
    r = world.call("mdr.wizard.create_roles").ok()
    expect(sorted(r["created"]) == ["mdr.administrator", "mdr.security_officer",
                                    "mdr.senior_security_officer"] and r["already_present"] == [], r)
    s = step("roles")
    expect(s["done"] and s["details"]["missing"] == [], s)
    again = world.call("mdr.wizard.create_roles").ok()
    expect(again["created"] == [] and len(again["already_present"]) == 3, again)
    roles = [x["name"] for x in world.host_ok("role", "list").json]
    expect(roles.count("mdr.administrator") == 1, roles)


@suite.case("wizard__only_getting_started_without_incident_access")
def _():
    w = wizard(user="ina")
    expect(w["other_tabs_visible"] is False and "Getting Started" in w["other_tabs_text"], w)
    world.call("mdr.licenses.list", user="ina").fails("access_denied", rc=3)
    expect(wizard()["other_tabs_visible"] is True)


@suite.case("wizard__activation_kpsn_and_configuration_file_follow_the_state")
def _():
    expect(not step("activation")["done"] and not step("kpsn")["done"])
    world.activate()
    a = step("activation")
    expect(a["done"] and a["why"] == "MDR is activated.", a)
    k = step("kpsn")
    expect(k["done"] and k["details"]["without_kpsn"] == [], k)
    world.host_ok("server", "add-virtual", "vs1")  # a virtual server uses the main's file
    expect(step("kpsn")["done"])
    c = step("configuration_file")
    expect(not c["done"] and not c["not_needed"], c)
    lic = world.call("mdr.licenses.list").ok()["licenses"][0]
    world.call("mdr.licenses.archive", {"id": lic["id"]},
               output=os.path.join(world.tmp, "root.zip")).ok()
    c = step("configuration_file")
    expect(c["done"] and c["details"]["from"] == "licenses/archive", c)


@suite.case("wizard__applications_counted_per_product_and_version")
def _():
    import_devices(world, [device(1, configured=True), device(2), device(3, version="12.4.0.467")])
    a = step("applications")
    expect(not a["done"] and a["details"]["ports"] == [443, 1443], a)
    expect("1 of 3" in a["why"] and "2 are left" in a["why"], a)
    by = {(p["code"], p["version"]): p for p in a["details"]["products"]}
    expect(by[("KES", "12.6.0.438")]["devices"] == 2 and by[("KES", "12.6.0.438")]["left"] == 1, by)
    import_devices(world, [device(2, configured=True), device(3, version="12.4.0.467",
                                                               configured=True)])
    expect(step("applications")["done"])


@suite.case("wizard__health_checked_after_a_sync")
def _():
    expect(not step("health")["done"])
    world.call("mdr.health.sync").ok()
    h = step("health")
    expect(h["done"] and "assets send telemetry" in h["why"], h)
    expect(h["details"]["assets"] >= 0 and h["details"]["never_sent"] >= 0, h)


@suite.case("wizard__configuration_file_not_needed_for_kes_12_6_root_only")
def _():
    other = World(sandbox=sbx)
    try:
        import_devices(other, [device(1), device(2, version="12.7.0.100")])
        c = next(s for s in other.call("mdr.wizard.get").ok()["steps"]
                 if s["id"] == "configuration_file")
        expect(c["done"] and c["not_needed"] and "12.6" in c["why"], c)
        import_devices(other, [device(3, tenant="Acme")])  # a tenant: the file is needed
        c = next(s for s in other.call("mdr.wizard.get").ok()["steps"]
                 if s["id"] == "configuration_file")
        expect(not c["done"] and not c["not_needed"], c)
    finally:
        other.cleanup()


suite.finish(world)
