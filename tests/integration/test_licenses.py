"""Licenses through ksc-host + the module + mdr-sandbox: the Active and All views with every
column and the top panel, rights, the activation code's form checked locally, tier and region
mismatch, add/remove/re-add, both configuration archives (ZIP opened, KSN file verified), an
untrusted KSN file refused before a byte is written, the CSV by tenant against the sandbox's
own counts, and the state following the cloud (refresh, periodic timer, host clock)."""
import csv
import io
import os

from harness import Suite, World, expect
from lt_common import (DAY_MS, check_archive, host_now, out_path, requests_to,
                       sandbox_console)

suite = Suite("licenses")
world = World(batch=True)
sbx = world.sandbox
world.activate()


def licenses(view="active", **kw):
    return world.call("mdr.licenses.list", {"view": view}, **kw).ok()


@suite.case("licenses__list_active_and_all")
def _():
    tab = licenses()
    expect(tab["view"] == "active" and len(tab["licenses"]) == 2, tab)
    l0 = tab["licenses"][0]
    for key in ("id", "name", "connected_assets", "assets_limit", "limit_exceeded", "activation_date",
                "expiration_date", "expiration_warning", "status", "status_text", "at_expiry_text"):
        expect(key in l0, "missing column " + key, l0)
    expect(l0["name"] == f"MDR Expert, {l0['assets_limit']} assets", l0)
    expect(l0["status"] == "Active" and not l0["expiration_warning"], l0)
    s = tab["summary"]
    expect(s["current_licenses"] == 2 and s["functionality"] == "full", s)
    expect(s["connected_assets"] == sum(x["connected_assets"] for x in tab["licenses"]), s)
    expect(s["tier_title"] == "MDR Expert" and s["region"] == "europe", s)
    ru = licenses(lang="ru")["licenses"][0]
    expect(ru["status_text"] == "Активна" and "активов" in ru["name"], ru)


@suite.case("licenses__rights_denied_without_application_integration")
def _():
    world.add_user("sofia", preset="mdr.senior_security_officer")
    for action, req in (("mdr.licenses.list", {}), ("mdr.licenses.add", {"code": "X"}),
                        ("mdr.licenses.remove", {"id": "x", "confirm": True})):
        r = world.call(action, req, user="sofia")
        r.fails("access_denied", rc=3)
        expect("Application Integration" in r.error["message"], r)
    r = world.call("mdr.licenses.archive", {"id": "x"}, user="sofia", output=out_path(world, "d.zip"))
    r.fails("access_denied", rc=3)
    expect(not os.path.exists(out_path(world, "d.zip")), "a file despite the denial")


@suite.case("licenses__code_form_checked_locally")
def _():
    before = len(requests_to(world, "licenses/add"))
    for bad in ("ABC", "ABCDE-12345-FGHIJ-6789", "ABCDE-12345-FGHIJ-67890-1", "ÄBCDE12345FGHIJ67890"):
        r = world.call("mdr.licenses.add", {"code": bad})
        r.fails("license_code_format", rc=4)
    expect(len(requests_to(world, "licenses/add")) == before, "the cloud was asked")


@suite.case("licenses__tier_and_region_must_match")
def _():
    code = sbx.admin("codes/create", {"tier": "optimum", "region": ""})["activation_code"]
    r = world.call("mdr.licenses.add", {"code": code})
    r.fails("license_tier_mismatch", rc=4)
    expect("MDR Expert" in r.error["message"] and "europe" in r.error["message"], r)
    code = sbx.admin("codes/create", {"tier": "expert", "region": "russia"})["activation_code"]
    r = world.call("mdr.licenses.add", {"code": code}, lang="de")
    r.fails("license_region_mismatch", rc=4)
    expect("Region" in r.error["message"] and "europe" in r.error["message"], r)
    expect(len(licenses()["licenses"]) == 2, "a license was added")


@suite.case("licenses__add_remove_and_add_again")
def _():
    code = sbx.admin("codes/create", {"tier": "expert", "region": "europe", "assets_limit": 40,
                                      "term_days": 200})["activation_code"]
    added = world.call("mdr.licenses.add", {"code": code}).ok()
    lid = added["license"]["id"]
    expect(added["license"]["name"] == "MDR Expert, 40 assets", added)
    expect(added["summary"]["current_licenses"] == 3, added)
    r = world.call("mdr.licenses.remove", {"id": lid})
    r.fails("license_confirm_required", rc=4)
    expect(any(x["id"] == lid for x in licenses()["licenses"]), "removed without confirmation")
    gone = world.call("mdr.licenses.remove", {"id": lid, "confirm": True}).ok()
    expect(gone["license"]["status"] == "Removed", gone)
    expect(all(x["id"] != lid for x in licenses()["licenses"]), "still in the Active view")
    expect(any(x["id"] == lid and x["status"] == "Removed" for x in licenses("all")["licenses"]))
    world.call("mdr.licenses.remove", {"id": lid, "confirm": True}).fails("license_not_current", rc=1)
    back = world.call("mdr.licenses.add", {"code": code}).ok()
    expect(back["license"]["id"] == lid and back["license"]["status"] == "Active", back)


@suite.case("licenses__archive_with_blob_and_with_bat")
def _():
    lid = licenses()["licenses"][0]["id"]
    blob = out_path(world, "blob.zip")
    r = world.call("mdr.licenses.archive", {"id": lid, "with": "blob"}, output=blob).ok()
    expect(r["ksn"]["verified"] and r["license_id"] == lid, r)
    check_archive(world, blob, ["ksn_configuration.pem", "mdr_configuration.p7"])
    expect(os.path.getsize(blob) == r["size"], r)
    bat = out_path(world, "bat.zip")
    world.call("mdr.licenses.archive", {"id": lid, "with": "bat"}, output=bat).ok()
    check_archive(world, bat, ["ksn_configuration.pem", "mdr_deploy.bat"])
    world.call("mdr.licenses.archive", {"id": lid, "with": "p7"}, output=bat).fails("not_allowed", rc=4)
    world.call("mdr.licenses.archive", {"id": "MDR-NOPE"}, output=out_path(world, "n.zip")).fails(
        "license_not_found", rc=4)


@suite.case("licenses__untrusted_ksn_file_never_written")
def _():
    lid = licenses()["licenses"][0]["id"]
    sbx.publish_ksn("untrusted")
    try:
        path = out_path(world, "untrusted.zip")
        r = world.call("mdr.licenses.archive", {"id": lid}, output=path)
        r.fails("archive_not_verified", rc=1)
        expect(not os.path.exists(path), "a file was written")
    finally:
        sbx.publish_ksn("normal")
    world.call("mdr.licenses.archive", {"id": lid}, output=out_path(world, "ok.zip")).ok()


@suite.case("licenses__csv_by_tenant_matches_the_sandbox")
def _():
    want = {(x["license_id"], x["tenant_id"] or "", x["assets"])
            for x in sandbox_console(world, "licenses/by-tenant")}
    path = out_path(world, "by_tenant.csv")
    r = world.call("mdr.licenses.export_by_tenant", {}, output=path).ok()
    raw = open(path, "rb").read()
    expect(b"\r\n" in raw and raw.decode("utf-8"), "not CRLF UTF-8")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    expect(rows[0] == ["License", "License ID", "Tenant", "Tenant ID", "Assets", "Asset limit"], rows[0])
    got = {(x[1], x[3], int(x[4])) for x in rows[1:]}
    expect(got == want, "CSV differs from the sandbox", got, want)
    expect(r["rows"] == len(rows) - 1 and r["assets"] == sum(x[2] for x in want), r)
    expect(any(x[2] == "Root without tenants" and x[3] == "" for x in rows[1:]), rows)
    world.call("mdr.licenses.export_by_tenant", {}, output=path, lang="ru").ok()
    head = open(path, encoding="utf-8").readline()
    expect(head.startswith("Лицензия,ID лицензии,Тенант"), head)


@suite.case("licenses__expiry_follows_the_cloud_on_refresh_and_timer")
def _():
    first, second = [x["id"] for x in licenses()["licenses"][:2]]
    sbx.admin("licenses/expire", {"id": first})
    expect(any(x["id"] == first for x in licenses()["licenses"]), "cached view changed by itself")
    r = world.call("mdr.licenses.refresh").ok()
    expect({"license_id": first, "from": "Active", "to": "Expired"}.items() <=
           next(c for c in r["changes"] if c["license_id"] == first).items(), r["changes"])
    expect(all(x["id"] != first for x in licenses()["licenses"]), "still current")
    # the periodic timer refreshes too, at most every 15 minutes of host time
    sbx.admin("licenses/expire", {"id": second})
    world.host_ok("timer")
    expect(any(x["id"] == second for x in licenses()["licenses"]), "refreshed before its time")
    world.host_ok("clock", "advance", str(15 * 60 * 1000 + 1))
    world.host_ok("timer")
    tab = licenses("all")
    expect(next(x for x in tab["licenses"] if x["id"] == second)["status"] == "Expired", tab)


@suite.case("licenses__host_clock_flags_expiry")
def _():
    tab = licenses()
    lic = max(tab["licenses"], key=lambda x: x["expiration_time"])
    left = lic["expiration_time"] - host_now(world)
    world.host_ok("clock", "advance", str(left - 14 * DAY_MS))
    now = licenses()
    row = next(x for x in now["licenses"] if x["id"] == lic["id"])
    expect(row["expiration_warning"] and row["status"] == "Active" and row["days_left"] == 14, row)
    world.host_ok("clock", "advance", str(14 * DAY_MS))
    row = next(x for x in licenses("all")["licenses"] if x["id"] == lic["id"])
    expect(row["status"] == "Expired" and row["at_expiry"] == "telemetry_stopped", row)


suite.finish(world)
