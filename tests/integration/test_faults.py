"""Faults from the sandbox (5xx, 429 with Retry-After, cut bodies, dropped connections,
answers withheld past the timeout) during activation, token refresh and KSN install; the host
process killed around a token refresh. Expected: clear errors, retries only where safe, no lost session, nothing
half-installed; after a kill the module works, or in the one window says sign-in is needed.

Nothing here races the wall clock: the module's timeouts are generous, a timeout is caused by
the sandbox holding a request (fault hold) past a short timeout set for that one case, and a
kill happens while the sandbox holds the request it is aimed at (faults/held says so)."""
import signal
import time

from harness import Suite, World, expect

suite = Suite("faults")
world = World(timeout_ms=60000, connect_timeout_ms=30000, max_retries=2)
sbx = world.sandbox
HOUR = 3600 * 1000


def count(path):
    return len([r for r in sbx.requests(path) if r["path"].endswith(path)])


def status():
    return world.call("mdr.activation.status")


def expire_access_token():
    """Both clocks move together (as a real console's and the service's do), so the access
    token the module holds has expired for both and the next call refreshes."""
    world.host_ok("clock", "advance", str(2 * HOUR))
    sbx.admin("clock", {"advance_ms": 2 * HOUR})


@suite.case("faults__5xx_retried_on_reads")
def _():
    world.sign_in().ok()
    sbx.requests(clear=True)
    sbx.fault("activation/status", count=2, status=503)
    st = status().ok()
    expect(st["next_step"] == "activation_code", st)
    expect(count("activation/status") == 3, sbx.requests("activation/status"))


@suite.case("faults__429_waits_retry_after_then_retries_once")
def _():
    sbx.requests(clear=True)
    sbx.fault("activation/status", status=429, retry_after=1)
    st = status().ok()
    expect(st["next_step"] == "activation_code", st)
    log = [r for r in sbx.requests("activation/status") if r["path"].endswith("activation/status")]
    expect([r["status"] for r in log] == [429, 200], log)
    # the request log's times are the sandbox clock, which nothing moved meanwhile
    expect(log[1]["time"] - log[0]["time"] >= 1000, "retried before Retry-After", log)


@suite.case("faults__429_longer_than_the_client_waits_fails_at_once")
def _():
    sbx.requests(clear=True)
    sbx.fault("activation/status", status=429, retry_after=3600)
    r = status()
    r.fails("cloud_http")
    expect("429" in r.error["message"], r)
    expect(count("activation/status") == 1, "called again before Retry-After")


@suite.case("faults__5xx_on_activate_not_retried_nothing_changed")
def _():
    sbx.requests(clear=True)
    sbx.fault("activation/activate", status=500)
    r = world.call("mdr.activation.activate", {"code": sbx.ready["activation_code"], "region": "europe"})
    r.fails("cloud_http")
    expect("500" in r.error["message"], r)
    expect(count("activation/activate") == 1, "a state-changing call was repeated")
    expect(status().ok()["next_step"] == "activation_code")


@suite.case("faults__dropped_connection_on_activate")
def _():
    sbx.fault("activation/activate", drop=True)
    r = world.call("mdr.activation.activate", {"code": sbx.ready["activation_code"], "region": "europe"})
    r.fails("cloud_network")
    expect(status().ok()["next_step"] == "activation_code")


@suite.case("faults__answer_withheld_past_timeout")
def _():
    # Held until released, so each of the 3 attempts (max_retries=2) times out, however slow
    # the machine: the 1 s timeout is the module's, the silence is the sandbox's.
    world.set_module("cloud.timeout_ms", "1000")
    world.set_module("cloud.connect_timeout_ms", "1000")
    try:
        sbx.fault("activation/status", count=3, hold=True)
        r = status()
        r.fails("cloud_timeout")
        expect(sbx.wait_held(3) == 3, "every attempt reached the sandbox")
    finally:
        sbx.release_held()
        world.set_module("cloud.timeout_ms", "60000")
        world.set_module("cloud.connect_timeout_ms", "30000")
    status().ok()


@suite.case("faults__cut_body_on_ksn_file_during_activation_retried")
def _():
    sbx.fault("ksn/file", cut_body=True)
    st = world.activate()
    expect(st["activated"] and st["ksn"]["installed"], st)


@suite.case("faults__ksn_install_cut_and_5xx_nothing_half_installed")
def _():
    before = world.ksn_show()["config"]["version"]
    v = sbx.publish_ksn()["version"]
    sbx.fault("ksn/file", count=3, cut_body=True)
    r = world.call("mdr.ksn.update")
    r.fails("cloud_network")
    expect(world.ksn_show()["config"]["version"] == before, "half-installed")
    sbx.fault("ksn/current", count=3, status=502)
    world.call("mdr.ksn.update").fails("cloud_http")
    r = world.call("mdr.ksn.update").ok()
    expect(r["version"] == str(v) and world.ksn_show()["config"]["version"] == str(v), r)


@suite.case("faults__refresh_5xx_keeps_the_session")
def _():
    expire_access_token()
    sbx.requests(clear=True)
    sbx.fault("session/confirm", status=503)
    r = status()
    r.fails("cloud_http")
    expect(count("session/confirm") == 1, "the single-use exchange was repeated")
    st = status().ok()
    expect(st["signed_in"] and st["state"] == "active", st)


@suite.case("faults__refresh_dropped_keeps_the_session")
def _():
    expire_access_token()
    sbx.fault("session/confirm", drop=True)
    status().fails("cloud_network")
    expect(status().ok()["state"] == "active")


def kill_while_held(path):
    """Holds the next request to `path`, starts a call, kills it once the sandbox holds that
    request, then lets the sandbox handle the request (its answer goes nowhere)."""
    sbx.fault(path, hold=True)
    p = world.spawn("call", "mdr.activation.status")
    try:
        sbx.wait_held(1)
    finally:
        p.send_signal(signal.SIGKILL)
        p.communicate()
    expect(p.returncode == -signal.SIGKILL, f"the call ended by itself (exit {p.returncode})")
    sbx.release_held()


def wait_logged(path, n):
    """The sandbox logs a request once it has handled it."""
    end = time.time() + 120
    while count(path) < n:
        expect(time.time() < end, f"{path} not handled", sbx.requests())
        time.sleep(0.05)


@suite.case("faults__kill_before_the_refresh")
def _():
    expire_access_token()
    p = world.spawn("call", "mdr.activation.status")
    p.send_signal(signal.SIGKILL)
    p.communicate()
    expect(status().ok()["state"] == "active")


@suite.case("faults__kill_after_the_commit")
def _():
    expire_access_token()
    sbx.requests(clear=True)
    kill_while_held("activation/status")  # refreshed and committed, then killed
    expect(count("session/confirm") == 1, sbx.requests())
    wait_logged("activation/status", 1)
    expect(status().ok()["state"] == "active")
    expect(count("session/confirm") == 1, "the committed session was not used")


@suite.case("faults__kill_during_the_refresh")
def _():
    # The one window: the service spends the refresh token, the module never hears of it.
    expire_access_token()
    sbx.requests(clear=True)
    kill_while_held("session/confirm")
    wait_logged("session/confirm", 1)
    st = status().ok()
    expect(st["state"] == "not_signed_in" and st["sign_in_required"] and st["next_step"] == "sign_in", st)
    r = world.call("mdr.usage.get")
    expect(r.rc == 0, r)
    r = world.call("mdr.ksn.update")
    r.fails("cloud_sign_in_required")
    expect("Sign in again" in r.error["message"], r)
    world.sign_in().ok()
    expect(status().ok()["state"] == "active")


suite.finish(world)
