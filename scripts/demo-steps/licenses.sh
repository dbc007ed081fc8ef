# shellcheck shell=bash
# Demo steps: the Licenses and Tenants tabs. Sourced by scripts/demo, which then calls
# demo_licenses and demo_tenants (after activation). Expects from scripts/demo:
#   host      function: ksc-host with the demo console's --config
#   heading   function: prints a section heading
#   show      function: python3 snippet over the JSON on stdin (the JSON is `d`)
#   $dir      the demo's working directory (files are downloaded there)

demo_licenses() {
  heading "Licenses (MDR Administrator)"
  host call mdr.licenses.list '{"view": "all"}' | show '
s = d["summary"]
print("%d current of %d · %d of %d assets%s · %s, %s" % (s["current_licenses"], s["licenses"],
      s["connected_assets"], s["assets_limit"], " — limit exceeded" if s["connected_assets"] > s["assets_limit"] else "",
      s["tier_title"] or "-", s["region_title"] or "-"))
print(s["functionality_text"])
for l in d["licenses"]:
    flags = (" · expires soon" if l["expiration_warning"] else "")
    used = "%d of %d%s" % (l["connected_assets"], l["assets_limit"], " — limit exceeded" if l["limit_exceeded"] else "")
    print("  %-26s %-22s %-30s %s → %s  %s%s" % (l["name"], l["id"], used,
          l["activation_date"] or "-", l["expiration_date"] or "-", l["status_text"], flags))' || return 1

  heading "Licenses: assets by tenant (CSV)"
  host call --output "$dir/licenses_by_tenant.csv" mdr.licenses.export_by_tenant '{}' | show '
print("%s: %d rows, %d assets" % (d["file_name"], d["rows"], d["assets"]))' || return 1
  sed 's/^/  /' "$dir/licenses_by_tenant.csv" | head -n 8
}

demo_tenants() {
  heading "Tenants (by expiration date, latest first)"
  host call mdr.tenants.list | show '
print("%d of at most %d tenants" % (d["count"], d["max"]))
for t in d["tenants"]:
    print("  %-24s %-9s %5d assets  expires %s" % (t["name"], t["status_text"], t["assets"], t["expiration_date"] or "-"))' || return 1

  heading "Tenants: create one and download its MDR configuration file"
  local lic last
  lic=$(host call mdr.licenses.list | show 'print(d["licenses"][0]["id"] if d["licenses"] else "")')
  [ -n "$lic" ] || { echo "no current license"; return 1; }
  # a lifetime of 90 days, which the license's term allows in the demo world
  last=$(python3 -c 'import datetime as t; print((t.datetime.now(t.timezone.utc) + t.timedelta(days=90)).strftime("%Y-%m-%d"))')
  local created id
  created=$(host call mdr.tenants.create "{\"name\": \"Northwind Traders\", \"description\": \"Made by scripts/demo\", \"config_files\": [{\"license_id\": \"$lic\", \"expires\": \"$last\"}]}") || { echo "$created"; return 1; }
  echo "$created" | show '
print("created %s (%s), %s, expires %s" % (d["name"], d["id"], d["status_text"], d["expiration_date"]))'
  id=$(echo "$created" | show 'print(d["id"])')
  host call --output "$dir/tenant_with_kea.zip" mdr.tenants.archive "{\"id\": \"$id\", \"kea\": true}" | show '
print("%s: %d bytes, files: %s" % (d["file_name"], d["size"], ", ".join(d["entries"])))
print("KSN configuration file version %d verified, valid until %s" % (d["ksn"]["version"], d["ksn"]["expires_date"]))' || return 1
  echo "  saved as $dir/tenant_with_kea.zip"
}
