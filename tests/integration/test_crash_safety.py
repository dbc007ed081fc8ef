"""Crash-safety defects of issue 12 that are not a kill (the kill matrix has those):
- a console clock an hour ahead of (or behind) the service costs one token refresh, not one
  per call, and mdr.activation.status reports the measured skew;
- ten logins at once download a new KSN file once (one download across processes)."""
from harness import Suite, World, expect
from lt_common import requests_to

HOUR = 3600 * 1000

suite = Suite("crash_safety")
world = World()
sbx = world.sandbox
world.activate()


def calls(n):
    for _ in range(n):
        world.call("mdr.ksn.status").ok()  # one console call (ksn/current) each


@suite.case("crash_safety__console_clock_ahead_costs_one_refresh")
def _():
    world.host_ok("clock", "advance", str(HOUR))  # only the console's clock moves
    sbx.requests(clear=True)
    calls(5)
    n = len(requests_to(world, "session/confirm"))
    expect(n == 1, f"{n} refreshes for 5 calls with the console an hour ahead")
    expect(len(requests_to(world, "ksn/current")) == 5)
    st = world.call("mdr.activation.status").ok()
    expect(abs(st["clock_skew_ms"] - HOUR) < 60 * 1000, st)
    expect("60 minutes ahead" in st["clock_warning"], st)
    ru = world.call("mdr.activation.status", lang="ru").ok()
    expect("опережают" in ru["clock_warning"] and "60" in ru["clock_warning"], ru)


@suite.case("crash_safety__console_clock_behind_costs_one_refresh")
def _():
    sbx.admin("clock", {"advance_ms": 2 * HOUR})  # now the service is an hour ahead
    sbx.requests(clear=True)
    calls(5)
    n = len(requests_to(world, "session/confirm"))
    expect(n == 1, f"{n} refreshes for 5 calls with the console an hour behind")
    st = world.call("mdr.activation.status").ok()
    expect(abs(st["clock_skew_ms"] + HOUR) < 60 * 1000, st)
    expect("60 minutes behind" in st["clock_warning"], st)


@suite.case("crash_safety__clocks_agreeing_again_no_warning")
def _():
    # after the case above the console is an hour behind; it catches up
    world.host_ok("clock", "advance", str(HOUR))
    sbx.requests(clear=True)
    calls(3)  # the token it holds ends an hour later by its clock now: one refresh
    expect(len(requests_to(world, "session/confirm")) == 1, requests_to(world, "session/confirm"))
    st = world.call("mdr.activation.status").ok()
    expect(abs(st["clock_skew_ms"]) < 60 * 1000 and "clock_warning" not in st, st)


@suite.case("crash_safety__ten_logins_download_once")
def _():
    v = str(sbx.publish_ksn()["version"])
    sbx.requests(clear=True)
    procs = [world.spawn("login", "--user", "admin") for _ in range(10)]
    for p in procs:
        out, err = p.communicate(timeout=180)
        expect(p.returncode == 0, out, err)
    files = requests_to(world, "ksn/file")
    expect(len(files) == 1, f"{len(files)} downloads for ten logins", files)
    expect(world.ksn_show()["config"]["version"] == v)
    host_hist = [h["version"] for h in world.ksn_show()["history"]]
    expect(host_hist.count(v) == 1, host_hist)
    hist = [str(h["version"]) for h in world.call("mdr.ksn.status").ok()["history"]]
    expect(hist.count(v) == 1, hist)


suite.finish(world)
