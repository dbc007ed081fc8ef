"""API connections through ksc-host + the module + mdr-sandbox: create with the three rights
levels and tenants, the token flow a customer's integration runs with the refresh token the
action returned (session/confirm, then a public API call), revoke (Active only; Pending
refused) and the old tokens refused, Generate only on a Pending connection, edit, delete with
confirmation, names at their edge, rights, tenant visibility, a cloud fault changing nothing,
the plug-in's own connection protected, a tier without the REST API, and the token never kept
by the module (not in its store, not in any file of the console)."""
import os

from harness import Suite, World, expect
from lt_common import requests_to

suite = Suite("connections")
world = World(batch=True)
sbx = world.sandbox
world.activate()


api = sbx.public_api  # the public API as a customer's integration calls it


def connections(**kw):
    return world.call("mdr.connections.list", **kw).ok()["connections"]


def find(client_id, **kw):
    return [c for c in connections(**kw) if c["client_id"] == client_id]


def tenant_ids():
    return [t["id"] for t in world.call("mdr.tenants.list").ok()["tenants"]]


def files_holding(secret):
    """Files under the console's directory whose bytes contain `secret`."""
    hits = []
    for root, _, names in os.walk(world.dir):
        for n in names:
            p = os.path.join(root, n)
            try:
                if secret.encode() in open(p, "rb").read():
                    hits.append(p)
            except OSError:
                pass
    return hits


@suite.case("connections__token_flow_then_revoke")
def _():
    t = tenant_ids()[0]
    made = world.call("mdr.connections.create", {"name": "SIEM export", "rights":
                      "mdr.senior_security_officer", "tenants": [t]}).ok()
    cid, refresh = made["client_id"], made["refresh_token"]
    expect(len(cid) == 32 and refresh.count(".") == 2, made)
    c = made["connection"]
    expect(c["status"] == "Pending activation" and c["rights"] == "mdr.senior_security_officer"
           and c["rights_title"] == "Senior Security Officer" and c["tenants"][0]["tenant_id"] == t
           and c["last_used_time"] is None and "shown only once" in made["notice"], made)
    # never kept: neither the store nor any file of the console (logs included) holds it
    expect(files_holding(refresh) == [], files_holding(refresh))
    listed = find(cid)
    expect(len(listed) == 1 and "refresh_token" not in listed[0], listed)
    # the help's token flow, as a customer's integration runs it
    st, session = api(cid, "session/confirm", {"refresh_token": refresh})
    expect(st == 200 and session.get("access_token") and session.get("refresh_token"), st, session)
    st, count = api(cid, "assets/count", {}, session["access_token"])
    expect(st == 200 and isinstance(count.get("count"), int), st, count)
    # the connection's name is the author of what it writes (help: "Creating an API connection")
    st, incs = api(cid, "incidents/list", {"page_size": 1}, session["access_token"])
    expect(st == 200 and len(incs) == 1, st, incs)
    st, note = api(cid, "comments/create", {"incident_id": incs[0]["incident_id"],
                                            "text": "Seen by the SIEM"}, session["access_token"])
    expect(st == 200 and note["author_name"] == "SIEM export", st, note)
    st, _ = api(cid, "session/confirm", {"refresh_token": refresh})
    expect(st == 401, "a spent refresh token was accepted again", st)
    now = find(cid)[0]
    expect(now["status"] == "Active" and now["last_used_time"], now)
    r = world.call("mdr.connections.revoke", {"client_id": cid}).ok()
    expect(r["status"] == "Pending activation", r)
    st, _ = api(cid, "assets/count", {}, session["access_token"])
    expect(st == 401, "the access token works after revoke", st)
    st, _ = api(cid, "session/confirm", {"refresh_token": session["refresh_token"]})
    expect(st == 401, "the API-made refresh token works after revoke", st)


@suite.case("connections__revoke_pending_refused")
def _():
    made = world.call("mdr.connections.create", {"name": "Never used",
                                                  "rights": "mdr.security_officer"}).ok()
    before = len(requests_to(world, "connections/revoke"))
    e = world.call("mdr.connections.revoke", {"client_id": made["client_id"]}).fails(
        "connection_not_active", rc=1)
    expect("Pending activation" in e["message"] and e["details"]["status"] == "Pending activation", e)
    expect(len(requests_to(world, "connections/revoke")) == before, "the cloud was asked")
    e = world.call("mdr.connections.revoke", {"client_id": made["client_id"]}, lang="ru").fails(
        "connection_not_active")
    expect("Ожидает активации" in e["message"], e)


@suite.case("connections__generate_only_when_pending")
def _():
    made = world.call("mdr.connections.create", {"name": "Regenerated",
                                                  "rights": "mdr.administrator"}).ok()
    cid = made["client_id"]
    again = world.call("mdr.connections.generate", {"client_id": cid}).ok()
    expect(again["refresh_token"] != made["refresh_token"], again)
    st, _ = api(cid, "session/confirm", {"refresh_token": made["refresh_token"]})
    expect(st == 401, "the older token still works", st)
    st, s = api(cid, "session/confirm", {"refresh_token": again["refresh_token"]})
    expect(st == 200, st, s)
    e = world.call("mdr.connections.generate", {"client_id": cid}).fails("connection_not_pending")
    expect("Active" in e["message"], e)


@suite.case("connections__edit_and_delete_with_confirmation")
def _():
    made = world.call("mdr.connections.create", {"name": "To edit", "rights":
                                                  "mdr.security_officer"}).ok()
    cid = made["client_id"]
    e = world.call("mdr.connections.edit", {"client_id": cid, "name": "Edited",
                                            "rights": "mdr.administrator"}).ok()
    expect(e["name"] == "Edited" and e["rights"] == "mdr.administrator", e)
    world.call("mdr.connections.edit", {"client_id": cid}).fails("connection_no_changes", rc=4)
    e = world.call("mdr.connections.delete", {"client_id": cid}).fails(
        "connection_delete_unconfirmed", rc=4)
    expect("Edited" in e["message"], e)
    expect(find(cid), "deleted without confirmation")
    world.call("mdr.connections.delete", {"client_id": cid, "confirm": True}).ok()
    expect(not find(cid), "still listed")
    st, _ = api(cid, "session/confirm", {"refresh_token": made["refresh_token"]})
    expect(st == 401, "a deleted connection's token works", st)
    world.call("mdr.connections.delete", {"client_id": cid, "confirm": True}).fails(
        "connection_not_found", rc=4)


@suite.case("connections__name_rules_checked_before_the_cloud")
def _():
    before = len(requests_to(world, "connections/create"))
    world.call("mdr.connections.create", {"name": "Интеграция", "rights": "mdr.administrator"}
               ).fails("connection_name_invalid", rc=4)
    world.call("mdr.connections.create", {"name": "   ", "rights": "mdr.administrator"}
               ).fails("connection_name_invalid", rc=4)
    world.call("mdr.connections.create", {"name": "N" * 101, "rights": "mdr.administrator"}
               ).fails("too_long", rc=4)
    world.call("mdr.connections.create", {"name": "ok", "rights": "full"}).fails(rc=4)
    expect(len(requests_to(world, "connections/create")) == before, "the cloud was asked")
    c = world.call("mdr.connections.create", {"name": "N" * 100 + "", "rights":
                                               "mdr.administrator"}).ok()["connection"]
    expect(c["name"] == "N" * 100, c)
    c = world.call("mdr.connections.create", {"name": "SOC-bot #2 (test) @ 'x'", "rights":
                                               "mdr.administrator"}).ok()["connection"]
    expect(c["name"] == "SOC-bot #2 (test) @ 'x'", c)


@suite.case("connections__rights_denied")
def _():
    world.add_user("sofia", preset="mdr.security_officer")
    r = world.call("mdr.connections.list", user="sofia")
    r.fails("access_denied", rc=3)
    expect("REST API" in r.error["message"], r)
    world.add_user("rex", extra_areas=["mdr.rest_api_access"])        # no Incident access
    r = world.call("mdr.connections.create", {"name": "x", "rights": "mdr.administrator"},
                   user="rex")
    r.fails("access_denied", rc=3)
    expect("Incident access" in r.error["message"], r)


@suite.case("connections__tenants_only_those_the_user_sees")
def _():
    ids = tenant_ids()
    mine = world.call("mdr.connections.create", {"name": "Tenant one", "rights":
                                                  "mdr.security_officer", "tenants": [ids[0]]}).ok()
    theirs = world.call("mdr.connections.create", {"name": "Tenant two", "rights":
                                                    "mdr.security_officer", "tenants": [ids[1]]}).ok()
    world.add_user("tanya", preset="mdr.administrator")
    world.call("mdr.tenants.grant", {"user": "tanya", "tenants": [ids[0]], "root": False}).ok()
    seen = {c["client_id"] for c in connections(user="tanya")}
    expect(mine["client_id"] in seen and theirs["client_id"] not in seen, seen)
    expect(all(not c["all_tenants"] for c in connections(user="tanya")), "an all-tenants one shown")
    world.call("mdr.connections.create", {"name": "All", "rights": "mdr.security_officer"},
               user="tanya").fails("connection_tenants_required", rc=4)
    world.call("mdr.connections.create", {"name": "Other", "rights": "mdr.security_officer",
                                          "tenants": [ids[1]]}, user="tanya").fails(
        "tenant_not_found", rc=4)
    world.call("mdr.connections.delete", {"client_id": theirs["client_id"], "confirm": True},
               user="tanya").fails("connection_not_found", rc=4)
    world.call("mdr.connections.create", {"name": "Mine too", "rights": "mdr.security_officer",
                                          "tenants": [ids[0]]}, user="tanya").ok()


@suite.case("connections__cloud_fault_changes_nothing")
def _():
    before = len(connections())
    sbx.fault("connections/create", status=500)
    world.call("mdr.connections.create", {"name": "Faulted", "rights": "mdr.administrator"}
               ).fails(rc=1)
    expect(len(connections()) == before and all(c["name"] != "Faulted" for c in connections()))
    made = world.call("mdr.connections.create", {"name": "Fault revoke",
                                                  "rights": "mdr.administrator"}).ok()
    api(made["client_id"], "session/confirm", {"refresh_token": made["refresh_token"]})
    sbx.fault("connections/revoke", status=503)
    world.call("mdr.connections.revoke", {"client_id": made["client_id"]}).fails(rc=1)
    expect(find(made["client_id"])[0]["status"] == "Active", "revoked despite the fault")


@suite.case("connections__plugin_connection_protected")
def _():
    own = [c for c in connections() if c["plugin"]]
    expect(len(own) == 1 and own[0]["name"] == "MDR Plug-in", own)
    world.call("mdr.connections.revoke", {"client_id": own[0]["client_id"]}).fails(
        "connection_is_plugin", rc=1)
    world.call("mdr.connections.delete", {"client_id": own[0]["client_id"], "confirm": True}
               ).fails("connection_is_plugin", rc=1)
    world.call("mdr.activation.status").ok()       # the module's own session still works


@suite.case("connections__tier_without_rest_api")
def _():
    login = "optimum-api@example.test"
    acc = [a for a in sbx.admin("accounts", {"create": login})["accounts"]
           if a["login"] == login][0]
    code = sbx.admin("codes/create", {"tier": "optimum", "region": ""})["activation_code"]
    other = World(sandbox=sbx)
    try:
        other.call("mdr.account.sign_in", {"login": login, "password": acc["password"]}).ok()
        other.call("mdr.activation.activate", {"code": code, "region": "europe"}).ok()
        st = other.call("mdr.activation.status").ok()
        other.call("mdr.activation.accept_agreements",
                   {"agreements": [a["id"] for a in st["agreements"]]}).ok()
        other.call("mdr.activation.accept_ksn_statement", {"accepted": True}).ok()
        lst = other.call("mdr.connections.list").ok()
        expect(lst["rest_api"] is False and lst["connections"] == [] and
               "MDR Web Console" in lst["note"] and "Optimum" in lst["note"], lst)
        e = other.call("mdr.connections.create", {"name": "No", "rights": "mdr.administrator"}
                       ).fails("rest_api_not_in_tier", rc=1)
        expect("Optimum" in e["message"], e)
    finally:
        other.cleanup()


suite.finish(world)
