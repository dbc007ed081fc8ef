#!/usr/bin/env python3
"""The self-diagnosis (mdr.diag.run) through ksc-host + the module + mdr-sandbox + tinyproxy:
a clean run on a healthy console, then every check made to fail for real and its remedy shown
— not signed in, devices whose MDR is stopped or unlicensed, tinyproxy with a wrong password
and stopped, a wrong extra CA, a service that holds the connection (the run still answers
within 10 s), KPSN switched off, the licences expired through the sandbox's admin API, and the
host clock moved past the KSN file's expiry (the clock check then warns too)."""
import json
import os
import time

from harness import Suite, World, expect

suite = Suite("diagnosis")
world = World()
sbx = world.sandbox
BOUND_S = 10


def diag(w=None, **kw):
    t0 = time.monotonic()
    r = (w or world).call("mdr.diag.run", **kw).ok()
    r["_seconds"] = time.monotonic() - t0
    r["by_id"] = {c["id"]: c for c in r["checks"]}
    return r


def check(r, cid, status):
    c = r["by_id"].get(cid)
    expect(c is not None and c["status"] == status, f"{cid}: expected {status}", c, r["checks"])
    if status in ("warning", "failed"):
        expect(c.get("remedy"), f"{cid}: no remedy", c)
    return c


def import_devices(w, devices):
    path = os.path.join(w.tmp, "devices.json")
    with open(path, "w") as f:
        json.dump({"devices": devices}, f)
    w.host_ok("devices", "import", path)


def device(i, state="Running"):
    return {"id": f"00000000-0000-4000-8000-{i:012d}", "name": f"WS-{i}", "group": "Managed devices",
            "server": "main", "tenant": "", "mdr_state": state, "self_defense": True,
            "applications": [{"code": "KES", "name": "Kaspersky Endpoint Security for Windows",
                              "version": "12.6.0.438", "mdr_configured": True,
                              "components": [{"name": "Managed Detection and Response",
                                              "state": "Running" if state == "Running" else "Stopped"}]}]}


@suite.case("diagnosis__not_signed_in")
def _():
    r = diag()
    c = check(r, "session", "failed")
    expect("sign in" in c["remedy"] and "Getting Started" in c["remedy"], c)
    check(r, "clock", "skipped")
    check(r, "service", "ok")  # the path itself is fine


@suite.case("diagnosis__clean_on_a_healthy_console")
def _():
    world.activate()
    import_devices(world, [device(1), device(2), device(3)])
    world.call("mdr.licenses.list").ok()  # the Licenses tab's cache
    r = diag()
    for cid in ("proxy", "dns", "tls", "service", "session", "clock", "license", "ksn_file",
                "kpsn"):
        check(r, cid, "ok")
    # the demo's sandbox is trusted only as an extra CA: said, with the file and the setting
    s = check(r, "tls_signer", "warning")
    expect(s["value"] == sbx.ca and "NODE_EXTRA_CA_CERTS" in s["remedy"], s)
    expect(r["_seconds"] < BOUND_S, r["_seconds"])
    ru = diag(lang="ru")
    expect(ru["by_id"]["tls_signer"]["title"] == "Кем подписан сертификат", ru["checks"])


@suite.case("diagnosis__devices_without_mdr_running_by_cause")
def _():
    import_devices(world, [device(2, "No license"), device(3, "Stopped"), device(4, "No license")])
    c = check(diag(), "telemetry", "warning")
    expect(c["value"] == "1/4" and "No license: 2" in c["remedy"] and "Stopped: 1" in c["remedy"], c)
    import_devices(world, [device(2), device(3), device(4)])
    check(diag(), "telemetry", "ok")


@suite.case("diagnosis__proxy_wrong_password_and_down")
def _():
    other = World(sandbox=sbx)
    try:
        proxy = other.proxy("mdruser", "s3cr3t.pw-1")
        other.set_env("HTTPS_PROXY", proxy.url())
        r = diag(other)
        p = check(r, "proxy", "ok")
        expect("s3cr3t" not in json.dumps(r) and "mdruser" in p["value"], p)
        check(r, "service", "ok")
        other.set_env("HTTPS_PROXY", proxy.url(password="wrong.pw-9"))
        r = diag(other)
        p = check(r, "proxy", "failed")
        expect("refused the credentials" in p["remedy"] and "HTTPS_PROXY" in p["remedy"], p)
        expect("wrong.pw" not in json.dumps(r), "the proxy password is shown", r)
        check(r, "dns", "skipped")
        other.set_env("HTTPS_PROXY", proxy.url())
        proxy.stop()
        r = diag(other)
        p = check(r, "proxy", "failed")
        expect("cannot be reached" in p["remedy"], p)
        expect(r["_seconds"] < BOUND_S, r["_seconds"])
    finally:
        other.cleanup()


@suite.case("diagnosis__wrong_ca")
def _():
    other = World(sandbox=sbx, extra_ca=False)
    try:
        r = diag(other)  # the system store only: the sandbox's certificate is not trusted
        t = check(r, "tls", "failed")
        expect("NODE_EXTRA_CA_CERTS" in t["remedy"] and "inspect" in t["remedy"], t)
        other.set_env("NODE_EXTRA_CA_CERTS", sbx.ca)
        check(diag(other), "tls", "ok")
    finally:
        other.cleanup()


@suite.case("diagnosis__a_hanging_service_still_answers_in_time")
def _():
    sbx.fault("account/sign-in", count=1, hold=True)
    try:
        r = diag()
        c = check(r, "service", "failed")
        expect("did not answer in time" in c["remedy"], c)
        expect(r["_seconds"] < BOUND_S, "the run took", r["_seconds"])
    finally:
        sbx.release_held()


@suite.case("diagnosis__licences_expired")
def _():
    for lic in world.call("mdr.licenses.list").ok()["licenses"]:
        if lic["status"] == "Active":
            sbx.admin("licenses/expire", {"id": lic["id"]})
    world.call("mdr.licenses.refresh").ok()
    c = check(diag(), "license", "failed")
    expect("Licenses tab" in c["remedy"], c)


@suite.case("diagnosis__kpsn_off")
def _():
    world.call("mdr.activation.revoke_consent").ok()
    c = check(diag(), "kpsn", "failed")
    expect("main" in c["remedy"] and c["value"] == "0/1", c)


@suite.case("diagnosis__host_clock_past_the_ksn_file")
def _():
    days = world.call("mdr.ksn.status").ok()["installed"]["days_left"]
    world.host_ok("clock", "advance", str((days + 2) * 86400000))
    world.call("mdr.activation.status")  # a token exchange measures the clock again
    r = diag()
    k = check(r, "ksn_file", "failed")
    expect("expired" in k["remedy"] and "MDR Usage" in k["remedy"], k)
    c = check(r, "clock", "warning")
    expect("ahead" in c["remedy"], c)


suite.finish(world)
