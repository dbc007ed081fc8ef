# shellcheck shell=bash
# Demo steps: the self-diagnosis (mdr.diag.run). Sourced by scripts/demo, which calls
# demo_diagnosis at the end: a run on the walked console, then the same run with the proxy
# broken (HTTPS_PROXY in the .env pointing where nothing listens), then the proxy removed.
# Expects from scripts/demo: host, heading, show (see licenses.sh).

diag_checks() {
  host call mdr.diag.run | show '
print("result: %s (%d failed, %d warnings)" % (d["result"], d["failed"], d["warnings"]))
for c in d["checks"]:
    print("  [%-7s] %-44s %s" % (c["status"], c["title"], c["value"]))
    if c.get("remedy"):
        print("            → " + c["remedy"])'
}

demo_diagnosis() {
  heading "Self-diagnosis: why would telemetry not arrive? (mdr.diag.run)"
  diag_checks || return 1
  heading "Self-diagnosis with a broken proxy (HTTPS_PROXY → a port where nothing listens)"
  host config set-env HTTPS_PROXY "http://127.0.0.1:9" >/dev/null
  diag_checks || return 1
  host config set-env HTTPS_PROXY "" >/dev/null # back to the direct connection
}
