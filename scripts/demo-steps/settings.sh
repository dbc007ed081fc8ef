# shellcheck shell=bash
# Demo steps: the Settings and Notifications tabs and report delivery. Sourced by scripts/demo,
# which then calls demo_settings, demo_notifications and demo_reports
# (after activation). Expects from scripts/demo: host, heading, show (see licenses.sh).

demo_settings() {
  heading "Settings: extended email notifications and the language of reports"
  host call mdr.settings.get | show '
print("extended notifications by email:", "on" if d["extended_notifications"] else "off")
print("language of incident data, notifications and reports:", d["language_name"])' || return 1
  # Turning them on without the confirmation is refused, with the text to confirm.
  host call mdr.settings.update '{"extended_notifications": true}' 2>/dev/null | show '
e = d["error"]
print("without confirmation:", e["code"], "—", e["message"][:110] + "…")' || true
  host call mdr.settings.update '{"extended_notifications": true, "confirm": true}' | show '
c = d["consent"]
print("confirmed by %s at %s (ms, host clock), in %s:" % (c["confirmed_by"], c["confirmed_time"], c["language"]))
print("  \"%s…\"" % c["text"][:100])' || return 1
  host call mdr.settings.update '{"extended_notifications": true, "confirm": true}' 2>/dev/null | show '
print("saving again:", d["error"]["message"])' || true

  heading "Settings: auto-acceptance of responses"
  local first
  first=$(host call mdr.settings.auto_accept.get | show 'print(d["tenants"][0]["tenant_id"] if d["tenants"] else "")')
  [ -n "$first" ] || { echo "no tenants"; return 1; }
  host call mdr.settings.auto_accept.set "{\"mode\": \"per_tenant\", \"tenants\": {\"$first\": true}}" | show '
print("mode: %s%s" % (d["mode"], " (All tenants ticked: new tenants start on)" if d["all_tenants"] else " (new tenants start off)"))
for t in d["tenants"]:
    print("  %-28s %s" % (t["name"], "auto-accept" if t["enabled"] else "manual"))' || return 1
  host call mdr.settings.auto_accept.set '{"mode": "off"}' | show '
print("back to mode:", d["mode"], "for all tenants")' || return 1
}

# The Notifications tab: the administrator's own email, verified with the code the sandbox
# "mailed" (read through its admin look-up, as a person would read their mailbox).
demo_notifications() {
  heading "Notifications (each console user's own): email, verified by a code"
  host call mdr.notifications.email.save '{"address": "soc-lead@example.com", "incidents": true, "responses": true}' | show '
print(d["message"])' || return 1
  local login code
  login=$(sandbox_field 'd["account"]["login"]')
  code=$(curl -sS --cacert "$run_dir/sandbox/certs/ca.pem" -H "Authorization: Bearer $(sandbox_field 'd["admin_token"]')" \
    -H 'Content-Type: application/json' -d "{\"login\": \"$login\", \"recipient\": \"admin\"}" \
    "$(sandbox_field 'd["admin_url"]')/notifications/email-code" | show 'print(d["code"])') || return 1
  echo "the code in the mailbox: $code"
  local wrong
  wrong=$(printf '%06d' $(((10#$code + 1) % 1000000)))
  host call mdr.notifications.email.verify "{\"code\": \"$wrong\"}" 2>/dev/null | show '
print("a wrong code:", d["error"]["message"])' || true
  host call mdr.notifications.email.verify "{\"code\": \"$code\"}" | show '
e = d["email"]
print(d["message"])
print("email to %s (%s): %s" % (e["address"], "verified" if e["verified"] else "not verified",
      ", ".join(k for k in ("incidents", "comments", "responses") if e[k])))' || return 1
  host call mdr.notifications.telegram.link '{"incidents": true}' | show '
print("Telegram chatbot link (one account):", d["link"])' || return 1
}

# Report delivery schedules (MDR Administrator): one weekly summary for all tenants.
demo_reports() {
  heading "Report delivery: a weekly incident summary (times in UTC, shown at UTC+3)"
  host call mdr.reports.create '{"name": "Weekly incident summary", "emails": "soc@example.com, ciso@example.com", "day": "monday", "time": "07:00", "acknowledged": true, "utc_offset_minutes": 180}' | show '
print("%s — %s, to %s" % (d["name"], d["tenant"], ", ".join(d["emails"])))
print("  %s %s UTC (your time: %s %s)" % (d["day_text"], d["time_utc"], d["local"]["day_text"], d["local"]["time"]))
print("  " + d["next_report_covers"]["text"])' || return 1
  host call mdr.reports.list | show '
print("%d of at most %d schedules (at most %d per tenant)" % (d["count"], d["max"], d["max_per_tenant"]))' || return 1
}
