# shellcheck shell=bash
# Demo steps: the Getting Started tab (mdr.wizard.get). Sourced by scripts/demo, which calls
# demo_wizard_start on the fresh console (nothing done yet) and demo_wizard_end after the
# walk (each step done or not from the real state). Expects from scripts/demo: host, heading,
# show (see licenses.sh).

wizard_steps() {
  host call mdr.wizard.get | show '
print("%d of %d steps done%s" % (d["done"], d["total"], "" if d["complete"] else " · next: %s (%s)" % (d["next_step"], d["next_action"])))
for s in d["steps"]:
    mark = "n/a " if s["not_needed"] else "done" if s["done"] else "todo"
    print("  [%s] %-38s %s" % (mark, s["title"], s["why"]))'
}

demo_wizard_start() {
  heading "Getting Started (mdr.wizard.get): a fresh console, nothing done"
  wizard_steps || return 1
}

demo_wizard_end() {
  heading "Getting Started after the walk (each step from the real state)"
  wizard_steps || return 1
  host call mdr.wizard.get | show '
a = next(s for s in d["steps"] if s["id"] == "applications")["details"]
for p in sorted(a["products"], key=lambda p: -p["devices"])[:4]:
    print("  %-6s %-12s %5d devices, MDR configured on %5d, %d left" % (p["code"], p["version"], p["devices"], p["configured"], p["left"]))
print("  ports to open: %s (no traffic inspection)" % ", ".join(str(x) for x in a["ports"]))'
}
