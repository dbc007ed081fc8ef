#!/usr/bin/env python3
"""The rights matrix (issue 12, "make it a habit"): every action of the module x each role
preset of rights/mdr-rights.xml and a user without rights x the main server and a virtual
one, called through ksc-host; the answer must be the host's rights refusal exactly when the
XML says the role lacks an area the action requires, and anything else otherwise. A vs1
user's scoped reads (MDR Health lists, summary, device, export, status) must show only vs1's
devices and their assets; main's users see everything.

The action list comes from `ksc-host plugins`: an action the XML does not name, or one
without a row in ROWS below, fails the test, so a new action cannot ship unchecked. Calls
that would change something carry an unknown field (PROBE): the module refuses it after the
host's check, so an allowed call is told apart from a denied one without side effects."""
import csv
import json
import os
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

from harness import ROOT, Suite, World, expect

NS = {"r": "urn:mdr:rights:1"}
SEED, ASSETS, SILENT, TENANTS = 31, 200, 20, 3
VS1_ASSETS, VS1_SILENT = 15, 4
PROBE = {"matrix_probe": True}

# action -> the request to send ("probe" = PROBE). Scoped reads get real requests: their
# answers are checked per server below.
ROWS = {
    "mdr.plugin.info": {},
    "mdr.rights.presets": {},
    "mdr.account.sign_in": "probe",
    "mdr.activation.status": {},
    "mdr.activation.activate": "probe",
    "mdr.activation.select_tenants": "probe",
    "mdr.activation.accept_agreements": "probe",
    "mdr.activation.accept_ksn_statement": "probe",
    "mdr.activation.new_code": "probe",
    "mdr.activation.revoke_consent": "probe",
    "mdr.activation.terminate": "probe",
    "mdr.usage.get": "probe",
    "mdr.ksn.status": "probe",
    "mdr.ksn.update": "probe",
    "mdr.licenses.list": "probe",
    "mdr.licenses.refresh": "probe",
    "mdr.licenses.add": "probe",
    "mdr.licenses.remove": "probe",
    "mdr.licenses.export_by_tenant": "probe",
    "mdr.licenses.archive": "probe",
    "mdr.tenants.list": {},
    "mdr.tenants.get": "probe",
    "mdr.tenants.create": "probe",
    "mdr.tenants.update": "probe",
    "mdr.tenants.add_config_file": "probe",
    "mdr.tenants.delete_config_file": "probe",
    "mdr.tenants.delete": "probe",
    "mdr.tenants.archive": "probe",
    "mdr.tenants.grant": "probe",
    "mdr.tenants.grants": {},
    "mdr.health.sync": "probe",
    "mdr.health.status": {},
    "mdr.health.assets": {"last_seen": {"all": True}, "page_size": 500},
    "mdr.health.malfunctioning": {"page_size": 500},
    "mdr.health.device": "device",  # filled in: a device of main
    "mdr.health.export": {"list": "assets", "filter": {"last_seen": {"all": True}}},
    "mdr.health.summary": {},
    "mdr.settings.get": "probe",
    "mdr.settings.update": "probe",
    "mdr.settings.auto_accept.get": "probe",
    "mdr.settings.auto_accept.set": "probe",
    "mdr.settings.auto_accept.set_tenants": "probe",
    "mdr.notifications.get": "probe",
    "mdr.notifications.email.save": "probe",
    "mdr.notifications.email.verify": "probe",
    "mdr.notifications.email.resend": "probe",
    "mdr.notifications.email.disable": "probe",
    "mdr.notifications.telegram.link": "probe",
    "mdr.notifications.telegram.unsubscribe": "probe",
    "mdr.reports.list": "probe",
    "mdr.reports.create": "probe",
    "mdr.reports.update": "probe",
    "mdr.reports.enable": "probe",
    "mdr.reports.delete": "probe",
    "mdr.connections.list": "probe",
    "mdr.connections.create": "probe",
    "mdr.connections.edit": "probe",
    "mdr.connections.generate": "probe",
    "mdr.connections.revoke": "probe",
    "mdr.connections.delete": "probe",
    "mdr.responses.list": "probe",
    "mdr.responses.get": "probe",
    "mdr.responses.accept": "probe",
    "mdr.responses.reject": "probe",
    "mdr.responses.check_isolation_password": "probe",
    "mdr.wizard.get": {},
    "mdr.wizard.create_roles": "probe",
    "mdr.diag.run": "probe",
}

suite = Suite("rights_matrix")
world = World(sandbox_args=("--seed", str(SEED), "--assets", str(ASSETS), "--tenants",
                            str(TENANTS)), batch=True)
world.host_ok("devices", "generate", "--count", str(ASSETS + SILENT), "--never-sent", str(SILENT),
              "--seed", str(SEED), "--tenants", str(TENANTS))
world.host_ok("server", "add-virtual", "vs1")
world.activate()
world.call("mdr.health.sync").ok()

# ---- the sources: the XML, the host's view of the module ------------------------------
xml = ET.parse(os.path.join(ROOT, "rights", "mdr-rights.xml")).getroot()
XML_ACTIONS = {a.get("name"): sorted(r.get("area") for r in a.findall("r:require", NS))
               for a in xml.findall("r:action", NS)}
XML_ROLES = {r.get("id"): {a.get("area") for a in r.findall("r:allow", NS)}
             for r in xml.findall("r:role", NS)}
plugin = next(m for m in world.host_ok("plugins").json["modules"] if m["name"] == "mdr")
ACTIONS = {a["name"]: a for a in plugin["actions"]}
ROLES = dict(XML_ROLES, none=set())  # "none": a user without any role
SERVERS = ("main", "vs1")

# ---- the world: vs1 holds a few devices with assets and a few that never sent ----------
listed = world.host_ok("devices", "list").json
rows = world.call("mdr.health.assets", {"last_seen": {"all": True}, "page_size": 500}).ok()["items"]
with_asset = [a["ksc_host_id"] for a in rows if a["ksc_host_id"]]
silent = [d["device_id"] for d in
          world.call("mdr.health.malfunctioning", {"page_size": 500}).ok()["items"]]
vs1_ids = set(with_asset[:VS1_ASSETS] + silent[:VS1_SILENT])
docs = [dict(d, server="vs1") for d in listed if d["id"] in vs1_ids]
path = os.path.join(world.tmp, "vs1.json")
with open(path, "w") as f:
    json.dump({"devices": docs}, f)
world.host_ok("devices", "import", path)
world.call("mdr.health.sync").ok()
MAIN_DEVICE = next(i for i in with_asset if i not in vs1_ids)

for preset in XML_ROLES:
    world.host_ok("role", "add-preset", preset)
USERS = {}  # (role, server) -> user name
for role in ROLES:
    for server in SERVERS:
        name = f"mx-{role.split('.')[-1]}-{server}"
        world.host_ok("user", "add", name)
        if role != "none":
            world.host_ok("user", "grant", name, role, "--server", server)
        USERS[(role, server)] = name


def request_of(action):
    row = ROWS[action]
    if row == "probe":
        return PROBE
    if row == "device":
        return {"device_id": MAIN_DEVICE}
    return row


def call(action, role, granted_on, called_on):
    out = None
    if ACTIONS[action].get("produces_file"):
        out = os.path.join(world.tmp, f"out-{action}-{role}-{granted_on}-{called_on}")
    r = world.call(action, request_of(action), user=USERS[(role, granted_on)], server=called_on,
                   output=out)
    return action, role, granted_on, called_on, r, out


@suite.case("rights_matrix__every_action_is_in_the_xml_and_has_a_row")
def _():
    actions = set(ACTIONS)
    expect(actions == set(XML_ACTIONS), "plugins vs XML", sorted(actions ^ set(XML_ACTIONS)))
    expect(actions == set(ROWS), "actions without a matrix row (or rows without an action)",
           sorted(actions ^ set(ROWS)))
    for name, a in ACTIONS.items():
        expect(sorted(a["required_areas"]) == XML_ACTIONS.get(name), name, a)
    presets = {p["id"]: set(p["allowed_areas"]) for p in plugin["role_presets"]}
    expect(presets == XML_ROLES, "role presets differ from the XML", presets)


RESULTS = []


@suite.case("rights_matrix__allow_and_deny_exactly_as_the_xml")
def _():
    jobs = [(a, role, s, s) for a in sorted(ACTIONS) for role in ROLES for s in SERVERS]
    # rights held on vs1 only are no rights on main: one action per distinct set of
    # required areas, as each role
    by_areas = {}
    for a in sorted(ACTIONS):
        by_areas.setdefault(tuple(XML_ACTIONS[a]), a)
    jobs += [(a, role, "vs1", "main") for a in by_areas.values() for role in ROLES]
    with ThreadPoolExecutor(max_workers=8) as pool:
        RESULTS.extend(pool.map(lambda j: call(*j), jobs))
    bad = []
    for action, role, granted_on, called_on, r, _out in RESULTS:
        required = set(XML_ACTIONS[action])
        held = ROLES[role] if granted_on == called_on else set()
        missing = sorted(required - held)
        denied = r.rc == 3 and r.code == "access_denied"
        if missing:
            got = sorted(x["id"] for x in (r.error or {}).get("details", {}).get("missing_rights", []))
            if not denied or got != missing:
                bad.append(f"{action} as {role}@{granted_on} on {called_on}: expected denied "
                           f"{missing}, got exit {r.rc} {r.code} {got}")
        elif denied or r.rc == 3:
            bad.append(f"{action} as {role}@{granted_on} on {called_on}: expected allowed, got "
                       f"exit {r.rc} {r.code}")
        elif ROWS[action] == "probe" and r.code not in ("unknown_field",):
            # the probe must be refused by the module's validation: nothing ran
            bad.append(f"{action} as {role}: the probe was not refused ({r.rc} {r.code})")
    expect(not bad, f"{len(bad)} of {len(RESULTS)} calls wrong:\n" + "\n".join(bad[:40]))
    print(f"  matrix: {len(ACTIONS)} actions x {len(ROLES)} roles (3 presets + none) x "
          f"{len(SERVERS)} servers + {len(by_areas) * len(ROLES)} cross-server calls = "
          f"{len(RESULTS)} calls")


def allowed(action):
    return [(role, g, r, out) for a, role, g, c, r, out in RESULTS
            if a == action and g == c and r.rc == 0]


@suite.case("rights_matrix__vs1_users_see_only_vs1_in_health")
def _():
    expect(RESULTS, "the matrix did not run")
    checked = 0
    for role, server, r, out in allowed("mdr.health.assets"):
        want = VS1_ASSETS if server == "vs1" else ASSETS
        expect(r.json["total"] == want, role, server, r.json["total"])
        expect(server == "main" or all(x["ksc_server"] == "vs1" for x in r.json["items"]), role)
        checked += 1
    for role, server, r, out in allowed("mdr.health.malfunctioning"):
        want = VS1_SILENT if server == "vs1" else SILENT
        expect(r.json["total"] == want, role, server, r.json["total"])
        checked += 1
    for role, server, r, out in allowed("mdr.health.summary"):
        want = (VS1_ASSETS, VS1_SILENT) if server == "vs1" else (ASSETS, SILENT)
        expect((r.json["total"], r.json["malfunctioning"]) == want, role, server, r.json)
        checked += 1
    for role, server, r, out in allowed("mdr.health.status"):
        want = VS1_ASSETS if server == "vs1" else ASSETS
        expect(r.json["assets"] == want, role, server, r.json)
        checked += 1
    for role, server, r, out in allowed("mdr.health.export"):
        with open(out, newline="", encoding="utf-8") as f:
            n = len(list(csv.reader(f))) - 1
        expect(n == r.json["rows"] == (VS1_ASSETS if server == "vs1" else ASSETS), role, server, n)
        checked += 1
    # the device of main: found on main, not found on vs1
    for a, role, g, c, r, out in RESULTS:
        if a != "mdr.health.device" or g != c or not set(XML_ACTIONS[a]) <= ROLES[role]:
            continue
        if g == "vs1":
            expect(r.rc == 4 and r.code == "health_device_not_found", role, r)
        else:
            expect(r.rc == 0 and r.json["device_id"] == MAIN_DEVICE, role, r)
        checked += 1
    # every preset holds Incident access: 3 presets x 2 servers x 6 reads
    expect(checked == 3 * 2 * 6, checked)
    d = world.call("mdr.health.device", {"device_id": sorted(vs1_ids)[0]},
                   user=USERS[("mdr.security_officer", "vs1")], server="vs1").ok()
    expect(d["ksc_server"] == "vs1", d)


suite.finish(world)
