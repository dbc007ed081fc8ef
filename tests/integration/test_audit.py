"""The audit trail through ksc-host + the module + mdr-sandbox: every state-changing action
(activation steps, KSN file, licenses, tenants, grants, health sync) and every export leaves
exactly one record with the right user, server, action, object and result; a tenant update
shows before -> after of what changed; a refused change records its error code; a malformed
request records nothing; the host records its own rights refusals as "denied"; reads record
nothing; `ksc-host audit` filters and refuses anyone but a main administrator; and no secret
(the account's password, activation codes, the sandbox's tokens) is in the audit output or
anywhere in the host's store file."""
import json
import os
import re
import sqlite3

from harness import Suite, World, expect
from lt_common import DAY_MS, account_token, date_of, host_now, out_path

suite = Suite("audit")
world = World(sandbox_args=("--seed", "5", "--assets", "40", "--tenants", "2"), batch=True)
sbx = world.sandbox
SECRETS = set()  # every secret the flow handed over; none may be recorded


def audit(*args, as_user=None):
    r = world.host("audit", *(["--as", as_user] if as_user else []), *args)
    return r


def last_seq():
    recs = audit("--limit", "1").ok()
    return recs[0]["seq"] if recs else 0


def records_since(seq):
    """The records after seq, oldest first."""
    return [r for r in reversed(audit("--limit", "10000").ok()) if r["seq"] > seq]


def one_record(fn, action, user="admin", server="main", result="ok"):
    """Runs fn; expects exactly one new record, of `action`, and returns it with fn's value."""
    seq = last_seq()
    value = fn()
    new = records_since(seq)
    expect(len(new) == 1, f"{action}: expected one record", new)
    rec = new[0]
    expect(rec["action"] == action and rec["user"] == user and rec["server"] == server,
           "who/where/what", rec)
    expect(rec["result"] == result, f"{action}: result {rec['result']}, wanted {result}", rec)
    expect(rec["module"] == "mdr" and isinstance(rec["time_ms"], int) and rec["time"].endswith("Z"),
           rec)
    return rec, value


def no_record(fn, what):
    seq = last_seq()
    value = fn()
    expect(records_since(seq) == [], f"{what} left a record", records_since(seq))
    return value


@suite.case("audit__activation_steps_one_record_each_code_masked")
def _():
    login, password = world.account()
    SECRETS.update([password, sbx.ready["admin_token"]])
    code = sbx.ready["activation_code"]
    SECRETS.update([code, code.replace("-", ""), code.replace("-", "").upper()])
    rec, _ = one_record(lambda: world.sign_in().ok(), "mdr.account.sign_in")
    expect(rec["object"]["kind"] == "account" and rec["object"]["id"] == login, rec)
    expect(rec["category"] == "change", rec)
    no_record(lambda: world.call("mdr.activation.status").ok(), "a status read")
    rec, _ = one_record(lambda: world.call("mdr.activation.activate",
                                           {"code": code, "region": "europe"}).ok(),
                        "mdr.activation.activate")
    tail = re.sub(r"[^A-Za-z0-9]", "", code)[-4:].upper()
    expect(rec["after"]["code"] == "****" + tail and rec["after"]["region"] == "europe", rec)
    st = world.call("mdr.activation.status").ok()
    if st["next_step"] == "select_tenants":
        one_record(lambda: world.call("mdr.activation.select_tenants", {
            "tenants": [t["tenant_id"] for t in st.get("tenants", [])]}).ok(),
            "mdr.activation.select_tenants")
        st = world.call("mdr.activation.status").ok()
    expect(st["next_step"] == "agreements", st)
    rec, _ = one_record(lambda: world.call("mdr.activation.accept_agreements", {
        "agreements": [a["id"] for a in st["agreements"]]}).ok(),
        "mdr.activation.accept_agreements")
    expect(rec["after"]["agreements"] == [a["id"] for a in st["agreements"]], rec)
    rec, _ = one_record(lambda: world.call("mdr.activation.accept_ksn_statement",
                                           {"accepted": True}).ok(),
                        "mdr.activation.accept_ksn_statement")
    expect(rec["after"]["accepted"] is True and rec["after"].get("ksn_version"), rec)
    SECRETS.add(account_token(world))  # signs the account in: the module signs in again
    one_record(lambda: world.sign_in().ok(), "mdr.account.sign_in")


@suite.case("audit__refused_change_records_error_malformed_records_nothing")
def _():
    # a well-formed request refused by the cloud: tried, so recorded with its code
    seq = last_seq()
    r = world.call("mdr.activation.new_code", {"code": "AAAAA-BBBBB-CCCCC-DDDDD",
                                               "region": "europe"})
    new = records_since(seq)
    expect(r.rc != 0 and len(new) == 1 and new[0]["result"] == r.code, new, r)
    expect(new[0]["after"]["code"] == "****DDDD", new)
    expect("AAAAA" not in json.dumps(new), new)
    # malformed: the module's validation refuses it before anything is looked at
    no_record(lambda: world.call("mdr.account.sign_in", {"login": "x"}).fails("missing_field"),
              "a malformed sign-in")
    no_record(lambda: world.call("mdr.tenants.create", {"name": 5}).fails(), "a malformed create")


@suite.case("audit__ksn_update_and_rotation_at_login")
def _():
    rec, r = one_record(lambda: world.call("mdr.ksn.update").ok(), "mdr.ksn.update")
    expect(rec["object"] == {"kind": "ksn_file", "id": "main", "name": None}, rec)
    expect(rec["after"]["version"] == r["version"], rec, r)
    sbx.publish_ksn()
    seq = last_seq()
    world.login("admin")
    new = records_since(seq)
    expect(len(new) == 1 and new[0]["action"] == "mdr.ksn.update", new)
    expect(new[0]["trigger"] == "login" and new[0]["user"] == "admin" and new[0]["result"] == "ok",
           new)
    expect(new[0]["before"]["version"] != new[0]["after"]["version"], new)
    no_record(lambda: world.login("admin"), "a login with the file up to date")


@suite.case("audit__licenses_add_remove_export_and_archive")
def _():
    code = sbx.admin("codes/create", {"tier": "expert", "region": "europe", "assets_limit": 40,
                                      "term_days": 200})["activation_code"]
    SECRETS.update([code, code.replace("-", "")])
    rec, added = one_record(lambda: world.call("mdr.licenses.add", {"code": code}).ok(),
                            "mdr.licenses.add")
    lid = added["license"]["id"]
    expect(rec["object"]["kind"] == "license" and rec["object"]["id"] == lid, rec)
    expect(rec["after"]["code"].startswith("****") and len(rec["after"]["code"]) == 8, rec)
    rec, _ = one_record(lambda: world.call("mdr.licenses.remove", {"id": lid}).fails(
        "license_confirm_required"), "mdr.licenses.remove", result="license_confirm_required")
    rec, _ = one_record(lambda: world.call("mdr.licenses.remove", {"id": lid, "confirm": True})
                        .ok(), "mdr.licenses.remove")
    expect(rec["object"]["id"] == lid and rec["after"]["status"] == "Removed", rec)
    no_record(lambda: world.call("mdr.licenses.list").ok(), "a list")
    no_record(lambda: world.call("mdr.licenses.refresh").ok(), "a refresh")
    csv = out_path(world, "by_tenant.csv")
    rec, _ = one_record(lambda: world.call("mdr.licenses.export_by_tenant", {}, output=csv).ok(),
                        "mdr.licenses.export_by_tenant")
    expect(rec["category"] == "export" and rec["after"]["bytes"] == os.path.getsize(csv), rec)
    current = world.call("mdr.licenses.list").ok()["licenses"][0]["id"]
    rec, _ = one_record(lambda: world.call("mdr.licenses.archive", {"id": current},
                                           output=out_path(world, "lic.zip")).ok(),
                        "mdr.licenses.archive")
    expect(rec["category"] == "export" and rec["object"]["id"] == current, rec)
    expect(rec["after"]["file_name"].endswith(".zip") and rec["after"]["bytes"] > 0, rec)


@suite.case("audit__tenants_create_update_before_after_files_archive_delete_grant")
def _():
    lic = world.call("mdr.licenses.list").ok()["licenses"][0]
    now = host_now(world)
    files = [{"license_id": lic["id"], "expires": date_of(now + 30 * DAY_MS)}]
    rec, t = one_record(lambda: world.call("mdr.tenants.create", {
        "name": "Audited", "description": "first", "config_files": files}).ok(),
        "mdr.tenants.create")
    expect(rec["object"] == {"kind": "tenant", "id": t["id"], "name": "Audited"}, rec)
    expect(rec["after"]["name"] == "Audited" and rec["after"]["description"] == "first", rec)
    # a refused change: the name is taken (the module's rule, before the cloud)
    rec, _ = one_record(lambda: world.call("mdr.tenants.create", {
        "name": "audited", "config_files": files}).fails("tenant_name_taken"),
        "mdr.tenants.create", result="tenant_name_taken")
    rec, _ = one_record(lambda: world.call("mdr.tenants.update", {
        "id": t["id"], "name": "Audited 2", "description": "second"}).ok(), "mdr.tenants.update")
    expect(rec["object"]["id"] == t["id"] and rec["object"]["name"] == "Audited", rec)
    expect(rec["before"] == {"name": "Audited", "description": "first"}, rec)
    expect(rec["after"] == {"name": "Audited 2", "description": "second"}, rec)
    rec, two = one_record(lambda: world.call("mdr.tenants.add_config_file", {
        "id": t["id"], "license_id": lic["id"], "expires": date_of(now + 60 * DAY_MS)}).ok(),
        "mdr.tenants.add_config_file")
    expect(rec["object"]["name"] == "Audited 2" and rec["after"]["license_id"] == lic["id"], rec)
    fid = two["config_files"][0]["file_id"]
    rec, _ = one_record(lambda: world.call("mdr.tenants.delete_config_file", {
        "id": t["id"], "file_id": fid}).ok(), "mdr.tenants.delete_config_file")
    expect(rec["after"] == {"deleted_file_id": fid}, rec)
    rec, _ = one_record(lambda: world.call("mdr.tenants.archive", {"id": t["id"], "kea": True},
                                           output=out_path(world, "t.zip")).ok(),
                        "mdr.tenants.archive")
    expect(rec["category"] == "export" and rec["object"]["name"] == "Audited 2", rec)
    expect(rec["after"]["kea"] is True and rec["after"]["bytes"] > 0, rec)
    world.add_user("olga")
    rec, _ = one_record(lambda: world.call("mdr.tenants.grant", {
        "user": "olga", "tenants": [t["id"]], "root": False}).ok(), "mdr.tenants.grant")
    expect(rec["object"]["kind"] == "user" and rec["object"]["id"] == "olga", rec)
    expect(rec["after"] == {"tenants": [t["id"]], "root": False}, rec)
    no_record(lambda: world.call("mdr.tenants.list").ok(), "a tenants list")
    no_record(lambda: world.call("mdr.tenants.get", {"id": t["id"]}).ok(), "a tenant get")
    rec, _ = one_record(lambda: world.call("mdr.tenants.delete", {"id": t["id"], "confirm": True})
                        .ok(), "mdr.tenants.delete")
    expect(rec["before"]["name"] == "Audited 2" and rec["after"]["deleted"] is True, rec)
    expect(rec["object"]["name"] == "Audited 2", rec)


@suite.case("audit__health_sync_and_export")
def _():
    rec, r = one_record(lambda: world.call("mdr.health.sync", {"full": True}).ok(),
                        "mdr.health.sync")
    expect(rec["after"]["full"] is True and rec["after"]["mode"] == r["mode"], rec)
    no_record(lambda: world.host_ok("timer"), "the timer")
    csv = out_path(world, "health.csv")
    rec, _ = one_record(lambda: world.call("mdr.health.export", {"list": "assets"},
                                           output=csv).ok(), "mdr.health.export")
    expect(rec["category"] == "export" and rec["after"]["bytes"] == os.path.getsize(csv), rec)


@suite.case("audit__rights_denial_recorded_by_the_host")
def _():
    world.host_ok("server", "add-virtual", "branch")
    world.add_user("oleg", preset="mdr.security_officer")   # Incident access only
    rec, _ = one_record(lambda: world.call("mdr.tenants.create", {"name": "Nope"}, user="oleg",
                                           server="branch").fails("access_denied", rc=3),
                        "mdr.tenants.create", user="oleg", server="branch", result="denied")
    expect(rec["category"] == "access" and "mdr.tenant_management" in rec["missing_rights"], rec)


@suite.case("audit__filters_and_only_main_administrators")
def _():
    everything = audit("--limit", "10000").ok()
    seqs = [r["seq"] for r in everything]
    expect(seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs), "newest first")
    oleg = audit("--user", "oleg").ok()
    expect(len(oleg) == 1 and oleg[0]["result"] == "denied", oleg)
    branch = audit("--server", "branch").ok()
    expect([r["seq"] for r in branch] == [oleg[0]["seq"]], branch)
    creates = audit("--action", "mdr.tenants.create").ok()
    expect(len(creates) == 3 and all(r["action"] == "mdr.tenants.create" for r in creates), creates)
    expect(len(audit("--limit", "2").ok()) == 2)
    expect(audit("--since", str(everything[0]["time_ms"] + 1)).ok() == [], "since after the newest")
    newest_day = everything[0]["time"][:10]
    expect(len(audit("--since", newest_day).ok()) >= 1)
    expect(audit("--since", "2999-01-01T00:00:00Z").ok() == [])
    # the acting user: a main administrator only
    r = audit(as_user="oleg")
    r.fails("audit_denied", rc=3)
    expect("main administrator" in r.error["message"], r)
    world.host_ok("user", "add", "root2", "--main-admin", "--lang", "de")
    expect(len(audit("--limit", "1", as_user="root2").ok()) == 1)
    audit(as_user="nobody").fails("unknown_user", rc=4)
    for bad in (("--since", "yesterday"), ("--since", "2026-02-30"), ("--limit", "0"),
                ("--limit", "10001"), ("--limit", "x")):
        r = audit(*bad)
        expect(r.rc == 4 and r.stderr, bad, r)
    expect(audit("--bogus").rc == 2)
    # append-only: the store refuses to change or remove a record
    db = sqlite3.connect(os.path.join(world.dir, "data", "host.db"))
    for sql in ("UPDATE audit SET result = 'ok'", "DELETE FROM audit"):
        try:
            db.execute(sql)
            db.commit()
            expect(False, "the store allowed", sql)
        except sqlite3.DatabaseError as e:
            expect("append-only" in str(e), e)
    db.close()


@suite.case("audit__no_secret_in_the_trail_or_the_store")
def _():
    expect(len(SECRETS) >= 5, "the secrets were collected", SECRETS)
    out = audit("--limit", "10000").stdout
    expect(out.count('"seq"') >= 20, "a full flow was recorded")
    with open(os.path.join(world.dir, "data", "host.db"), "rb") as f:
        store = f.read()
    for wal in ("host.db-wal",):
        p = os.path.join(world.dir, "data", wal)
        if os.path.exists(p):
            with open(p, "rb") as f:
                store += f.read()
    for s in SECRETS:
        expect(s not in out, "a secret in the audit output", s[:4] + "…")
        expect(s.encode() not in store, "a secret in the host store", s[:4] + "…")
    # no token of any shape: JWTs (eyJ…), bearer values, secret-named members with a value
    expect(not re.search(r"eyJ[A-Za-z0-9_-]{8,}\.", out), "a JWT in the audit output")
    for m in re.finditer(r'"([a-z_]*(password|token|secret)[a-z_]*)": "([^"]*)"', out):
        expect(m.group(3) == "***", "a secret-named member", m.group(0)[:40])


suite.finish(world)
