"""The kill matrix (docs/module.md "Kill points"): the host killed by SIGKILL at each commit
boundary of activation, token refresh, KSN install, tenant create/delete and the Health sync
apply; after each, the next calls recover and nothing is inconsistent.

Deterministic: the module raises SIGKILL on itself at the named point (MDR_TEST_KILL_AT, in a
build with MDR_TEST_POINTS), for one call only; no timer races the process. The last case
holds the matrix to the sources: every mdr_test_point("…") under plugin/ must be a case here,
so an area that adds a point (settings, connections, responses, …) adds its case too."""
import json
import os
import re
import signal

from harness import ROOT, Suite, World, expect
from lt_common import DAY_MS, date_of, host_now, requests_to

HOUR = 3600 * 1000
ASSETS, SILENT, SEED, TENANTS = 300, 20, 7, 2

suite = Suite("kill_matrix")
world = World(sandbox_args=("--seed", str(SEED), "--assets", str(ASSETS), "--tenants",
                            str(TENANTS)))
world.host_ok("devices", "generate", "--count", str(ASSETS + SILENT), "--never-sent", str(SILENT),
              "--seed", str(SEED), "--tenants", str(TENANTS))
sbx = world.sandbox
COVERED = set()


def killed_at(point, action, request=None, user=None, command="call"):
    """Runs one ksc-host command with the kill point armed; asserts the process died by
    SIGKILL exactly there."""
    args = [command] + (["--user", user] if user else [])
    if command == "call":
        args.append(action)
        if request is not None:
            args.append(json.dumps(request))
    env = dict(world.env, MDR_TEST_KILL_AT=point)
    r = world.host(*args, env=env)
    expect(r.rc == -signal.SIGKILL, f"not killed at {point}", r)
    expect(f"killed at {point}" in r.stderr, f"killed elsewhere than {point}", r)
    COVERED.add(point)
    return r


def status():
    return world.call("mdr.activation.status").ok()


def history_versions(server="main"):
    return [str(h["version"]) for h in world.call("mdr.ksn.status").ok()["history"]]


def host_version(server="main"):
    cfg = world.ksn_show(server)["config"]
    return cfg["version"] if cfg else None


def expire_access_token():
    """Both clocks move together, so the access token has expired for both."""
    world.host_ok("clock", "advance", str(2 * HOUR))
    sbx.admin("clock", {"advance_ms": 2 * HOUR})


# ---- activation --------------------------------------------------------------------------

@suite.case("kill_matrix__activation_after_session_start")
def _():
    login, password = world.account()
    killed_at("activation.after_session_start", "mdr.account.sign_in",
              {"login": login, "password": password})
    st = status()  # the committed session is used; the account line is simply not written
    expect(st["signed_in"] and st["next_step"] == "activation_code", st)
    world.sign_in().ok()
    expect(status()["account"] == login)


@suite.case("kill_matrix__activation_after_accept_ksn")
def _():
    st = status()
    world.call("mdr.activation.activate",
               {"code": sbx.ready["activation_code"], "region": "europe"}).ok()
    st = status()
    if st["next_step"] == "select_tenants":
        world.call("mdr.activation.select_tenants",
                   {"tenants": [t["tenant_id"] for t in st.get("tenants", [])]}).ok()
        st = status()
    if st["next_step"] == "agreements":
        world.call("mdr.activation.accept_agreements",
                   {"agreements": [a["id"] for a in st["agreements"]]}).ok()
        st = status()
    expect(st["next_step"] == "ksn_statement", st)
    killed_at("activation.after_accept_ksn", "mdr.activation.accept_ksn_statement",
              {"accepted": True})
    st = status()  # activated in the cloud; the console's own step says what is left
    expect(st["activated"] and st["next_step"] == "install_ksn_file", st)
    expect(host_version() is None and history_versions() == [], "a file appeared from nowhere")
    r = world.call("mdr.ksn.update").ok()
    expect(r["installed"] and host_version() == r["version"], r)
    expect(history_versions() == [r["version"]], history_versions())
    expect(status()["next_step"] == "none")


# ---- token refresh -----------------------------------------------------------------------

def confirms():
    return requests_to(world, "session/confirm")


@suite.case("kill_matrix__session_before_commit")
def _():
    expire_access_token()
    sbx.requests(clear=True)
    killed_at("session.before_commit", "mdr.activation.status")
    expect(len(confirms()) == 1 and confirms()[0]["status"] == 200, confirms())
    # the service spent the token, the new pair died with the process: the one window.
    # The next call says plainly that sign-in is needed; the spent token is refused, never
    # accepted twice.
    st = status()
    expect(st["state"] == "not_signed_in" and st["sign_in_required"]
           and st["next_step"] == "sign_in", st)
    c = confirms()
    expect(len(c) == 2 and c[1]["status"] in (400, 401, 403), "the spent token was reused", c)
    r = world.call("mdr.ksn.update")
    r.fails("cloud_sign_in_required")
    world.sign_in().ok()
    expect(status()["state"] == "active")


@suite.case("kill_matrix__session_after_commit")
def _():
    expire_access_token()
    sbx.requests(clear=True)
    killed_at("session.after_commit", "mdr.activation.status")
    expect(len(confirms()) == 1, confirms())
    expect(status()["state"] == "active")
    expect(len(confirms()) == 1, "the committed session was not used", confirms())


# ---- KSN install -------------------------------------------------------------------------

@suite.case("kill_matrix__ksn_after_host_install")
def _():
    before = host_version()
    v = str(sbx.publish_ksn()["version"])
    killed_at("ksn.after_host_install", "mdr.ksn.update")
    expect(host_version() == v and v != before, "the host did not commit", host_version())
    # the module's history is reconciled from the host's installed version (the truth)
    st = world.call("mdr.ksn.status").ok()
    expect(st["history"][0]["version"] == int(v) and st["history"][0]["trigger"] == "reconciled",
           st["history"])
    r = world.call("mdr.ksn.update").ok()
    expect(not r["installed"] and r["up_to_date"] and r["version"] == v, r)
    expect(history_versions().count(v) == 1, history_versions())
    host_hist = [h["version"] for h in world.ksn_show()["history"]]
    expect(host_hist.count(v) == 1, "installed twice on the host", host_hist)


# ---- tenants -----------------------------------------------------------------------------

def a_license():
    return world.call("mdr.licenses.list").ok()["licenses"][0]


def tenant_names(user=None):
    return [t["name"] for t in world.call("mdr.tenants.list", user=user).ok()["tenants"]]


def grants_of(user):
    g = world.call("mdr.tenants.grants").ok()["restricted_users"]
    return [t["id"] for u in g if u["user"] == user for t in u["tenants"]]


@suite.case("kill_matrix__tenants_after_cloud_create")
def _():
    world.add_user("vera", extra_areas=["mdr.incident_access", "mdr.tenant_management"])
    world.call("mdr.tenants.grant", {"user": "vera", "tenants": [], "root": True}).ok()
    lic = a_license()
    body = {"name": "Killed Create", "config_files": [
        {"license_id": lic["id"], "expires": date_of(host_now(world) + 30 * DAY_MS)}]}
    killed_at("tenants.after_cloud_create", "mdr.tenants.create", body, user="vera")
    expect("Killed Create" in tenant_names(), "the cloud did not create it")
    # the restricted creator sees it (the cloud's list is the truth)
    expect("Killed Create" in tenant_names(user="vera"), tenant_names(user="vera"))
    r = world.call("mdr.tenants.create", body, user="vera")
    r.fails("tenant_name_unavailable")  # a retry is refused (the neutral refusal of a restricted caller)
    ids = [t["id"] for t in world.call("mdr.tenants.list", user="vera").ok()["tenants"]]
    expect(len(ids) == 1 and grants_of("vera") == ids, grants_of("vera"))
    world.call("mdr.tenants.get", {"id": ids[0]}, user="vera").ok()


@suite.case("kill_matrix__tenants_after_cloud_delete")
def _():
    ids = [t["id"] for t in world.call("mdr.tenants.list", user="vera").ok()["tenants"]]
    expect(len(ids) == 1, ids)
    killed_at("tenants.after_cloud_delete", "mdr.tenants.delete",
              {"id": ids[0], "confirm": True}, user="vera")
    expect("Killed Create" not in tenant_names(), "the cloud did not delete it")
    expect("Killed Create" not in tenant_names(user="vera"))
    expect(grants_of("vera") == [], "a grant of a deleted tenant stayed", grants_of("vera"))
    world.call("mdr.tenants.delete", {"id": ids[0], "confirm": True},
               user="vera").fails("tenant_not_found")


# ---- Health sync apply -------------------------------------------------------------------

def health_status():
    return world.call("mdr.health.status").ok()


def health_snapshot():
    s = world.call("mdr.health.summary").ok()
    return s["total"], s["malfunctioning"], health_status()["last_good_sync"]


@suite.case("kill_matrix__health_after_lease")
def _():
    killed_at("health.after_lease", "mdr.health.sync", {"full": True})
    st = health_status()
    expect(not st["running"], "a dead process's sync is reported running", st)
    r = world.call("mdr.health.sync").ok()  # at once: not 30 minutes later
    expect(r["assets"] == ASSETS, r)


@suite.case("kill_matrix__health_before_apply_commit")
def _():
    before = health_snapshot()
    sbx.admin("assets/touch", {"count": 10})
    killed_at("health.before_apply_commit", "mdr.health.sync", {"full": True})
    expect(health_snapshot() == before, "the snapshot changed", health_snapshot(), before)
    world.host_ok("clock", "advance", "1000")
    r = world.call("mdr.health.sync").ok()  # at once, and it applies what the dead one did not
    expect(r["assets"] == ASSETS and health_snapshot()[2] > before[2], r, health_snapshot())


@suite.case("kill_matrix__health_after_apply")
def _():
    good = health_status()["last_good_sync"]
    world.host_ok("clock", "advance", "1000")
    killed_at("health.after_apply", "mdr.health.sync", {"full": True})
    st = health_status()
    expect(st["last_good_sync"] > good and not st["running"], st)
    total, bad, _ = health_snapshot()
    expect(total == ASSETS and bad == SILENT, total, bad)
    world.call("mdr.health.sync").ok()


# ---- the matrix covers every point -------------------------------------------------------

@suite.case("kill_matrix__every_point_covered")
def _():
    points = set()
    for top, _, files in os.walk(os.path.join(ROOT, "plugin")):
        for f in files:
            if f.endswith(".c"):
                with open(os.path.join(top, f)) as src:
                    points |= set(re.findall(r'mdr_test_point\("([^"]+)"\)', src.read()))
    expect(points, "no kill points found in plugin/")
    if os.environ.get("ONLY"):
        return  # a partial run covers only what it ran
    expect(points == COVERED, "points without a case", sorted(points - COVERED),
           "cases without a point", sorted(COVERED - points))
    print(f"  {len(points)} kill points covered")


suite.finish(world)
