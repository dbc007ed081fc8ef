/* diagnosis.js — the Diagnosis tab (docs/actions/diagnosis.md): Run walks the path from the
 * console to the MDR cloud and back (mdr.diag.run, which answers within ~10 s) and the page
 * lists the module's checks: ok / warning / failed / skipped, coloured, with the measured
 * value and, when not ok, the remedy naming the help topic — all as the module words them. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;

  function results(r) {
    return el("div", {id: "diag-results", "data-result": r.result}, [
      el("p", {id: "diag-summary", class: "diag-" + r.result}, t("diag.summary_" + r.result,
        {failed: r.failed || 0, warnings: r.warnings || 0})),
      el("table", {class: "list", id: "diag-checks"}, [
        el("thead", {}, el("tr", {}, ["check", "status", "value", "remedy"].map((k) =>
          el("th", {scope: "col"}, t("diag.h_" + k))))),
        el("tbody", {}, (r.checks || []).map((c) => el("tr", {"data-check": c.id, "data-status": c.status}, [
          el("td", {}, c.title || c.id),
          el("td", {class: "diag-status diag-" + c.status}, t("diag.status_" + c.status)),
          el("td", {class: "diag-value"}, c.value === undefined || c.value === null ? "" : String(c.value)),
          el("td", {class: "diag-remedy"}, c.remedy || "")])))]),
      r.host_clock_ms ? el("p", {class: "hint", id: "diag-time"},
        t("diag.measured", {time: new Date(r.host_clock_ms).toISOString().replace("T", " ").slice(0, 19) + " UTC"}))
        : null]);
  }

  async function render(panel) {
    const slot = el("div", {id: "diag-output"},
      el("p", {class: "hint", id: "diag-idle"}, t("diag.idle")));
    const run = el("button", {type: "button", id: "diag-run"}, t("diag.run"));
    run.addEventListener("click", async () => {
      run.disabled = true;
      KSC.clear(slot).appendChild(el("p", {class: "progress", id: "diag-running", role: "status"},
        t("diag.running")));
      try {
        const r = await KSC.api.call("mdr.diag.run", {});
        KSC.clear(slot).appendChild(results(r));
      } catch (err) {
        KSC.clear(slot).appendChild(el("p", {class: "error", id: "diag-error", role: "alert"},
          err.error ? err.error.message : String(err)));
      } finally {
        run.disabled = false;
      }
    });
    panel.append(el("h2", {}, t("tab.diagnosis")), el("p", {class: "hint"}, t("diag.intro")),
      run, slot);
  }

  KSC.defineTab("diagnosis", {render});
})();
