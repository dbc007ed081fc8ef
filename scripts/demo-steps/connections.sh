# shellcheck shell=bash
# Demo steps: the API tab and the SOC's responses. Sourced by scripts/demo, which then calls
# demo_connections and demo_responses (after activation). Expects from scripts/demo:
#   host, heading, show   functions (ksc-host on the demo console, a heading, JSON via python)
#   sandbox_field         function: a field of the sandbox's ready line
#   $run_dir              the demo's directory (the sandbox's CA in sandbox/certs/ca.pem)

# A POST to the public REST API as a customer's integration makes it: PATH BODY [TOKEN].
demo_api() {
  local auth=()
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  curl -sS --fail-with-body --cacert "$run_dir/sandbox/certs/ca.pem" \
    -H 'Content-Type: application/json' "${auth[@]}" -d "$2" "$(sandbox_field 'd["base_url"]')/$1"
}

demo_connections() {
  heading "API connections: create one, use its token once, as an integration would"
  local made client session
  made=$(host call mdr.connections.create '{"name": "Demo SIEM", "rights": "mdr.senior_security_officer"}') \
    || { echo "$made"; return 1; }
  echo "$made" | show '
c = d["connection"]
print("created %s: %s, %s, tenants: %s" % (c["name"], c["rights_title"], c["status_title"], "all" if c["all_tenants"] else len(c["tenants"])))
print("client ID %s; refresh token %s… (%d characters, shown this once)" % (d["client_id"], d["refresh_token"][:12], len(d["refresh_token"])))'
  client=$(echo "$made" | show 'print(d["client_id"])')
  session=$(demo_api "$client/session/confirm" "$(echo "$made" | show 'print(json.dumps({"refresh_token": d["refresh_token"]}))')") \
    || { echo "$session"; return 1; }
  demo_api "$client/assets/count" '{}' "$(echo "$session" | show 'print(d["access_token"])')" \
    | show 'print("session/confirm → access token; assets/count through it: %d assets" % d["count"])' || return 1
  host call mdr.connections.list | show '
print("%s, REST API %s" % (d["tier_title"], "included" if d["rest_api"] else "not included"))
for c in d["connections"]:
    print("  %-14s %-26s %-19s %s" % (c["name"], c["rights_title"], c["status_title"], "(the plug-in itself)" if c["plugin"] else ""))' || return 1
}

demo_responses() {
  heading "Responses waiting for a decision (Senior Security Officer or MDR Administrator)"
  local waiting rid
  waiting=$(host call mdr.responses.list '{"page_size": 5}') || { echo "$waiting"; return 1; }
  echo "$waiting" | show '
print("%d waiting; the newest:" % d["total"])
for r in d["responses"]:
    print("  %-28s incident #%-4d %-14s %s" % (r["type_title"], r["incident"]["incident_number"], r["asset"]["host_name"], "" if r["valid"] else "problem: " + r["problems"][0]["message"]))'
  rid=$(echo "$waiting" | show 'print(d["responses"][0]["response_id"] if d["responses"] else "")')
  [ -n "$rid" ] || return 0
  host call mdr.responses.get "{\"response_id\": \"$rid\"}" | show '
print("%s on %s (%s):" % (d["type_title"], d["asset"]["host_name"], d["incident"]["summary"]))
for p in d["parameters"]:
    v = p["value"]
    print("  %-28s %s%s" % (p["label"], v if isinstance(v, str) else json.dumps(v), ("  — " + p["explanation"]) if p.get("explanation") else ""))' || return 1
  host call mdr.responses.accept "{\"responses\": [\"$rid\"], \"comment\": \"Accepted in the demo: contain it.\"}" \
    | show 'print("accepted: %d, refused: %d" % (d["decided"], d["failed"]))' || return 1
  host call mdr.responses.get "{\"response_id\": \"$rid\"}" | show '
print("now %s, comment: %s" % (d["status_title"], d["comment"]))' || return 1
}
