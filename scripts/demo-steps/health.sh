# shellcheck shell=bash
# Demo steps: MDR Health — sync the assets from the MDR cloud, the "MDR assets by status"
# widget, and the first malfunctioning devices. Sourced by scripts/demo, which calls
# demo_health after activation (the console's inventory should hold devices from the same
# seed as the sandbox: `ksc-host devices generate --count N --never-sent M --seed S`).
# Expects from scripts/demo:
#   host      function: ksc-host with the demo console's --config
#   heading   function: prints a section heading
#   show      function: python3 snippet over the JSON on stdin (the JSON is `d`)

demo_health_sync() {
  heading "MDR Health: synchronizing assets from the MDR cloud"
  host call mdr.health.sync | show '
print("%s sync (%s): %d assets fetched, %d stored, %d changed, %d removed — %d devices in the console · %.1f s, %d requests" % (
    d["mode"], d["reason"], d["fetched"], d["assets"], d["changed"], d["removed"], d["devices"],
    d["duration_ms"] / 1000.0, d["requests"]))' || return 1
}

demo_health_summary() {
  heading "MDR assets by status (dashboard widget)"
  host call mdr.health.summary '{"per_tenant": true}' | show '
total = d["total"] or 1
for s in d["by_status"]:
    bar = "#" * int(40 * s["count"] / total)
    print("  %-12s %7d  %s" % (s["title"], s["count"], bar))
print("  %-12s %7d" % ("total", d["total"]))
print("  never sent telemetry (malfunctioning): %d" % d["malfunctioning"])
for t in d.get("tenants", [])[:5]:
    print("  tenant %-28s %6d assets, %4d critical, %4d malfunctioning" % (
        t["tenant_title"], t["total"], t["by_status"]["CRITICAL"], t["malfunctioning"]))' || return 1
}

demo_health_malfunctioning() {
  heading "Malfunctioning assets (never sent telemetry) — the first 8, worst components first"
  host call mdr.health.malfunctioning '{"sort": "critical:desc", "page_size": 8}' | show '
print("%d devices of the console never sent telemetry" % d["total"])
for x in d["items"]:
    comps = lambda ind: ", ".join("%s %s" % (c["name"], c["state_title"]) for c in x["critical_components"] if c["indication"] == ind)
    print("  %-18s %-8s MDR: %-13s apps: %s" % (x["host_name"], x["ksc_server"], x["mdr_state_title"], "; ".join(x["epp_applications"]) or "-"))
    problems = [("critical (red)", comps("red")), ("warning (yellow)", comps("yellow"))]
    print("  %18s %s" % ("", " · ".join("%s: %s" % (k, v) for k, v in problems if v) or "no component problems"))' || return 1
  heading "Critical assets seen in the last 7 days — the first 5 by host name"
  host call mdr.health.assets '{"statuses": ["CRITICAL"], "last_seen": {"days": 7}, "sort": "host_name:asc", "page_size": 5}' | show '
import datetime
print("%d critical assets" % d["total"])
for a in d["items"]:
    seen = datetime.datetime.utcfromtimestamp(a["last_seen"] / 1000).strftime("%Y-%m-%d %H:%M UTC")
    note = " (EDR Agent: status not meaningful)" if not a["status_reliable"] else ""
    print("  %-18s %-20s last seen %s  %s%s" % (a["host_name"], a["tenant_title"], seen, "; ".join(a["problems"]) or "-", note))' || return 1
}

demo_health() {
  demo_health_sync && demo_health_summary && demo_health_malfunctioning
}
