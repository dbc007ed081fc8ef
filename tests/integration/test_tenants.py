"""Tenants through ksc-host + the module + mdr-sandbox: the list order, rights, every limit at
its edge (100-/101-character names, 2000/2001 descriptions, expiry on and before the
license's last day, the 100th and 101st tenant), editing with the archive regenerated,
configuration files deleted only while another remains, both archives (ZIP opened, KSN file
verified), deleting a tenant with assets, per-user visibility, and the end of a tenant's
lifetime on the host clock."""
import os

from harness import Suite, World, expect
from lt_common import (DAY_MS, check_archive, date_of, host_now, last_day_ms, out_path,
                       requests_to)

suite = Suite("tenants")
world = World(batch=True)
sbx = world.sandbox
world.activate()


def tenants(**kw):
    return world.call("mdr.tenants.list", **kw).ok()


def a_license():
    return world.call("mdr.licenses.list").ok()["licenses"][0]


def create(name, **fields):
    return world.call("mdr.tenants.create", dict(name=name, **fields))


@suite.case("tenants__list_sorted_by_expiration_descending")
def _():
    lic = a_license()
    now = host_now(world)
    for i, days in enumerate((40, 90, 10)):
        create(f"Sorted {i}", config_files=[{"license_id": lic["id"],
                                             "expires": date_of(now + days * DAY_MS)}]).ok()
    t = tenants()
    exp = [x["expiration_time"] or 0 for x in t["tenants"]]
    expect(exp == sorted(exp, reverse=True), exp)
    expect(t["max"] == 100 and t["root"]["name"] == "Root without tenants", t)


@suite.case("tenants__rights_denied")
def _():
    world.add_user("oleg", preset="mdr.security_officer")        # Incident access only
    r = world.call("mdr.tenants.list", user="oleg")
    r.fails("access_denied", rc=3)
    expect("Tenant management" in r.error["message"], r)
    world.add_user("tina", extra_areas=["mdr.tenant_management"])  # no Incident access
    r = world.call("mdr.tenants.create", {"name": "Nope"}, user="tina")
    r.fails("access_denied", rc=3)
    expect("Incident access" in r.error["message"], r)
    expect(all(x["name"] != "Nope" for x in tenants()["tenants"]))


@suite.case("tenants__name_100_and_101_characters")
def _():
    before = len(requests_to(world, "tenants/create"))
    r = create("N" * 101)
    r.fails("tenant_name_too_long", rc=4)
    expect("101" in r.error["message"] and "100" in r.error["message"], r)
    create("Тенант").fails("tenant_name_invalid", rc=4)
    create("   ").fails("tenant_name_invalid", rc=4)
    expect(len(requests_to(world, "tenants/create")) == before, "the cloud was asked")
    t = create("N" * 100).ok()
    expect(t["name"] == "N" * 100 and t["status"] == "Active", t)
    create("n" * 100).fails("tenant_name_taken", rc=1)


@suite.case("tenants__description_2000_and_2001_characters")
def _():
    create("Described", description="d" * 2001).fails("tenant_description_too_long", rc=4)
    t = create("Described", description="line\n" + "d" * 1995).ok()
    expect(len(t["description"]) == 2000, t)


@suite.case("tenants__expiry_on_and_before_the_license_last_day")
def _():
    lic = a_license()
    last = last_day_ms(lic["expiration_time"])
    r = create("Edge", config_files=[{"license_id": lic["id"], "expires": date_of(last)}])
    r.fails("tenant_expires_after_license", rc=4)
    expect(date_of(last) in r.error["message"] and date_of(last - DAY_MS) in r.error["message"], r)
    r = create("Edge", config_files=[{"license_id": lic["id"], "expires": date_of(last - DAY_MS)}])
    t = r.ok()
    expect(t["expiration_date"] == date_of(last - DAY_MS), t)
    create("Past", config_files=[{"license_id": lic["id"], "expires": "2020-01-01"}]).fails(
        "tenant_expires_past", rc=4)
    create("NoFile", config_files=[]).fails("tenant_config_file_required", rc=4)


@suite.case("tenants__edit_regenerates_and_last_file_stays")
def _():
    lic = a_license()
    now = host_now(world)
    t = create("Editable", config_files=[{"license_id": lic["id"],
                                          "expires": date_of(now + 30 * DAY_MS)}]).ok()
    u = world.call("mdr.tenants.update", {"id": t["id"], "description": "new"}).ok()
    expect(u["archive_regenerated"] and u["revision"] > t["revision"] and u["description"] == "new", u)
    world.call("mdr.tenants.update", {"id": t["id"], "config_files": []}).fails(
        "tenant_last_config_file", rc=1)
    fid = t["config_files"][0]["file_id"]
    world.call("mdr.tenants.delete_config_file", {"id": t["id"], "file_id": fid}).fails(
        "tenant_last_config_file", rc=1)
    two = world.call("mdr.tenants.add_config_file", {"id": t["id"], "license_id": lic["id"],
                                                     "expires": date_of(now + 60 * DAY_MS)}).ok()
    expect(len(two["config_files"]) == 2 and two["expiration_date"] == date_of(now + 60 * DAY_MS), two)
    one = world.call("mdr.tenants.delete_config_file", {"id": t["id"], "file_id": fid}).ok()
    expect(len(one["config_files"]) == 1, one)
    off = world.call("mdr.tenants.update", {"id": t["id"], "active": False}).ok()
    expect(off["status"] == "Inactive" and off["inactive_reason"] == "switched_off", off)
    world.call("mdr.tenants.update", {"id": t["id"]}).fails("tenant_update_empty", rc=4)


@suite.case("tenants__archive_with_and_without_kea")
def _():
    t = next(x for x in tenants()["tenants"] if x["status"] == "Active")
    with_kea = out_path(world, "kea.zip")
    r = world.call("mdr.tenants.archive", {"id": t["id"], "kea": True}, output=with_kea).ok()
    expect(r["variant"] == "with_kea" and r["ksn"]["verified"], r)
    check_archive(world, with_kea, ["ksn_configuration.pem", "mdr_configuration.p7", "mdr_deploy.bat"])
    without = out_path(world, "nokea.zip")
    world.call("mdr.tenants.archive", {"id": t["id"], "kea": False}, output=without).ok()
    check_archive(world, without, ["ksn_configuration.pem", "mdr_configuration.p7"])


@suite.case("tenants__delete_with_assets_needs_confirmation")
def _():
    t = next(x for x in tenants()["tenants"] if x["assets"] > 0)
    r = world.call("mdr.tenants.delete", {"id": t["id"]})
    r.fails("tenant_has_assets", rc=1)
    expect(str(t["assets"]) in r.error["message"] and "root tenant" in r.error["message"], r)
    expect(any(x["id"] == t["id"] for x in tenants()["tenants"]), "deleted without confirmation")
    d = world.call("mdr.tenants.delete", {"id": t["id"], "confirm": True}).ok()
    expect(d["deleted"] and d["disconnected_assets"] == t["assets"], d)
    expect(all(x["id"] != t["id"] for x in tenants()["tenants"]), "still listed")
    world.call("mdr.tenants.get", {"id": t["id"]}).fails("tenant_not_found", rc=4)
    empty = create("Empty").ok()
    # no assets: still asked (help's rule 6), then deleted when confirmed
    world.call("mdr.tenants.delete", {"id": empty["id"]}).fails("tenant_delete_unconfirmed", rc=1)
    expect(any(x["id"] == empty["id"] for x in tenants()["tenants"]), "deleted without confirmation")
    world.call("mdr.tenants.delete", {"id": empty["id"], "confirm": True}).ok()


@suite.case("tenants__users_see_only_granted_tenants")
def _():
    world.add_user("vera", extra_areas=["mdr.incident_access", "mdr.tenant_management"])
    listed = tenants()["tenants"]
    a, b = listed[0], listed[1]
    world.call("mdr.tenants.grant", {"user": "vera", "tenants": [a["name"]]}, user="vera").fails(
        "access_denied", rc=3)
    g = world.call("mdr.tenants.grant", {"user": "vera", "tenants": [a["id"]], "root": False}).ok()
    expect(g["restricted_users"][0]["user"] == "vera", g)
    seen = tenants(user="vera")
    expect([x["id"] for x in seen["tenants"]] == [a["id"]] and not seen["root"]["visible"], seen)
    world.call("mdr.tenants.get", {"id": b["id"]}, user="vera").fails("tenant_not_found", rc=4)
    mine = world.call("mdr.tenants.create", {"name": "Vera's own"}, user="vera").ok()
    expect({x["id"] for x in tenants(user="vera")["tenants"]} == {a["id"], mine["id"]})
    world.call("mdr.tenants.grant", {"user": "nobody", "all": True}).fails("tenant_grant_user_unknown", rc=4)
    world.call("mdr.tenants.grant", {"user": "vera", "all": True}).ok()
    expect(len(tenants(user="vera")["tenants"]) == len(tenants()["tenants"]))


@suite.case("tenants__100th_and_101st_tenant")
def _():
    count = tenants()["organization_tenants"]
    for i in range(count, 99):
        create(f"Fill {i:03d}").ok()
    expect(tenants()["organization_tenants"] == 99)
    create("The 100th").ok()
    before = len(requests_to(world, "tenants/create"))
    r = create("The 101st")
    r.fails("tenant_limit", rc=1)
    expect("100" in r.error["message"], r)
    expect(len(requests_to(world, "tenants/create")) == before, "the cloud was asked")
    expect(tenants()["organization_tenants"] == 100)


@suite.case("tenants__inactive_at_end_of_lifetime_by_host_clock")
def _():
    t = next(x for x in tenants()["tenants"] if x["name"] == "Sorted 2")  # expires in 10 days
    expect(t["status"] == "Active", t)
    world.host_ok("clock", "advance", str(11 * DAY_MS))
    t = world.call("mdr.tenants.get", {"id": t["id"]}).ok()
    expect(t["status"] == "Inactive" and t["inactive_reason"] == "lifetime_ended", t)
    r = world.call("mdr.tenants.update", {"id": t["id"], "active": True})
    r.fails("tenant_lifetime_ended", rc=1)
    path = out_path(world, "ended.zip")
    world.call("mdr.tenants.archive", {"id": t["id"]}, output=path).fails("tenant_lifetime_ended", rc=1)
    expect(not os.path.exists(path))


suite.finish(world)
