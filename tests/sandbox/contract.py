#!/usr/bin/env python3
"""Contract tests of mdr-sandbox's public REST API, tokens, tenants, faults and state, over
HTTPS. Usage: contract.py PATH/TO/mdr-sandbox. Prints "N passed, N failed"."""
import base64
import json
import os
import socket
import ssl
import sys
import tempfile
import time
import traceback

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sandboxrun import Sandbox  # noqa: E402

BIN = sys.argv[1]
SB = None
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def ok(r, status=200):
    assert r.status_code == status, (r.status_code, r.text[:300])
    return r.json()


def err(r, status):
    assert r.status_code == status, (r.status_code, r.text[:300])
    body = r.json()
    assert set(body["error"]) >= {"code", "message"}, body
    return body


def full():
    if not hasattr(full, "c"):
        full.c = SB.connect("Full tester", "full")
    return full.c


def call(path, body=None, conn=None):
    cid, access, _ = conn or full()
    return SB.post(cid, path, body if body is not None else {}, access)


def all_assets(body):
    out, page = [], 1
    while True:
        b = dict(body, page=page, page_size=100, sort="first_seen:asc")
        chunk = ok(call("assets/list", b))
        if not chunk:
            return out
        out += chunk
        page += 1


# ---------------------------------------------------------------- the ready line

@test
def server__ready_line_follows_the_contract():
    r = SB.ready
    port = r["base_url"].split(":")[2].split("/")[0]
    assert r["base_url"] == f"https://127.0.0.1:{port}/api/v1"
    assert r["admin_url"] == f"https://127.0.0.1:{port}/admin"
    assert len(r["admin_token"]) == 64
    # filled by the service side when it is built in
    for key in ("account", "existing_account"):
        if key in r:
            assert r[key]["login"] and r[key]["password"]
    if "ksn_trust_anchor" in r:
        assert os.path.exists(r["ksn_trust_anchor"])


# ---------------------------------------------------------------- tokens

@test
def tokens__console_refresh_token_is_a_jwt_valid_24h():
    c = SB.admin("connections", {"name": "jwt", "rights": "full"})
    claims = json.loads(base64.urlsafe_b64decode(c["refresh_token"].split(".")[1] + "=="))
    assert abs(claims["exp"] - (time.time() + 24 * 3600)) < 120, claims
    assert len(c["client_id"]) == 32 and all(ch in "0123456789abcdef" for ch in c["client_id"])


@test
def tokens__confirm_gives_1h_access_and_7d_refresh():
    c = SB.admin("connections", {"name": "exp", "rights": "full"})
    t = ok(SB.post(c["client_id"], "session/confirm", {"refresh_token": c["refresh_token"]}))
    exp = lambda tok: json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))["exp"]
    assert abs(exp(t["access_token"]) - (time.time() + 3600)) < 120
    assert abs(exp(t["refresh_token"]) - (time.time() + 7 * 86400)) < 120


@test
def tokens__refresh_token_is_single_use():
    c = SB.admin("connections", {"name": "once", "rights": "full"})
    ok(SB.post(c["client_id"], "session/confirm", {"refresh_token": c["refresh_token"]}))
    err(SB.post(c["client_id"], "session/confirm", {"refresh_token": c["refresh_token"]}), 401)


@test
def tokens__new_refresh_token_works_once_and_chain_continues():
    cid, _, refresh = SB.connect("chain")
    t = ok(SB.post(cid, "session/confirm", {"refresh_token": refresh}))
    err(SB.post(cid, "session/confirm", {"refresh_token": refresh}), 401)
    ok(SB.post(cid, "session/confirm", {"refresh_token": t["refresh_token"]}))


@test
def tokens__missing_header_is_401_and_forged_is_401():
    cid, access, _ = full()
    err(SB.post(cid, "assets/count", {}), 401)
    h, p, s = access.split(".")
    forged = h + "." + p + "." + ("A" if s[0] != "A" else "B") + s[1:]
    err(SB.post(cid, "assets/count", {}, forged), 401)
    err(SB.post(cid, "assets/count", {}, "not-a-jwt"), 401)
    # the payload altered (another client) with the old signature
    claims = json.loads(base64.urlsafe_b64decode(p + "=="))
    claims["sub"] = "0" * 32
    p2 = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    err(SB.post(cid, "assets/count", {}, h + "." + p2 + "." + s), 401)
    # an unsigned token ("alg": "none") with genuine claims
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    err(SB.post(cid, "assets/count", {}, none + "." + p + "."), 401)


@test
def tokens__access_token_of_another_client_is_401():
    _, access, _ = full()
    other, _, _ = SB.connect("other")
    err(SB.post(other, "assets/count", {}, access), 401)


@test
def tokens__revoked_or_deleted_connection_tokens_fail():
    cid, access, refresh = SB.connect("revoked")
    ok(SB.post(cid, "assets/count", {}, access))
    SB.admin("connections/revoke", {"client_id": cid})
    err(SB.post(cid, "assets/count", {}, access), 401)
    err(SB.post(cid, "session/confirm", {"refresh_token": refresh}), 401)
    cid, access, refresh = SB.connect("deleted")
    SB.admin("connections/delete", {"client_id": cid})
    err(SB.post(cid, "assets/count", {}, access), 401)
    err(SB.post(cid, "session/confirm", {"refresh_token": refresh}), 401)


@test
def tokens__officer_cannot_decide_responses():
    officer = SB.connect("Officer", "officer")
    r = call("response/update", {"response_id": "MDR_x", "status": "Confirmed"}, officer)
    err(r, 403)
    err(call("responses/update", {"responses_ids": ["MDR_x"], "status": "Declined"}, officer), 403)
    ok(call("assets/count", {}, officer))


# ---------------------------------------------------------------- assets

@test
def assets__count_equals_full_list_length():
    n = ok(call("assets/count"))["count"]
    assert n == 1500, n
    assert len(all_assets({})) == n
    f = {"statuses": ["OK", "WARNING"], "os_version": "Windows"}
    assert ok(call("assets/count", f))["count"] == len(all_assets(f)) > 0


@test
def assets__page_sizes_exact_and_past_the_end_empty():
    for size in (10, 50, 100):
        assert len(ok(call("assets/list", {"page": 1, "page_size": size}))) == size
    assert ok(call("assets/list", {"page": 16, "page_size": 100})) == []
    assert len(ok(call("assets/list", {"page": 15, "page_size": 100}))) == 100
    assert ok(call("assets/list", {"page": 1000, "page_size": 100})) == []


@test
def assets__pages_do_not_overlap_and_sort_both_ways():
    a = ok(call("assets/list", {"page": 1, "page_size": 50, "sort": "first_seen:asc"}))
    b = ok(call("assets/list", {"page": 2, "page_size": 50, "sort": "first_seen:asc"}))
    ids = [x["asset_id"] for x in a + b]
    assert len(set(ids)) == 100
    seen = [x["first_seen"] for x in a + b]
    assert seen == sorted(seen)
    d = ok(call("assets/list", {"page_size": 100, "sort": "first_seen:desc"}))
    assert [x["first_seen"] for x in d] == sorted([x["first_seen"] for x in d], reverse=True)
    for field in ("last_seen", "host_name"):
        for way in ("asc", "desc"):
            got = [x[field] for x in ok(call("assets/list", {"page_size": 100, "sort": f"{field}:{way}"}))]
            key = (lambda v: v.lower()) if field == "host_name" else (lambda v: v)
            assert got == sorted(got, key=key, reverse=way == "desc"), (field, way)
    err(call("assets/list", {"sort": "nonsense:asc"}), 400)
    err(call("assets/list", {"sort": "first_seen:up"}), 400)


@test
def assets__fields_projection_and_details_equal_list_entry():
    one = ok(call("assets/list", {"page_size": 1, "fields": ["asset_id"]}))
    assert list(one[0].keys()) == ["asset_id"]
    entry = ok(call("assets/list", {"page_size": 1, "sort": "first_seen:asc"}))[0]
    det = ok(call("assets/details", {"asset_id": entry["asset_id"]}))
    assert det == entry
    assert ok(call("assets/details", {"asset_id": entry["asset_id"], "fields": ["asset_id"]})) == {
        "asset_id": entry["asset_id"]}
    err(call("assets/details", {"asset_id": "0x" + "0" * 32}), 404)
    err(call("assets/details", {"asset_id": "x" * 51}), 400)
    err(call("assets/details", {}), 400)
    err(call("assets/list", {"fields": ["no_such_field"]}), 400)


@test
def assets__object_shape_version_2_and_1():
    a = ok(call("assets/list", {"page_size": 1, "version": 2}))[0]
    for k in ("asset_id", "host_name", "domain", "network_interfaces", "first_seen", "last_seen",
              "os_version", "installed_product_info", "product_map", "ksc_host_id", "tenant_name",
              "isolation", "isolation_task_id", "status", "protection_issues",
              "protection_issues_integral"):
        assert k in a, k
    assert a["asset_id"].startswith("0x") and len(a["asset_id"]) == 34
    assert len(str(a["first_seen"])) == 13 and isinstance(a["isolation"], bool)
    assert a["status"] in ("OK", "WARNING", "CRITICAL", "ABSENT", "OFFLINE")
    assert {"dsc", "dnsd", "defg", "mac", "ipcm", "ip"} <= set(a["network_interfaces"][0])
    assert a["protection_issues"]["hours"] == 0 and a["protection_issues_integral"]["hours"] == 72
    v1 = ok(call("assets/list", {"page_size": 1, "version": 1}))[0]
    assert "status_reasons" in v1 and "protection_issues" not in v1
    err(call("assets/list", {"version": 3}), 400)
    any_v6 = ok(call("assets/list", {"page_size": 100, "search_phrase": ":"}))
    assert any("|" in x["network_interfaces"][0]["ip"] for x in any_v6)


@test
def assets__every_filter_and_they_and_together():
    sample = all_assets({})
    a = sample[7]
    checks = {
        "domain": (a["domain"], lambda x: a["domain"].lower() in x["domain"].lower()),
        "host_names": ([a["host_name"]], lambda x: x["host_name"].lower() == a["host_name"].lower()),
        "is_isolated": (True, lambda x: x["isolation"]),
        "network_interface": (a["network_interfaces"][0]["ip"].split("|")[0],
                              lambda x: a["network_interfaces"][0]["ip"].split("|")[0] in x["network_interfaces"][0]["ip"]),
        "os_version": ("Windows", lambda x: "windows" in x["os_version"].lower()),
        "product": ("KES", lambda x: "kes" in x["installed_product_info"].lower()),
        "statuses": (["CRITICAL"], lambda x: x["status"] == "CRITICAL"),
        "tenants_names": ([a["tenant_name"]], lambda x: x["tenant_name"] == a["tenant_name"]),
        "min_first_seen": (a["first_seen"], lambda x: x["first_seen"] >= a["first_seen"]),
        "max_first_seen": (a["first_seen"], lambda x: x["first_seen"] <= a["first_seen"]),
        "min_last_seen": (a["last_seen"], lambda x: x["last_seen"] >= a["last_seen"]),
        "max_last_seen": (a["last_seen"], lambda x: x["last_seen"] <= a["last_seen"]),
    }
    for key, (value, pred) in checks.items():
        got = all_assets({key: value})
        want = [x for x in sample if pred(x)]
        assert [x["asset_id"] for x in got] == [x["asset_id"] for x in want], key
        assert ok(call("assets/count", {key: value}))["count"] == len(want), key
    # every status the public clients' documentation lists is accepted, BLOCKED (older docs)
    # included; no asset has it, so it matches none; an unknown status is refused
    for st in ("OK", "WARNING", "CRITICAL", "ABSENT", "OFFLINE", "BLOCKED"):
        want = [x for x in sample if x["status"] == st]
        assert ok(call("assets/count", {"statuses": [st]}))["count"] == len(want), st
        assert [x["asset_id"] for x in all_assets({"statuses": [st]})] == [x["asset_id"] for x in want], st
    assert ok(call("assets/count", {"statuses": ["BLOCKED"]}))["count"] == 0
    assert ok(call("assets/count", {"statuses": ["BLOCKED", "OK"]}))["count"] == \
        len([x for x in sample if x["status"] == "OK"])
    err(call("assets/count", {"statuses": ["blocked"]}), 400)
    err(call("assets/list", {"statuses": ["LOST"]}), 400)
    both = all_assets({"os_version": "Windows", "statuses": ["OK"]})
    assert both and all("Windows" in x["os_version"] and x["status"] == "OK" for x in both)
    assert len(both) < len(all_assets({"os_version": "Windows"}))


@test
def assets__search_phrase_substring_over_named_fields():
    sample = all_assets({})
    a = sample[3]
    for phrase in (a["host_name"][2:6], a["domain"][:5], a["os_version"][:6],
                   a["installed_product_info"][-5:], a["network_interfaces"][0]["mac"][:8]):
        got = all_assets({"search_phrase": phrase})
        assert a["asset_id"] in [x["asset_id"] for x in got], phrase
        for x in got:
            hay = " ".join([x["host_name"], x["domain"], x["installed_product_info"],
                            json.dumps(x["network_interfaces"]), x["os_version"]]).lower()
            assert phrase.lower() in hay, (phrase, x["asset_id"])
    assert ok(call("assets/count", {"search_phrase": "no-such-thing-anywhere"}))["count"] == 0


@test
def assets__related_incidents_filter():
    inc = ok(call("incidents/list", {"page_size": 1}))[0]
    got = all_assets({"related_incidents_ids": [inc["incident_id"]]})
    assert sorted(x["asset_id"] for x in got) == sorted({m["host_id"] for m in inc["affected_hosts_mappings"]})


@test
def assets__result_cap_of_10000():
    big = Sandbox(BIN, "--seed", "9", "--assets", "10050", "--incidents", "5", workdir=SB.workdir)
    try:
        cid, acc, _ = big.connect()
        assert ok(big.post(cid, "assets/count", {}, acc))["count"] == 10050
        assert len(ok(big.post(cid, "assets/list", {"page": 100, "page_size": 100}, acc))) == 100
        # past the cap is like past the end: an empty array
        assert ok(big.post(cid, "assets/list", {"page": 101, "page_size": 100}, acc)) == []
        assert len(ok(big.post(cid, "assets/list", {"page": 1, "page_size": 10000}, acc))) == 10000
        last = ok(big.post(cid, "assets/list", {"page": 2, "page_size": 9999}, acc))
        assert len(last) == 1
    finally:
        big.stop()
    err(call("assets/list", {"page_size": 10001}), 400)
    err(call("assets/list", {"page": 0}), 400)


@test
def assets__match_seedgen_ksc_host_ids():
    # asset i = seed machine i: the same seed gives the same ids on every run
    first = ok(call("assets/list", {"page_size": 5}))
    other = Sandbox(BIN, "--seed", "42", "--assets", "1500", "--incidents", "50", "--tenants", "3",
                    workdir=SB.workdir)
    try:
        cid, acc, _ = other.connect()
        again = ok(other.post(cid, "assets/list", {"page_size": 5}, acc))
        assert [x["ksc_host_id"] for x in again] == [x["ksc_host_id"] for x in first]
    finally:
        other.stop()


@test
def assets__problems_use_seedgen_wording_and_telemetry_loss_appears():
    reasons = [r for a in all_assets({}) for r in a["protection_issues_integral"]["reasons"]]
    assert "Telemetry loss detected" in reasons, sorted(set(reasons))
    assert "Other protection problem" not in reasons, sorted(set(reasons))


@test
def admin__assets_touch_changes_a_repeatable_share():
    # a sandbox of its own: the change would disturb the other cases' data
    other = Sandbox(BIN, "--seed", "42", "--assets", "1500", "--tenants", "3",
                    workdir=SB.workdir)
    try:
        cid, acc, _ = other.connect()

        def snapshot():
            out, page = {}, 1
            while True:
                chunk = ok(other.post(cid, "assets/list", {"page": page, "page_size": 500,
                                                            "sort": "first_seen:asc"}, acc))
                if not chunk:
                    return out
                out.update({a["asset_id"]: (a["last_seen"], a["status"]) for a in chunk})
                page += 1

        before = snapshot()
        r = other.admin("assets/touch", {"fraction": 0.01})
        assert r["touched"] == 15, r
        after = snapshot()
        changed = [k for k in before if before[k] != after[k]]
        assert len(changed) == 15, len(changed)
        for k in changed:
            assert after[k][0] == r["now_ms"], (before[k], after[k])
            assert after[k][1] == ("WARNING" if before[k][1] == "OK" else "OK"), (before[k],
                                                                                 after[k])
        # what a sync asks for sees them: newer than the mark
        n = ok(other.post(cid, "assets/count", {"min_last_seen": r["now_ms"]}, acc))["count"]
        assert n >= 15, n
        # the same count picks the same assets (each changes status once more)
        assert other.admin("assets/touch", {"count": 15})["touched"] == 15
        again = snapshot()
        assert [k for k in before if after[k][1] != again[k][1]] == changed
        assert all(again[k][1] == ("WARNING" if after[k][1] == "OK" else "OK") for k in changed)
        for bad in ({}, {"fraction": 2}, {"count": -1}, {"count": 1501},
                    {"fraction": 0.1, "count": 3}, {"fraction": "0.1"}):
            other.admin("assets/touch", bad, status=400)
    finally:
        other.stop()


# ---------------------------------------------------------------- tenants

@test
def tenants__connection_sees_only_its_tenants():
    names = sorted({x["tenant_name"] for x in all_assets({}) if x["tenant_name"]})
    assert len(names) >= 2
    t = SB.connect("Tenant one", "full", [names[0]])
    n = ok(call("assets/count", {}, t))["count"]
    assert n == len(all_assets({"tenants_names": [names[0]]}))
    got = ok(call("assets/list", {"page_size": 100}, t))
    assert got and all(x["tenant_name"] == names[0] for x in got)
    other = all_assets({"tenants_names": [names[1]]})[0]
    err(call("assets/details", {"asset_id": other["asset_id"]}, t), 404)
    incs = ok(call("incidents/list", {"page_size": 100}, t))
    assert all(i["tenant_name"] == names[0] for i in incs)
    # incidents/create on another tenant's host: that asset does not exist for this connection
    n_before = ok(call("incidents/count"))["count"]
    e = err(call("incidents/create", {"summary": "cross-tenant",
                                      "affected_hosts": [f"{other['host_name']}:{other['asset_id']}"]}, t), 400)
    assert e["error"]["code"] == "invalid_parameter", e
    assert ok(call("incidents/count"))["count"] == n_before  # nothing was created
    SB.admin("connections", {"name": "x", "tenants": ["no such tenant"]}, status=400)


# ---------------------------------------------------------------- incidents

@test
def incidents__count_list_details_agree():
    n = ok(call("incidents/count"))["count"]
    assert n == 120
    got, page = [], 1
    while True:
        chunk = ok(call("incidents/list", {"page": page, "page_size": 50, "sort": "creation_time:asc"}))
        if not chunk:
            break
        got += chunk
        page += 1
    assert len(got) == n and len({i["incident_id"] for i in got}) == n
    i = got[0]
    assert ok(call("incidents/details", {"incident_id": i["incident_id"]})) == i
    assert len(i["incident_id"]) == 20 and isinstance(i["incident_number"], int)
    assert i["priority"] in ("LOW", "NORMAL", "HIGH")
    assert i["status"] in ("Open", "On hold", "Resolved", "Closed")
    assert ok(call("incidents/details", {"incident_id": i["incident_id"], "fields": ["summary"]})) == {
        "summary": i["summary"]}
    err(call("incidents/details", {"incident_id": "nope"}), 404)


@test
def incidents__filters_sort_and_markdown():
    allv = ok(call("incidents/list", {"page_size": 10000}))
    for key, field, value in (("statuses", "status", "Closed"), ("priorities", "priority", "HIGH"),
                              ("resolutions", "resolution", "True positive")):
        got = ok(call("incidents/list", {key: [value], "page_size": 10000}))
        assert got and len(got) == len([i for i in allv if i[field] == value]), key
        assert ok(call("incidents/count", {key: [value]}))["count"] == len(got)
    i = allv[0]
    host = i["affected_hosts"][0]
    got = ok(call("incidents/list", {"affected_hosts": [host], "page_size": 10000}))
    assert i["incident_id"] in [x["incident_id"] for x in got]
    got = ok(call("incidents/list", {"asset_ids": [host.split(":")[-1]], "page_size": 10000}))
    assert i["incident_id"] in [x["incident_id"] for x in got]
    got = ok(call("incidents/list", {"mitre_techniques": [i["mitre_techniques"][0]], "page_size": 10000}))
    assert all(i["mitre_techniques"][0] in x["mitre_techniques"] for x in got)
    with_resp = [x for x in allv if x["responses"]]
    rt = with_resp[0]["responses"][0]["type"]
    got = ok(call("incidents/list", {"response_types": [rt], "page_size": 10000}))
    assert got and all(any(r["type"] == rt for r in x["responses"]) for x in got)
    got = ok(call("incidents/list", {"min_creation_time": i["creation_time"],
                                      "max_creation_time": i["creation_time"], "page_size": 10000}))
    assert i["incident_id"] in [x["incident_id"] for x in got]
    for way in ("asc", "desc"):
        t = [x["creation_time"] for x in ok(call("incidents/list", {"sort": f"creation_time:{way}", "page_size": 100}))]
        assert t == sorted(t, reverse=way == "desc")
    html = ok(call("incidents/details", {"incident_id": i["incident_id"], "markdown_to_html": True}))
    assert html["description"].startswith("<p>") and "<strong>" in html["description"]
    assert "**" in i["description"]
    assert len(ok(call("incidents/list", {"page_size": 10}))) == 10


@test
def incidents__create_close_history():
    asset = ok(call("assets/list", {"page_size": 1}))[0]
    created = ok(call("incidents/create", {"summary": "Custom check", "priority": "HIGH",
                                           "client_description": "seen *odd* logons",
                                           "affected_hosts": [f"{asset['host_name']}:{asset['asset_id']}"]}))
    det = ok(call("incidents/details", {"incident_id": created["incident_id"]}))
    for k in ("update_time", "was_read"):
        created.pop(k), det.pop(k)
    assert det == created
    err(call("incidents/create", {"priority": "HIGH"}), 400)
    # affected hosts: HOST:0xASSETID whose HOST is that asset's host name (any case); the
    # error is the one of an unknown asset, and nothing is created
    other = ok(call("assets/list", {"page_size": 2}))[1]
    n_before = ok(call("incidents/count"))["count"]
    for bad in (f"{other['host_name']}:{asset['asset_id']}",  # another asset's host name
                f"nosuchhost:{asset['asset_id']}",
                asset["asset_id"],                          # no HOST part
                f":{asset['asset_id']}",
                f"{asset['host_name']}:0x{'0' * 32}"):      # no such asset
        e = err(call("incidents/create", {"summary": "bad host", "affected_hosts": [bad]}), 400)
        assert e["error"]["code"] == "invalid_parameter" and bad in e["error"]["message"], e
    assert ok(call("incidents/count"))["count"] == n_before
    lower = ok(call("incidents/create", {"summary": "case", "affected_hosts":
                                         [f"{asset['host_name'].lower()}:{asset['asset_id']}"]}))
    assert lower["affected_hosts_mappings"][0]["host_name"] == asset["host_name"], lower
    # a connection restricted to a tenant creates incidents on its own tenant's hosts
    names = sorted({x["tenant_name"] for x in all_assets({}) if x["tenant_name"]})
    t = SB.connect("Tenant creator", "full", [names[0]])
    mine = all_assets({"tenants_names": [names[0]]})[0]
    made = ok(call("incidents/create", {"summary": "own tenant",
                                        "affected_hosts": [f"{mine['host_name']}:{mine['asset_id']}"]}, t))
    assert made["tenant_name"] == names[0], made
    err(call("incidents/close", {"incident_id": created["incident_id"], "resolution_status": "MAYBE"}), 400)
    ok(call("incidents/close", {"incident_id": created["incident_id"], "resolution_status": "FALSE_POSITIVE",
                                "summary": "not a threat"}))
    det = ok(call("incidents/details", {"incident_id": created["incident_id"]}))
    assert det["status"] == "Closed" and det["resolution"] == "False positive"
    assert det["status_description"] == "not a threat"
    hist = ok(call("incidents/history", {"incident_id": created["incident_id"]}))
    assert [h["operation"] for h in hist] == ["create", "update"]
    assert "incident_details" in hist[0]["entity"]
    assert ok(call("incidents/history", {"incident_id": created["incident_id"], "ignore_self": True})) == []


@test
def responses__list_and_decide():
    incs = ok(call("incidents/list", {"response_statuses": ["Waiting for a decision"], "page_size": 100}))
    inc = next(i for i in incs if sum(r["status"] == "Waiting for a decision" for r in i["responses"]) >= 2)
    rl = ok(call("responses/list", {"incident_id": inc["incident_id"], "page_size": 10}))
    assert rl == inc["responses"]
    assert rl[0]["response_id"].startswith("MDR_") and len(rl[0]["response_id"]) == 40
    waiting = [r["response_id"] for r in rl if r["status"] == "Waiting for a decision"]
    ok(call("response/update", {"response_id": waiting[0], "status": "Confirmed", "comment": "go"}))
    err(call("response/update", {"response_id": waiting[0], "status": "Declined"}), 409)
    ok(call("responses/update", {"responses_ids": waiting[1:], "status": "Declined", "comment": "no"}))
    after = {r["response_id"]: r for r in ok(call("responses/list", {"incident_id": inc["incident_id"]}))}
    assert after[waiting[0]]["status"] == "Confirmed" and after[waiting[0]]["comment"] == "go"
    assert all(after[w]["status"] == "Declined" for w in waiting[1:])
    err(call("response/update", {"response_id": waiting[0], "status": "Maybe"}), 400)
    err(call("response/update", {"response_id": "MDR_none", "status": "Confirmed"}), 404)
    only = ok(call("responses/list", {"incident_id": inc["incident_id"], "fields": ["status"]}))
    assert all(list(r) == ["status"] for r in only)


@test
def comments__create_list_delete():
    inc = ok(call("incidents/list", {"page_size": 1}))[0]
    c = ok(call("comments/create", {"incident_id": inc["incident_id"], "text": "Look **here**",
                                    "markdown_to_html": True}))
    assert c["author_name"] == "Full tester" and c["text"] == "<p>Look <strong>here</strong></p>"
    listed = ok(call("comments/list", {"incident_id": inc["incident_id"]}))
    assert c["comment_id"] in [x["comment_id"] for x in listed]
    other = SB.connect("Someone else")
    err(call("comments/delete", {"comment_id": c["comment_id"]}, other), 403)
    ok(call("comments/delete", {"comment_id": c["comment_id"]}))
    assert c["comment_id"] not in [x["comment_id"] for x in ok(call("comments/list", {"incident_id": inc["incident_id"]}))]
    err(call("comments/delete", {"comment_id": c["comment_id"]}), 404)
    err(call("comments/create", {"incident_id": inc["incident_id"]}), 400)


@test
def attachments__upload_list_download():
    inc = ok(call("incidents/list", {"page_size": 1}))[0]
    cid, access, _ = full()
    data = bytes(range(256)) * 40
    r = SB.http.post(f"{SB.base}/{cid}/attachments/upload", verify=SB.ca,
                     headers={"Authorization": "Bearer " + access},
                     files={"file": ("dump.bin", data, "application/octet-stream"),
                            "meta": (None, json.dumps({"incident_id": inc["incident_id"], "caption": "the dump"}),
                                     "application/json")})
    ok(r)
    lst = ok(call("attachments/list", {"incident_id": inc["incident_id"]}))
    a = next(x for x in lst if x["full_name"] == "dump.bin")
    assert a["file_size"] == len(data) and a["caption"] == "the dump"
    got = call("attachments/download", {"attachment_id": a["attachment_id"]})
    assert got.status_code == 200 and got.content == data
    err(call("attachments/download", {"attachment_id": "none"}), 404)
    big = SB.http.post(f"{SB.base}/{cid}/attachments/upload", verify=SB.ca,
                       headers={"Authorization": "Bearer " + access},
                       files={"file": ("big.bin", b"x" * (10 * 1024 * 1024 + 1)),
                              "meta": (None, json.dumps({"incident_id": inc["incident_id"], "caption": ""}))})
    err(big, 413)
    # a body that ends inside a part, and one with no boundary at all
    auth = {"Authorization": "Bearer " + access}
    cut = SB.http.post(f"{SB.base}/{cid}/attachments/upload", verify=SB.ca,
                       headers=dict(auth, **{"Content-Type": "multipart/form-data; boundary=xyz"}),
                       data=b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nnever ends')
    err(cut, 400)
    nob = SB.http.post(f"{SB.base}/{cid}/attachments/upload", verify=SB.ca,
                       headers=dict(auth, **{"Content-Type": "multipart/form-data"}), data=b"x")
    err(nob, 400)


@test
def api__every_200_has_a_json_body_and_errors_are_json():
    inc = ok(call("incidents/list", {"page_size": 1}))[0]
    r = call("comments/create", {"incident_id": inc["incident_id"], "text": "x"})
    r = call("comments/delete", {"comment_id": r.json()["comment_id"]})
    assert r.status_code == 200 and isinstance(r.json(), dict)
    err(call("no/such/endpoint"), 404)
    cid, access, _ = full()
    bad = SB.http.post(f"{SB.base}/{cid}/assets/count", data="{not json", verify=SB.ca,
                       headers={"Authorization": "Bearer " + access, "Content-Type": "application/json"})
    err(bad, 400)
    err(call("assets/count", {"statuses": "OK"}), 400)


# ---------------------------------------------------------------- admin, faults, clock

@test
def admin__requests_log_counts_calls_without_tokens():
    SB.admin("requests", {"clear": True})
    cid, _, _ = SB.connect("logged")
    log = SB.admin("requests", {"path": "session/confirm"})
    assert len(log) == 1 and log[0]["client_id"] == cid and log[0]["status"] == 200
    assert "token" not in json.dumps(SB.admin("requests", {})).lower().replace("admin", "")
    r = SB.http.post(f"{SB.admin_url}/requests", json={}, verify=SB.ca)
    err(r, 401)


@test
def faults__status_delay_cut_drop():
    cid, access, _ = full()
    SB.admin("faults", {"path": "assets/count", "status": 503, "count": 2})
    err(call("assets/count"), 503)
    err(call("assets/count"), 503)
    ok(call("assets/count"))
    SB.admin("faults", {"path": "assets/count", "delay_ms": 700, "count": 1})
    t0 = time.time()
    ok(call("assets/count"))
    assert time.time() - t0 >= 0.65
    SB.admin("faults", {"path": "assets/list", "cut_body": True, "count": 1})
    try:
        r = call("assets/list", {"page_size": 100})
        r.json()
        raise AssertionError("a cut body was read whole")
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
            ValueError):
        pass
    SB.admin("faults", {"path": "assets/count", "drop": True, "count": 1})
    try:
        call("assets/count")
        raise AssertionError("a dropped connection answered")
    except requests.exceptions.ConnectionError:
        pass
    ok(call("assets/count"))
    SB.admin("faults", {"path": "x", "status": 503, "drop": True}, status=400)


@test
def faults__injected_429_says_retry_after():
    SB.admin("faults", {"path": "assets/count", "status": 429})
    r = call("assets/count")
    err(r, 429)
    assert r.headers.get("Retry-After") == "1", r.headers  # the default
    SB.admin("faults", {"path": "assets/count", "status": 429, "retry_after": 7})
    r = call("assets/count")
    err(r, 429)
    assert r.headers.get("Retry-After") == "7", r.headers
    SB.admin("faults", {"path": "assets/count", "status": 503, "retry_after": 2})
    r = call("assets/count")
    err(r, 503)
    assert r.headers.get("Retry-After") == "2", r.headers
    SB.admin("faults", {"path": "assets/count", "status": 503})
    r = call("assets/count")
    err(r, 503)
    assert "Retry-After" not in r.headers, r.headers  # only a 429 has one by default
    r = call("assets/count")
    assert r.status_code == 200 and "Retry-After" not in r.headers
    SB.admin("faults", {"path": "x", "delay_ms": 5, "retry_after": 1}, status=400)
    SB.admin("faults", {"path": "x", "status": 429, "retry_after": -1}, status=400)
    SB.admin("faults", {"path": "x", "status": 429, "retry_after": 86401}, status=400)


@test
def rate_limit__per_connection_token_bucket_with_retry_after():
    sb = Sandbox(BIN, "--assets", "50", "--incidents", "5", "--rate-limit", "1/3")
    try:
        cid, access, _ = sb.connect("limited")
        # the bucket starts full: 3 calls pass whatever the machine's speed; at 1 call/s
        # refilled, one of the next 50 is refused (they cannot take 47 s)
        for _ in range(3):
            ok(sb.post(cid, "assets/count", {}, access))
        for _ in range(50):
            r = sb.post(cid, "assets/count", {}, access)
            if r.status_code != 200:
                break
        body = err(r, 429)
        assert body["error"]["code"] == "rate_limited", body
        assert r.headers.get("Retry-After") == "1", r.headers  # < 1 token short at 1/s
        # another connection has its own bucket; the admin interface is never limited
        other_cid, other_access, _ = sb.connect("other")
        ok(sb.post(other_cid, "assets/count", {}, other_access))
        for _ in range(5):
            sb.admin("requests", {})
        # waiting what Retry-After says is enough (the monotonic clock; moving the sandbox
        # clock does not refill the bucket)
        sb.admin("clock", {"advance_ms": 3600 * 1000 - 60 * 1000})
        err(sb.post(cid, "assets/count", {}, access), 429)
        time.sleep(int(r.headers["Retry-After"]))
        ok(sb.post(cid, "assets/count", {}, access))
        log = sb.admin("requests", {"path": "assets/count"})
        assert any(x["status"] == 429 and x["client_id"] == cid for x in log), log
    finally:
        assert sb.stop() == 0
    # the option's grammar
    for bad in ("0/5", "5/0", "5", "x/5", "5/", "-1/5"):
        try:
            Sandbox(BIN, "--rate-limit", bad).stop()
            raise AssertionError(f"--rate-limit {bad} was accepted")
        except RuntimeError:
            pass
    Sandbox(BIN, "--assets", "10", "--incidents", "1", "--rate-limit", "off").stop()


@test
def clock__access_expires_after_1h_and_refresh_after_7d():
    cid, access, refresh = SB.connect("clock")
    ok(SB.post(cid, "assets/count", {}, access))
    c = SB.admin("connections", {"name": "console", "rights": "full"})
    SB.admin("clock", {"advance_ms": 3600 * 1000 + 1000})
    err(SB.post(cid, "assets/count", {}, access), 403)
    t = ok(SB.post(cid, "session/confirm", {"refresh_token": refresh}))
    ok(SB.post(cid, "assets/count", {}, t["access_token"]))
    SB.admin("clock", {"advance_ms": 23 * 3600 * 1000})
    err(SB.post(c["client_id"], "session/confirm", {"refresh_token": c["refresh_token"]}), 403)
    SB.admin("clock", {"advance_ms": 7 * 86400 * 1000})
    err(SB.post(cid, "session/confirm", {"refresh_token": t["refresh_token"]}), 403)
    full.c = SB.connect("Full tester", "full")  # the shared connection's token has expired too


def restart_keeps_state():
    work = tempfile.mkdtemp(prefix="sbx-state-")
    db = os.path.join(work, "state.db")
    a = Sandbox(BIN, "--seed", "5", "--assets", "300", "--incidents", "20", "--state", db, workdir=work)
    cid, access, refresh = a.connect("persist")
    inc = ok(a.post(cid, "incidents/list", {"page_size": 1}, access))[0]
    com = ok(a.post(cid, "comments/create", {"incident_id": inc["incident_id"], "text": "kept"}, access))
    iso = None
    for i in ok(a.post(cid, "incidents/list", {"page_size": 100, "response_types": ["isolate"],
                                                "response_statuses": ["Waiting for a decision"]}, access)):
        for r in i["responses"]:
            if r["type"] == "isolate" and r["status"] == "Waiting for a decision" and iso is None:
                iso = r
    assert iso, "the seed has a waiting isolate response"
    ok(a.post(cid, "response/update", {"response_id": iso["response_id"], "status": "Confirmed"}, access))
    isolated = ok(a.post(cid, "assets/details", {"asset_id": iso["asset_id"]}, access))
    assert isolated["isolation"] is True
    before = ok(a.post(cid, "incidents/details", {"incident_id": inc["incident_id"]}, access))
    assets = ok(a.post(cid, "assets/list", {"page_size": 20}, access))
    assert a.stop() == 0
    b = Sandbox(BIN, "--state", db, workdir=work)
    try:
        ok(b.post(cid, "assets/count", {}, access))  # the token's key survived
        after = ok(b.post(cid, "incidents/details", {"incident_id": inc["incident_id"]}, access))
        assert after == before and com["comment_id"] in json.dumps(after)
        assert ok(b.post(cid, "assets/list", {"page_size": 20}, access)) == assets
        assert ok(b.post(cid, "assets/details", {"asset_id": iso["asset_id"]}, access)) == isolated
        ok(b.post(cid, "session/confirm", {"refresh_token": refresh}))
    finally:
        b.stop()


@test
def state__restart_with_state_keeps_everything():
    restart_keeps_state()


@test
def server__many_concurrent_keepalive_connections():
    import concurrent.futures
    cid, access, _ = full()

    def work(_):
        s = requests.Session()
        for _ in range(5):
            r = s.post(f"{SB.base}/{cid}/assets/count", json={}, verify=SB.ca,
                       headers={"Authorization": "Bearer " + access})
            assert r.status_code == 200
        s.close()
        return True
    with concurrent.futures.ThreadPoolExecutor(32) as ex:
        assert all(ex.map(work, range(64)))


@test
def server__tls_is_required_and_verified():
    host, port = SB.base.split("//")[1].split("/")[0].split(":")
    ctx = ssl.create_default_context(cafile=SB.ca)
    with socket.create_connection((host, int(port))) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
            assert t.version() is not None
    try:
        requests.post(f"{SB.base}/x/assets/count", json={}, verify=True, timeout=5)
        raise AssertionError("an unknown CA was accepted")
    except requests.exceptions.SSLError:
        pass


def main():
    global SB
    SB = Sandbox(BIN, "--seed", "42", "--assets", "1500", "--incidents", "120", "--tenants", "3")
    passed = failed = 0
    only = os.environ.get("ONLY")
    try:
        for t in TESTS:
            if only and only not in t.__name__:
                continue
            try:
                t()
                passed += 1
                print(f"PASS {t.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {t.__name__}")
                traceback.print_exc()
    finally:
        rc = SB.stop()
        if rc != 0:
            print(f"FAIL server__clean_shutdown (exit {rc})")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
