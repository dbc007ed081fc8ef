"""Responses through ksc-host + the module + mdr-sandbox: every response type with valid and
invalid parameters (the problem named, never dropped), the isolation term at 2,678,400 s and
one second more, a right and a wrong isolation password (PBKDF2 details computed here with
hashlib), the list's filters, accepting and rejecting one or many with a comment, partial
failures per response, a decided response refused with its status, tenant visibility, the
Security Officer refused, a cloud fault deciding nothing, and the auto-accept setting applied
by the sandbox to the responses it creates."""
import hashlib
import os

from harness import Suite, World, expect

suite = Suite("responses")
world = World(batch=True)
sbx = world.sandbox
world.activate()
PASSWORD = "Lift-Isolation-2026!"
SALT = "5a17c0ffee00112233445566778899aa"
DERIVED = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), bytes.fromhex(SALT), 10000, 32).hex()


api = sbx.public_api  # the public API as a customer's integration calls it


# a reader of the public API, to pick incidents as the SOC sees them
_reader = sbx.admin("connections", {"name": "test SOC reader", "rights": "full"})
_, _session = api(_reader["client_id"], "session/confirm",
                  {"refresh_token": _reader["refresh_token"]})
_, INCIDENTS = api(_reader["client_id"], "incidents/list", {"page_size": 1000},
                   _session["access_token"])
TENANTS = {t["name"]: t["id"] for t in world.call("mdr.tenants.list").ok()["tenants"]}


def incident_of(tenant_name, skip=0):
    found = [i for i in INCIDENTS if i["tenant_name"] == tenant_name]
    expect(len(found) > skip, f"no incident of tenant {tenant_name!r}")
    return found[skip]


NAMES = sorted(n for n in TENANTS)
INC_A, INC_B = incident_of(NAMES[0]), incident_of(NAMES[1])


def soc(type_, params=None, incident=None):
    """The SOC creates a response (sandbox admin: responses/create)."""
    body = {"incident_id": (incident or INC_A)["incident_id"], "type": type_}
    if params is not None:
        body["parameters"] = params
    return sbx.admin("responses/create", body)


def get(rid, **kw):
    return world.call("mdr.responses.get", {"response_id": rid}, **kw)


def problems(rid):
    return [p["code"] for p in get(rid).ok()["problems"]]


ISOLATE_OK = {"task_id": "task-7", "isolation_term": 3600,
              "password_details": {"version": 1, "salt": SALT, "derived_key": DERIVED},
              "exclusion_rules": [{"direction": "Outbound", "protocol": 6,
                                   "remote_ports": {"from": 443, "to": 443},
                                   "remote_ipv4": "198.51.100.0/24"}]}
CASES = [  # type, valid parameters, invalid parameters, the problem the invalid ones name
    ("get_file", {"path": "C:\\file.exe", "max_file_size": 20},
     {"path": "file.exe", "max_file_size": 20}, "path_not_absolute"),
    ("isolate", ISOLATE_OK, {"exclusion_rules": [{"direction": "Sideways"}]}, "direction_invalid"),
    ("disable_isolation", {}, None, None),
    ("delete_registry_key", {"key": "HKEY_LOCAL_MACHINE\\SYSTEM\\WebClient", "value": ""},
     {"key": "HKEY_CURRENT_USER\\Software\\Run"}, "registry_hive_invalid"),
    ("memory_dump", {"dump_type": "process", "max_file_size": 50,
                     "process": {"image": {"path": "%systemroot%\\system32\\svchost.exe",
                                           "sha256": "ab" * 32}, "unique_id": "1234"},
                     "process_count_limit": 2},
     {"dump_type": "process"}, "process_required"),
    ("terminate_process", {"name": "rundll32.exe", "pid": 4242}, {"pid": -1}, "not_positive"),
    ("run_script", {"script": "Get-Process | Out-File p.txt"}, {"script": ""}, "wrong_type"),
    ("quarantine", {"path": "C:\\Temp\\x.exe", "md5": "d41d8cd98f00b204e9800998ecf8427e"},
     {"path": "C:\\Temp\\x.exe"}, "hash_required"),
    ("restore_from_quarantine", {"path": "C:\\Temp\\x.exe"}, {"path": "Temp\\x.exe"},
     "path_not_absolute"),
]


@suite.case("responses__each_type_valid_and_invalid")
def _():
    for type_, good, bad, code in CASES:
        r = get(soc(type_, good)["response_id"]).ok()
        expect(r["valid"] and r["problems"] == [] and r["type"] == type_ and r["type_title"], r)
        expect(r["incident"]["incident_id"] == INC_A["incident_id"] and r["asset"]["host_name"]
               and "os_version" in r["asset"], r)
        if bad is not None:
            r = get(soc(type_, bad)["response_id"]).ok()
            expect(not r["valid"] and code in [p["code"] for p in r["problems"]], type_, r)
            expect(all(p["message"] and p["field"] for p in r["problems"]), r)
    # the default isolation term is shown as such; the registry's empty value explained
    r = get(soc("isolate", {})["response_id"]).ok()
    term = [p for p in r["parameters"] if p["name"] == "isolation_term"][0]
    expect(term["value"] == 604800 and term["default"], term)
    r = get(soc("delete_registry_key", {"key": "HKEY_USERS\\S-1-5\\Run"})["response_id"]).ok()
    value = [p for p in r["parameters"] if p["name"] == "value"][0]
    expect("subkeys" in value["explanation"], value)


@suite.case("responses__isolation_term_2678400_edge")
def _():
    expect(problems(soc("isolate", {"isolation_term": 2678400})["response_id"]) == [])
    expect(problems(soc("isolate", {"isolation_term": 2678401})["response_id"]) ==
           ["isolation_term_too_long"])
    r = get(soc("isolate", {"isolation_term": 2678401})["response_id"], lang="de").ok()
    expect("2.678.400" in r["problems"][0]["message"] and r["type_title"] == "Isolieren", r)


@suite.case("responses__isolation_password_right_and_wrong")
def _():
    rid = soc("isolate", ISOLATE_OK)["response_id"]
    ok = world.call("mdr.responses.check_isolation_password",
                    {"response_id": rid, "password": PASSWORD}).ok()
    expect(ok["match"] is True and ok["task_id"] == "task-7", ok)
    no = world.call("mdr.responses.check_isolation_password",
                    {"response_id": rid, "password": PASSWORD + "x"}).ok()
    expect(no["match"] is False, no)
    # never kept: no file of the console holds it (store, host log, audit)
    for root, _, names in os.walk(world.dir):
        for n in names:
            data = open(os.path.join(root, n), "rb").read()
            expect(PASSWORD.encode() not in data, "the password is in", n)
    other = soc("get_file", {"path": "C:\\a", "max_file_size": 1})["response_id"]
    world.call("mdr.responses.check_isolation_password", {"response_id": other, "password": "x"}
               ).fails("response_not_isolation", rc=1)
    broken = soc("isolate", {"password_details": {"version": 2, "salt": SALT,
                                                  "derived_key": DERIVED}})["response_id"]
    e = world.call("mdr.responses.check_isolation_password",
                   {"response_id": broken, "password": PASSWORD}).fails(
        "isolation_details_invalid", rc=1)
    expect("version 1" in e["message"], e)


@suite.case("responses__list_filters")
def _():
    a = soc("run_script", {"script": "whoami"}, INC_A)["response_id"]
    b = soc("run_script", {"script": "whoami"}, INC_B)["response_id"]
    lst = world.call("mdr.responses.list", {"type": "run_script"}).ok()
    ids = [r["response_id"] for r in lst["responses"]]
    expect(a in ids and b in ids and all(r["type"] == "run_script" for r in lst["responses"]), lst)
    expect(all(r["status"] == "Waiting for a decision" for r in lst["responses"]), lst)
    lst = world.call("mdr.responses.list", {"type": "run_script", "tenant": TENANTS[NAMES[1]]}).ok()
    ids = [r["response_id"] for r in lst["responses"]]
    expect(b in ids and a not in ids, ids)
    asset = get(a).ok()["asset"]["asset_id"]
    lst = world.call("mdr.responses.list", {"asset": asset}).ok()
    expect(a in [r["response_id"] for r in lst["responses"]] and
           all(r["asset"]["asset_id"] == asset for r in lst["responses"]), lst)
    world.call("mdr.responses.list", {"type": "reboot"}).fails("not_allowed", rc=4)
    world.call("mdr.responses.list", {"asset": "WS-0042\n"}).fails("invalid_value", rc=4)
    world.call("mdr.responses.list", {"tenant": "no-such-tenant"}).fails("tenant_not_found", rc=4)


@suite.case("responses__accept_and_reject_with_comment")
def _():
    rid = soc("terminate_process", {"pid": 77})["response_id"]
    r = world.call("mdr.responses.accept", {"responses": [rid], "comment": "Go ahead"}).ok()
    expect(r["decided"] == 1 and r["failed"] == 0 and r["results"][0]["ok"], r)
    g = get(rid).ok()
    expect(g["status"] == "Confirmed" and g["comment"] == "Go ahead" and
           not g["decided_automatically"], g)
    e = world.call("mdr.responses.reject", {"responses": [rid]}).fails(
        "response_already_decided", rc=1)
    expect(e["details"]["status"] == "Confirmed" and "Accepted" in e["message"], e)
    rid = soc("get_file", {"path": "C:\\b", "max_file_size": 1})["response_id"]
    world.call("mdr.responses.reject", {"responses": [rid], "comment": "Not this file"}).ok()
    expect(get(rid).ok()["status"] == "Declined")


@suite.case("responses__many_with_partial_failures")
def _():
    a, b, done = (soc("quarantine", {"path": "C:\\q", "sha256": "cd" * 32})["response_id"]
                  for _ in range(3))
    world.call("mdr.responses.accept", {"responses": [done]}).ok()
    r = world.call("mdr.responses.accept", {"responses": [a, done, "MDR_nope", b],
                                            "comment": "Batch"}).ok()
    expect(r["decided"] == 2 and r["failed"] == 2, r)
    by = {x["response_id"]: x for x in r["results"]}
    expect(by[a]["ok"] and by[b]["ok"], r)
    expect(by[done]["error"]["code"] == "response_already_decided" and
           by["MDR_nope"]["error"]["code"] == "response_not_found", r)
    world.call("mdr.responses.accept", {"responses": []}).fails(rc=4)
    world.call("mdr.responses.accept", {"responses": [a, a]}).fails("response_repeated", rc=4)
    world.call("mdr.responses.accept", {"responses": [a], "comment": "c" * 2001}).fails(
        "too_long", rc=4)


@suite.case("responses__cloud_fault_decides_nothing")
def _():
    rid = soc("run_script", {"script": "x"})["response_id"]
    sbx.fault("response/update", status=500)
    world.call("mdr.responses.accept", {"responses": [rid]}).fails(rc=1)
    expect(get(rid).ok()["status"] == "Waiting for a decision", "decided despite the fault")
    other = soc("run_script", {"script": "y"})["response_id"]
    sbx.fault("response/update", status=500)
    r = world.call("mdr.responses.accept", {"responses": [rid, other]}).ok()
    expect(r["decided"] == 1 and not r["results"][0]["ok"] and r["results"][1]["ok"], r)
    expect(get(rid).ok()["status"] == "Waiting for a decision")


@suite.case("responses__security_officer_refused_senior_allowed")
def _():
    world.add_user("sam", preset="mdr.security_officer")
    for action in ("mdr.responses.list", "mdr.responses.accept"):
        r = world.call(action, {"responses": ["x"]} if "accept" in action else {}, user="sam")
        r.fails("access_denied", rc=3)
        expect("Response management" in r.error["message"], r)
    world.add_user("sara", preset="mdr.senior_security_officer")
    rid = soc("disable_isolation", {})["response_id"]
    world.call("mdr.responses.accept", {"responses": [rid], "comment": "senior"}, user="sara").ok()


@suite.case("responses__tenant_visibility")
def _():
    mine = soc("run_script", {"script": "a"}, INC_A)["response_id"]
    theirs = soc("run_script", {"script": "b"}, INC_B)["response_id"]
    world.add_user("tom", preset="mdr.senior_security_officer")
    world.call("mdr.tenants.grant", {"user": "tom", "tenants": [TENANTS[NAMES[0]]],
                                     "root": False}).ok()
    ids = [r["response_id"] for r in world.call("mdr.responses.list", user="tom").ok()["responses"]]
    expect(mine in ids and theirs not in ids, ids)
    get(theirs, user="tom").fails("response_not_found", rc=4)
    world.call("mdr.responses.accept", {"responses": [theirs]}, user="tom").fails(
        "response_not_found", rc=4)
    expect(get(theirs).ok()["status"] == "Waiting for a decision")
    world.call("mdr.responses.list", {"tenant": TENANTS[NAMES[1]]}, user="tom").fails(
        "tenant_not_found", rc=4)


@suite.case("responses__auto_accept_applied_by_the_sandbox")
def _():
    login, password = world.account()
    st, signed = sbx.console("account/sign-in", {"login": login, "password": password}, "")
    expect(st == 200, st, signed)
    token = signed["account_token"]
    world.sign_in().ok()    # that sign-in renewed the plug-in's connection: the module's again
    st, s = sbx.console("settings/update", {"auto_accept": {"mode": "per_tenant"}}, token)
    expect(st == 200, st, s)
    st, s = sbx.console("settings/update", {"auto_accept": {"tenants": {TENANTS[NAMES[0]]: True}}},
                        token)
    expect(st == 200, st, s)
    try:
        auto = soc("isolate", {"isolation_term": 600}, INC_A)["response_id"]
        manual = soc("isolate", {"isolation_term": 600}, INC_B)["response_id"]
        g = get(auto).ok()
        expect(g["status"] == "Confirmed" and g["decided_automatically"] and
               g["tenant_auto_accept"], g)
        expect(get(manual).ok()["status"] == "Waiting for a decision")
        waiting = [r["response_id"] for r in world.call("mdr.responses.list").ok()["responses"]]
        expect(auto not in waiting and manual in waiting, "auto-accepted one still waiting")
        e = world.call("mdr.responses.accept", {"responses": [auto]}).fails(
            "response_already_decided", rc=1)
        expect(e["details"]["status"] == "Confirmed", e)
    finally:
        sbx.console("settings/update", {"auto_accept": {"mode": "off"}}, token)


suite.finish(world)
