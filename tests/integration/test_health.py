#!/usr/bin/env python3
"""MDR Health end to end: the sandbox's assets and ksc-host's inventory from one seed, synced
by the module, listed, exported, summarized; deletions and renames followed; injected faults
keep the old data; a user sees only the tenants granted to them."""
import csv
import io
import os

from harness import Suite, World, expect

SEED, ASSETS, SILENT, TENANTS = 11, 3000, 400, 3

suite = Suite("health")
world = World(sandbox_args=("--seed", str(SEED), "--assets", str(ASSETS), "--tenants",
                            str(TENANTS)), batch=True)
world.host_ok("devices", "generate", "--count", str(ASSETS + SILENT), "--never-sent", str(SILENT),
              "--seed", str(SEED), "--tenants", str(TENANTS))
world.activate()


def assets(request=None, user=None):
    return world.call("mdr.health.assets", request or {"last_seen": {"all": True}}, user=user).ok()


def tenants():
    t = world.call("mdr.tenants.list").ok()
    return t["tenants"] if isinstance(t, dict) else t


@suite.case("health__full_sync_joins_the_inventory")
def _():
    r = world.call("mdr.health.sync").ok()
    expect(r["mode"] == "full" and r["reason"] == "first", r)
    expect(r["assets"] == ASSETS and r["devices"] == ASSETS + SILENT, r)
    expect(assets()["total"] == ASSETS)
    m = world.call("mdr.health.malfunctioning", {"page_size": 5}).ok()
    expect(m["total"] == SILENT, m)
    s = world.call("mdr.health.summary", {"per_tenant": True}).ok()
    expect(s["total"] == ASSETS and s["malfunctioning"] == SILENT, s)
    expect(sum(x["count"] for x in s["by_status"]) == ASSETS, s)
    st = world.call("mdr.health.status").ok()
    expect(st["last_good_sync"] and not st["running"] and st["last_error"] is None, st)
    # every asset of the seed matches a console device
    first = assets({"last_seen": {"all": True}, "page_size": 1})["items"][0]
    expect(first["device"] and first["device"]["ksc_server"] == "main", first)
    d = world.call("mdr.health.device", {"device_id": first["ksc_host_id"]}).ok()
    expect(d["sent_telemetry"] and d["asset"]["asset_id"] == first["asset_id"], d)


@suite.case("health__incremental_sync_with_nothing_changed")
def _():
    r = world.call("mdr.health.sync").ok()
    expect(r["mode"] == "incremental" and r["changed"] == 0 and r["removed"] == 0, r)


@suite.case("health__export_streams_the_whole_list_as_csv")
def _():
    out = os.path.join(world.tmp, "assets.csv")
    r = world.call("mdr.health.export", {"list": "assets", "filter": {"last_seen": {"all": True}},
                                         "sort": "host_name:asc"}, output=out, lang="fr").ok()
    expect(r["rows"] == ASSETS, r)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    expect(rows[0][0] == "Nom de l'actif", rows[0])
    expect(len(rows) == ASSETS + 1, len(rows))
    names = [row[0].lower() for row in rows[1:]]
    expect(names == sorted(names), "not sorted by name")
    out2 = os.path.join(world.tmp, "silent.csv")
    r = world.call("mdr.health.export", {"list": "malfunctioning"}, output=out2).ok()
    with open(out2, newline="", encoding="utf-8") as f:
        expect(len(list(csv.reader(f))) == SILENT + 1)
    # a failed export never leaves a file
    bad = os.path.join(world.tmp, "bad.csv")
    r = world.call("mdr.health.export", {"list": "nothing"}, output=bad)
    expect(r.rc == 4 and not os.path.exists(bad), r)


@suite.case("health__faults_keep_the_previous_data")
def _():
    before = assets()["total"]
    # more 503s than the retries of a page (3 sync attempts x 3 client attempts) absorb
    world.sandbox.fault("assets/list", count=40, status=503)
    r = world.call("mdr.health.sync", {"full": True})
    expect(r.rc == 1, r)
    st = world.call("mdr.health.status").ok()
    expect(st["last_error"] and st["last_error"]["code"] == "cloud", st)
    expect(assets()["total"] == before)
    # the few faults left are absorbed by the retries of the next sync
    r = world.call("mdr.health.sync", {"full": True}).ok()
    expect(r["assets"] == before, r)
    st = world.call("mdr.health.status").ok()
    expect(st["last_error"] is None, st)


@suite.case("health__a_user_sees_only_granted_tenants")
def _():
    ts = tenants()
    expect(len(ts) >= 2, ts)
    world.add_user("olga", preset="mdr.security_officer")
    world.call("mdr.tenants.grant", {"user": "olga", "tenants": [ts[0]["name"]], "root": False}).ok()
    mine = assets(user="olga")
    expect(0 < mine["total"] < ASSETS, mine["total"])
    expect(all(a["tenant"].lower() == ts[0]["name"].lower() for a in mine["items"]), mine)
    s = world.call("mdr.health.summary", user="olga").ok()
    expect(s["total"] == mine["total"], s)


@suite.case("health__renamed_and_deleted_tenants_follow")
def _():
    world.call("mdr.health.sync").ok()  # a good sync to compare with
    ts = tenants()
    t = ts[-1]
    world.call("mdr.tenants.update", {"id": t["id"], "name": t["name"] + " Renamed"}).ok()
    r = world.call("mdr.health.sync").ok()
    expect(r["mode"] == "full" and r["reason"] == "tenants_changed", r)
    # assets follow the cloud's new name (the console's devices keep theirs)
    per = {x["tenant"]: x["total"] for x in
           world.call("mdr.health.summary", {"per_tenant": True}).ok()["tenants"]}
    expect(per.get(t["name"] + " Renamed", 0) > 0 and per.get(t["name"], 0) == 0, per)
    before = assets()["total"]
    world.call("mdr.tenants.delete", {"id": t["id"], "confirm": True}).ok()
    r = world.call("mdr.health.sync").ok()
    # the tenant list changed (one fewer): every asset is read again (health_tenants)
    expect(r["removed"] > 0 and r["reason"] == "tenants_changed", r)
    expect(assets()["total"] == before - r["removed"])
    m = world.call("mdr.health.malfunctioning").ok()
    expect(m["total"] == SILENT + r["removed"], m["total"])


@suite.case("health__console_inventory_changes_follow")
def _():
    # the host's inventory revision moves with every device written: each change is read
    before = world.call("mdr.health.malfunctioning").ok()["total"]
    dev_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    doc = os.path.join(world.tmp, "one-device.json")
    for state in ("Failed", "No license"):
        with open(doc, "w") as f:
            f.write('{"devices": [{"id": "%s", "name": "late-joiner", "mdr_state": "%s"}]}'
                    % (dev_id, state))
        world.host_ok("devices", "import", doc)
        r = world.call("mdr.health.sync").ok()
        expect(r["mode"] == "incremental", r)
        m = world.call("mdr.health.malfunctioning", {"search": "late-joiner"}).ok()
        expect(m["total"] == 1 and m["items"][0]["mdr_state"] == state, state, m)
    expect(world.call("mdr.health.malfunctioning").ok()["total"] == before + 1)
    # nothing changed since: the same answer without reading the inventory again
    r = world.call("mdr.health.sync").ok()
    expect(r["changed"] == 0 and r["devices"] == ASSETS + SILENT + 1, r)


suite.finish(world)
