# shellcheck shell=bash
# Demo steps: signing in, activating MDR, installing the KSN configuration file and MDR Usage.
# Sourced by scripts/demo, which calls demo_activation (after step_sandbox). Expects:
#   host      function: ksc-host with the demo console's --config
#   heading   function: prints a section heading
#   show      function: python3 snippet over the JSON on stdin (the JSON is `d`)
#   $sandbox  the sandbox's ready line (JSON: account, activation_code, …)
# Functions: demo_sign_in, demo_activate, demo_ksn, demo_usage; demo_activation runs them all.

demo_sign_in() {
  heading "Sign in with the Kaspersky Account"
  local req
  req=$(echo "$sandbox" | show 'import json; print(json.dumps({"login": d["account"]["login"], "password": d["account"]["password"]}))')
  host call mdr.account.sign_in "$req" | show '
print("signed in as %s — organization %s" % (d["account"], d["organization"]["name"]))
print("note:", d["notice"])' || return 1
}

demo_activate() {
  heading "Activation (code, region, agreements, KSN Statement)"
  local code st
  code=$(echo "$sandbox" | show 'print(d["activation_code"])')
  st=$(host call mdr.activation.status) || return 1
  echo "$st" | show 'print("status: %s — next: %s" % (d["state"], d["next_step_text"]))'
  host call mdr.activation.activate "{\"code\": \"$code\", \"region\": \"europe\"}" | show '
r = d["region_info"]
print("code accepted · region %s · telemetry stored in %s · service language %s" % (r["region_title"], r["storage_title"], r["service_language"]))
print("agreements to accept:", ", ".join(a["title"] for a in d["agreements"]))' || return 1
  local agreements
  agreements=$(host call mdr.activation.status | show 'import json; print(json.dumps({"agreements": [a["id"] for a in d["agreements"]]}))') || return 1
  host call mdr.activation.accept_agreements "$agreements" >/dev/null || return 1
  echo "agreements accepted"
  host call mdr.activation.accept_ksn_statement | show '
print("KSN Statement accepted · state %s · KSN configuration file version %s installed" % (d["state"], d["ksn"]["version"]))
print("next:", d["next_step_text"])' || return 1
}

demo_ksn() {
  heading "KSN configuration file"
  host call mdr.ksn.status | show '
i = d["installed"]
print("installed: version %s, %d days left, KSN %s, KPSN %s" % (i["version"], i["days_left"],
      "on" if d["ksn_enabled"] else "off", "on" if d["kpsn_enabled"] else "off"))
print("newest at the service: version %s" % (d["newest"]["version"] if d["newest"] else "-"))
if d.get("warning"): print("WARNING:", d["warning"])
for h in d["history"]: print("  history: version %s installed by %s (%s)" % (h["version"], h["installed_by"], h["trigger"]))' || return 1
}

demo_usage() {
  heading "MDR Usage"
  host call mdr.usage.get | show '
a, r, l, q = d["activation"], d["region"], d["license"], d["custom_incidents"]
print("activation:   %s (%s)" % (a["state_text"], a["organization"]["name"]))
if l: print("license:      %s · %d of %d assets%s · %s" % (l["name"], l["connected_assets"], l["assets_limit"], " — limit exceeded" if l["limit_exceeded"] else "", l["status"]))
if r: print("region:       %s — data stored in %s" % (r["region_title"], r["storage_title"]))
print("terms:        agreements %s, KSN Statement %s" % ("accepted" if d["terms"]["agreements_accepted"] else "not accepted", "accepted" if d["terms"]["ksn_statement_accepted"] else "not accepted"))
if q: print("custom incidents this week: %d used of %d (%d left)" % (q["used"], q["quota"], q["remaining"]))
print("KPSN:         " + d["kpsn"]["status_text"])' || return 1
  if host server list | show 'import sys; sys.exit(0 if any(s["kind"] == "virtual" for s in d) else 1)'; then
    local vs
    vs=$(host server list | show 'print([s["name"] for s in d if s["kind"] == "virtual"][0])')
    host call --server "$vs" mdr.usage.get | show 'print("on %s: %s" % (d["kpsn"]["server"], d["kpsn"]["status_text"]))' || return 1
  fi
}

demo_activation() {
  demo_sign_in && demo_activate && demo_ksn && demo_usage
}
