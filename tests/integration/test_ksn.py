"""The KSN configuration file: update, rotation at login (administrator, Security Officer,
ten concurrent logins → one install), forged/expired/downgraded files refused, the virtual
server's view, the expiry warning."""

from harness import Suite, World, expect

suite = Suite("ksn")
world = World(batch=True)
sbx = world.sandbox
world.activate()
world.add_user("officer", preset="mdr.security_officer")
world.host_ok("role", "add", "ksn-admins")
world.host_ok("role", "allow", "ksn-admins", "ksc.application_integration")
world.host_ok("role", "allow", "ksn-admins", "mdr.incident_access")
for i in range(10):
    world.host_ok("user", "add", f"adm{i}", *(["--lang", "de"] if i == 0 else []))
    world.host_ok("user", "grant", f"adm{i}", "ksn-admins")


def installed(server="main"):
    c = world.ksn_show(server)["config"]
    return c and c["version"]


def host_installs(version):
    """How many times the host installed this version on the main server (its KSN history)."""
    return sum(1 for h in world.ksn_show("main")["history"] if h["version"] == str(version))


@suite.case("ksn__update_when_current")
def _():
    r = world.call("mdr.ksn.update").ok()
    expect(r["installed"] is False and r["up_to_date"] and r["version"] == installed(), r)
    st = world.call("mdr.ksn.status").ok()
    expect(st["installed"]["version"] == installed() and str(st["newest"]["version"]) == installed(), st)
    expect(st["expires_soon"] is False and "warning" not in st, st)


@suite.case("ksn__rotation_administrator")
def _():
    v = sbx.publish_ksn()["version"]
    notes = world.login("admin")
    texts = [n.get("text", "") for n in notes]
    expect(any(f"Version {v} is now installed" in t for t in texts), notes)
    expect(installed() == str(v), world.ksn_show())
    hist = world.call("mdr.ksn.status").ok()["history"]
    expect(hist[0]["version"] == v and hist[0]["trigger"] == "login" and hist[0]["installed_by"] == "admin", hist)
    expect(world.login("admin") == [], "a second login notified again")


@suite.case("ksn__rotation_security_officer")
def _():
    before = installed()
    v = sbx.publish_ksn()["version"]
    notes = world.login("officer")
    expect(len(notes) == 1 and "administrator" in notes[0]["text"] and str(v) in notes[0]["text"], notes)
    expect(installed() == before, "installed without the right")


@suite.case("ksn__ten_concurrent_logins_install_once")
def _():
    v = installed()  # the officer's version is still pending
    target = int(v) + 1
    procs = [world.spawn("login", "--user", f"adm{i}") for i in range(10)]
    outs = [p.communicate(timeout=300) for p in procs]
    expect(all(p.returncode == 0 for p in procs), [o[1][:300] for o in outs])
    notified = [o[0] for o in outs if "Version %d ist jetzt" % target in o[0] or "Version %d is now" % target in o[0]]
    expect(len(notified) == 1, "notifications:", [o[0][:200] for o in outs])
    expect(installed() == str(target) and host_installs(target) == 1, world.ksn_show(), host_installs(target))
    hist = [h for h in world.call("mdr.ksn.status").ok()["history"] if h["version"] == target]
    expect(len(hist) == 1, hist)


@suite.case("ksn__forged_expired_downgraded_refused")
def _():
    before = installed()
    sbx.publish_ksn("untrusted")
    r = world.call("mdr.ksn.update")
    r.fails("ksn_untrusted_signer")
    notes = world.login("admin")
    expect(len(notes) == 1 and "unexpected error" in notes[0]["text"], notes)
    sbx.publish_ksn("expired")
    world.call("mdr.ksn.update").fails("ksn_expired")
    expect(installed() == before, "a refused file was installed")
    v = sbx.publish_ksn()["version"]
    r = world.call("mdr.ksn.update").ok()
    expect(r["installed"] and r["version"] == str(v) and installed() == str(v), r)
    lower = sbx.publish_ksn("lower_version")["version"]
    expect(lower < v, lower, v)
    world.call("mdr.ksn.update").fails("ksn_older")
    expect(installed() == str(v), "downgraded")


@suite.case("ksn__virtual_server")
def _():
    world.host_ok("server", "add-virtual", "branch")
    r = world.call("mdr.ksn.update", server="branch")
    r.fails("ksn_virtual_server")
    expect("branch" in r.error["message"], r)
    expect(all(v != "" for v in r.error["details"].values()), "empty details", r.error["details"])
    u = world.call("mdr.usage.get", server="branch").ok()
    expect(u["kpsn"]["virtual_server"] and u["kpsn"]["inherited_from"] == "main", u["kpsn"])
    expect(u["kpsn"]["status_text"] == "To send telemetry data to the Kaspersky MDR infrastructure, "
           f"the KPSN configuration file with version {installed()} is used", u["kpsn"])
    expect(world.login("admin", server="branch") == [], "a login on a virtual server notified")


@suite.case("ksn__expiry_warning")
def _():
    st = world.call("mdr.ksn.status").ok()
    days = st["installed"]["days_left"]
    world.host_ok("clock", "advance", str((days - 20) * 86400000))
    st = world.call("mdr.ksn.status").ok()
    expect(st["expires_soon"] and "expires in" in st["warning"], st)
    ru = world.call("mdr.ksn.status", lang="ru").ok()
    expect("истекает" in ru["warning"], ru)


suite.finish(world)
