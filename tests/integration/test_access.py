#!/usr/bin/env python3
"""Who sees what (issue 12): tenant visibility follows tenant ids through renames in the
cloud, in every MDR Health answer; a device whose asset belongs to a hidden tenant stays
hidden; a virtual Administration Server's users see only the assets and devices of that
server; a restricted MDR Administrator cannot widen their own (or anyone's) view; refusals
and status counts reveal nothing of hidden tenants."""
import csv
import json
import os

from harness import Suite, World, expect
from lt_common import sandbox_console

SEED, ASSETS, SILENT, TENANTS = 23, 600, 60, 3
ALL = {"last_seen": {"all": True}, "page_size": 500}

suite = Suite("access")
world = World(sandbox_args=("--seed", str(SEED), "--assets", str(ASSETS), "--tenants",
                            str(TENANTS)), batch=True)
world.host_ok("devices", "generate", "--count", str(ASSETS + SILENT), "--never-sent", str(SILENT),
              "--seed", str(SEED), "--tenants", str(TENANTS))
world.host_ok("server", "add-virtual", "vs1")
world.activate()
world.call("mdr.health.sync").ok()


def every(action, request=None, user=None, server=None, key="items"):
    """Every row of a Health list (pages of 500)."""
    rows, page = [], 1
    while True:
        req = dict(request or {}, page=page, page_size=500)
        r = world.call(action, req, user=user, server=server).ok()
        rows += r[key]
        if len(rows) >= r["total"] or not r[key]:
            return rows, r["total"]
        page += 1


def assets(user=None, server=None):
    return every("mdr.health.assets", {"last_seen": {"all": True}}, user=user, server=server)


def tenants():
    return world.call("mdr.tenants.list").ok()["tenants"]


def export_rows(lst, user=None, server=None):
    out = os.path.join(world.tmp, f"export-{lst}-{user}-{server}.csv")
    flt = {"last_seen": {"all": True}} if lst == "assets" else {}
    r = world.call("mdr.health.export", {"list": lst, "filter": flt}, user=user, server=server,
                   output=out).ok()
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    expect(len(rows) == r["rows"], r, len(rows))
    return rows


def device_docs(ids):
    """The console's own description of these devices (`devices list`), ready to import."""
    listed = world.host_ok("devices", "list").json
    by_id = {d["id"]: d for d in listed}
    return [by_id[i] for i in ids]


def import_devices(docs):
    path = os.path.join(world.tmp, "devices.json")
    with open(path, "w") as f:
        json.dump({"devices": docs}, f)
    world.host_ok("devices", "import", path)


def r_ok_asset(r, tenant):
    return r.rc == 0 and r.json["asset"] and r.json["asset"]["tenant"] == tenant


@suite.case("access__device_hidden_when_its_asset_is_in_a_hidden_tenant")
def _():
    ts = tenants()
    b, c = ts[1], ts[2]
    world.add_user("dina", preset="mdr.security_officer")
    world.call("mdr.tenants.grant", {"user": "dina", "tenants": [b["id"]], "root": False}).ok()
    # an asset of C whose console device says it is in B (the two disagree)
    rows, _ = assets()
    a = next(x for x in rows if x["tenant"] == c["name"] and x["ksc_host_id"])
    doc = device_docs([a["ksc_host_id"]])[0]
    doc["tenant"] = b["name"]
    import_devices([doc])
    r = world.call("mdr.health.device", {"device_id": a["ksc_host_id"]}, user="dina")
    expect(r.rc != 0 or (r.json.get("asset") or {}).get("tenant") != c["name"], "C's asset shown", r)
    r.fails("health_device_not_found", rc=4)
    # and the other way round: the console's tenant hidden, the asset's visible
    a2 = next(x for x in rows if x["tenant"] == b["name"] and x["ksc_host_id"])
    doc2 = device_docs([a2["ksc_host_id"]])[0]
    doc2["tenant"] = c["name"]
    import_devices([doc2])
    world.call("mdr.health.device", {"device_id": a2["ksc_host_id"]}, user="dina").fails(
        "health_device_not_found", rc=4)
    doc["tenant"], doc2["tenant"] = c["name"], b["name"]
    import_devices([doc, doc2])
    world.call("mdr.health.device", {"device_id": a2["ksc_host_id"]}, user="dina").ok()


@suite.case("access__virtual_server_users_see_only_its_devices_assets")
def _():
    rows, total = assets()
    expect(total == ASSETS, total)
    moved_assets = [x for x in rows if x["ksc_host_id"]][:40]
    silent = world.call("mdr.health.malfunctioning", {"page_size": 7}).ok()["items"]
    ids = [x["ksc_host_id"] for x in moved_assets] + [d["device_id"] for d in silent]
    docs = device_docs(ids)
    for d in docs:
        d["server"] = "vs1"
    import_devices(docs)
    world.call("mdr.health.sync").ok()
    world.add_user("vic", preset="mdr.security_officer", server="vs1")
    mine, n = assets(user="vic", server="vs1")
    expect(n == len(moved_assets), n)
    expect({x["asset_id"] for x in mine} == {x["asset_id"] for x in moved_assets}, mine[:2])
    expect(all(x["ksc_server"] == "vs1" for x in mine), mine[:2])
    s = world.call("mdr.health.summary", {"per_tenant": True}, user="vic", server="vs1").ok()
    expect(s["total"] == n and s["malfunctioning"] == len(silent), s)
    expect(sum(t["total"] for t in s["tenants"]) == n, s)
    m, mn = every("mdr.health.malfunctioning", user="vic", server="vs1")
    expect(mn == len(silent) and all(x["ksc_server"] == "vs1" for x in m), m)
    expect(len(export_rows("assets", "vic", "vs1")) == n)
    expect(len(export_rows("malfunctioning", "vic", "vs1")) == len(silent))
    st = world.call("mdr.health.status", user="vic", server="vs1").ok()
    expect(st["assets"] == n and st["malfunctioning"] == len(silent), st)
    expect(st["devices"] == len(ids), st)
    # a device of main is not there for vs1's user; one of vs1 is
    main_dev = next(x for x in rows if x["ksc_host_id"] and x["ksc_host_id"] not in ids)
    world.call("mdr.health.device", {"device_id": main_dev["ksc_host_id"]}, user="vic",
               server="vs1").fails("health_device_not_found", rc=4)
    d = world.call("mdr.health.device", {"device_id": ids[0]}, user="vic", server="vs1").ok()
    expect(d["ksc_server"] == "vs1" and d["asset"], d)
    # the main server's administrator still sees everything
    expect(assets()[1] == ASSETS)


@suite.case("access__grants_follow_tenant_ids_through_cloud_renames")
def _():
    ts = tenants()
    a, c = ts[0], ts[2]
    per = {x["tenant"]: x["total"] for x in
           world.call("mdr.health.summary", {"per_tenant": True}).ok()["tenants"]}
    a_count, c_count = per.get(a["name"], 0), per.get(c["name"], 0)
    expect(a_count > 0 and c_count > 0 and a_count != c_count, per)
    world.add_user("olga", preset="mdr.security_officer")
    world.call("mdr.tenants.grant", {"user": "olga", "tenants": [a["id"]], "root": False}).ok()
    before, n = assets(user="olga")
    expect(n == a_count, n, a_count)
    # in the cloud (not through the module): A becomes "A old", C takes A's former name
    old = a["name"][:90] + " old"
    sandbox_console(world, "tenants/update", {"tenant_id": a["id"], "name": old})
    sandbox_console(world, "tenants/update", {"tenant_id": c["id"], "name": a["name"]})
    world.call("mdr.health.sync", {"full": True}).ok()
    mine, n = assets(user="olga")
    expect(n == a_count and all(x["tenant"] == old for x in mine), n, a_count, mine[:2])
    expect({x["asset_id"] for x in mine} == {x["asset_id"] for x in before}, "other assets")
    s = world.call("mdr.health.summary", {"per_tenant": True}, user="olga").ok()
    expect(s["total"] == a_count and [t["tenant"] for t in s["tenants"]] == [old], s)
    expect(len(export_rows("assets", "olga")) == a_count)
    st = world.call("mdr.health.status", user="olga").ok()
    expect(st["assets"] == a_count, st)
    # the console still files the device under A's former name, now C's: hidden until the
    # console's inventory follows the rename too
    dev = mine[0]["ksc_host_id"]
    world.call("mdr.health.device", {"device_id": dev}, user="olga").fails(
        "health_device_not_found", rc=4)
    doc = device_docs([dev])[0]
    doc["tenant"] = old
    import_devices([doc])
    d = world.call("mdr.health.device", {"device_id": dev}, user="olga")
    expect(r_ok_asset(d, old), d)
    # a plain incremental sync after a rename notices it too (no full sync asked for)
    sandbox_console(world, "tenants/update", {"tenant_id": a["id"], "name": old + "2"})
    r = world.call("mdr.health.sync").ok()
    expect(r["mode"] == "full", r)
    mine, n = assets(user="olga")
    expect(n == a_count and all(x["tenant"] == old + "2" for x in mine), n, mine[:2])


@suite.case("access__status_shows_only_the_users_scope")
def _():
    world.add_user("sam", preset="mdr.security_officer")
    b = tenants()[1]
    world.call("mdr.tenants.grant", {"user": "sam", "tenants": [b["id"]], "root": False}).ok()
    _, n = assets(user="sam")
    st = world.call("mdr.health.status", user="sam").ok()
    expect(st["assets"] == n and n < ASSETS, st, n)
    expect(st["malfunctioning"] == world.call("mdr.health.malfunctioning", user="sam").ok()["total"],
           st)
    for k in ("fetched", "assets", "changed", "removed", "devices"):
        expect(k not in (st.get("last_result") or {}), "global figure in last_result", st)
    full = world.call("mdr.health.status").ok()
    expect(full["assets"] == assets()[1] and "fetched" in full["last_result"], full)


@suite.case("access__restricted_administrator_cannot_widen_access")
def _():
    ts = tenants()
    a, b = ts[0], ts[1]
    world.add_user("rita", preset="mdr.administrator")
    world.add_user("pete", preset="mdr.security_officer")
    world.call("mdr.tenants.grant", {"user": "rita", "tenants": [a["id"]], "root": False}).ok()
    r = world.call("mdr.tenants.grant", {"user": "rita", "all": True}, user="rita")
    r.fails("tenant_grant_beyond_own", rc=3)
    r = world.call("mdr.tenants.grant", {"user": "pete", "all": True}, user="rita")
    r.fails("tenant_grant_beyond_own", rc=3)
    world.call("mdr.tenants.grant", {"user": "pete", "tenants": [a["id"]], "root": True},
               user="rita").fails("tenant_grant_beyond_own", rc=3)
    # a hidden tenant is as unknown as one that does not exist
    r = world.call("mdr.tenants.grant", {"user": "pete", "tenants": [b["id"]]}, user="rita")
    r.fails("tenant_not_found", rc=4)
    r2 = world.call("mdr.tenants.grant", {"user": "pete", "tenants": ["no-such-tenant"]}, user="rita")
    expect(r2.code == r.code and r2.rc == r.rc, r, r2)
    seen = world.call("mdr.tenants.list", user="rita").ok()
    expect([x["id"] for x in seen["tenants"]] == [a["id"]], seen)
    # within their own view they may still grant
    world.call("mdr.tenants.grant", {"user": "pete", "tenants": [a["id"]]}, user="rita").ok()
    g = world.call("mdr.tenants.grants", user="rita").ok()
    names = {t["id"] for u in g["restricted_users"] for t in u["tenants"]}
    expect(names <= {a["id"]}, "the grants list shows hidden tenants", g)


@suite.case("access__name_refusal_does_not_reveal_a_hidden_tenant")
def _():
    ts = tenants()
    a, b = ts[0], ts[1]
    hidden = world.call("mdr.tenants.create", {"name": b["name"].upper()}, user="rita")
    visible = world.call("mdr.tenants.create", {"name": a["name"].upper()}, user="rita")
    hidden.fails(rc=1)
    visible.fails(rc=1)
    expect(hidden.code == visible.code == "tenant_name_unavailable", hidden, visible)
    expect(b["name"].lower() not in hidden.error["message"].lower(), hidden)
    expect(hidden.error.get("details") == visible.error.get("details") or
           set(hidden.error["details"]) == set(visible.error["details"]), hidden, visible)
    mine = world.call("mdr.tenants.create", {"name": "Rita's own"}, user="rita").ok()
    r = world.call("mdr.tenants.update", {"id": mine["id"], "name": b["name"]}, user="rita")
    r.fails("tenant_name_unavailable", rc=1)
    # an unrestricted administrator is told plainly
    world.call("mdr.tenants.create", {"name": b["name"]}).fails("tenant_name_taken", rc=1)


suite.finish(world)
