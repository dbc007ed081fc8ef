/* getting_started.js — the Getting Started tab (docs/actions/wizard.md): the module's six steps,
 * each done / not done with the module's reason and figures, and its button: the step's own
 * action when the page can run it here (create the roles, update the KSN file), else the tab
 * that does it (MDR Usage, Licenses / Tenants, MDR Health). The page is redrawn from
 * mdr.wizard.get after every action: "done" only ever comes from the module's answer. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);
  const visible = (id) => KSC.visibleTabs().some((tab) => tab.id === id);

  /* Actions the page runs in place; the others open the tab that runs them. */
  const RUN_HERE = {"mdr.wizard.create_roles": true, "mdr.ksn.update": true};
  const TAB_OF = {
    "mdr.activation.status": ["usage"],
    "mdr.licenses.archive": ["licenses", "tenants"],
    "mdr.tenants.archive": ["tenants", "licenses"],
    "mdr.ksn.update": ["ksn"],
    "mdr.health.malfunctioning": ["health"],
    "mdr.health.sync": ["health"],
    "mdr.settings.get": ["settings"],
  };

  function value(v) {
    if (v === null || v === undefined || v === "") return "—";
    if (Array.isArray(v)) return v.length ? v.map(value).join(", ") : "—";
    if (typeof v === "boolean") return t(v ? "wizard.yes" : "wizard.no");
    if (typeof v === "object") return Object.entries(v).map(([k, x]) => k + ": " + value(x)).join("; ");
    return String(v);
  }

  /* The step's figures as the module gives them: scalars as a table, products as rows. */
  function details(step) {
    const d = step.details || {};
    const rows = [];
    let products = null;
    for (const [key, v] of Object.entries(d)) {
      if (key === "ports") continue;
      if (key.endsWith("_ms") && typeof v === "number") {
        rows.push([key, new Date(v).toISOString().replace("T", " ").slice(0, 16) + " UTC"]);
      } else if (key === "products" && Array.isArray(v)) {
        products = v;
      } else rows.push([key, value(v)]);
    }
    const parts = [];
    if (rows.length)
      parts.push(el("table", {class: "details wizard-details", id: "wizard-details-" + step.id},
        el("tbody", {}, rows.map(([k, v]) => el("tr", {"data-detail": k}, [
          el("th", {}, t("wizard.d_" + k) === "wizard.d_" + k ? k : t("wizard.d_" + k)),
          el("td", {}, v)])))));
    if (products && products.length)
      parts.push(el("table", {class: "list", id: "wizard-products"}, [
        el("thead", {}, el("tr", {}, ["name", "version", "devices", "configured", "left"].map((k) =>
          el("th", {scope: "col"}, t("wizard.p_" + k))))),
        el("tbody", {}, products.map((p) => el("tr", {"data-product": p.code}, [
          el("td", {}, p.name || p.code), el("td", {}, value(p.version)), el("td", {}, value(p.devices)),
          el("td", {}, value(p.configured)), el("td", {class: p.left ? "bad" : "ok"}, value(p.left))])))]));
    if (Array.isArray(d.ports) && d.ports.length)
      parts.push(el("p", {class: "notice", id: "wizard-ports"}, [
        el("strong", {}, t("wizard.ports") + ": "), d.ports.join(", ")]));
    return parts;
  }

  function stepCard(step, index, redraw) {
    const done = Boolean(step.done);
    const message = el("div", {class: "wizard-message", id: "wizard-message-" + step.id});
    const error = el("p", {class: "form-error error", role: "alert"});
    const buttons = [];
    const action = step.action;
    /* the roles' button stays once they exist: a second run reports them as already present */
    if (RUN_HERE[action] && may(action) && (!done || action === "mdr.wizard.create_roles")) {
      buttons.push(el("button", {type: "button", id: "wizard-run-" + step.id, onclick: async (e) => {
        e.target.disabled = true;
        error.textContent = "";
        try {
          const answer = await KSC.api.call(action, {});
          await redraw({step: step.id, answer});
        } catch (err) {
          e.target.disabled = false;
          error.textContent = err.error ? err.error.message : String(err);
        }
      }}, t("wizard.run_" + step.id) === "wizard.run_" + step.id ? t("wizard.run") : t("wizard.run_" + step.id)));
    } else {
      const tab = (TAB_OF[action] || []).find(visible);
      if (tab && !done)
        buttons.push(el("button", {type: "button", id: "wizard-open-" + step.id, "data-open-tab": tab,
          onclick: () => KSC.app.open(tab)}, t("wizard.open", {tab: t("tab." + tab)})));
    }
    for (const other of step.see_also || []) {
      const tab = (TAB_OF[other] || []).find(visible);
      if (tab) buttons.push(el("button", {type: "button", class: "small", "data-see-also": other,
        onclick: () => KSC.app.open(tab)}, t("wizard.open", {tab: t("tab." + tab)})));
    }
    return el("section", {class: "step wizard-step" + (done ? " wizard-done" : ""), id: "wizard-step-" + step.id,
      "data-step": step.id, "data-done": done ? "true" : "false"}, [
      el("h3", {}, [el("span", {class: "wizard-number"}, (index + 1) + ". "), step.title || step.id, " ",
        el("span", {class: "wizard-state " + (done ? "ok" : "warning"), "data-state": done ? "done" : "not_done"},
          step.not_needed ? t("wizard.not_needed") : done ? t("wizard.done") : t("wizard.not_done"))]),
      el("p", {class: "wizard-text"}, step.text || ""),
      el("p", {class: "wizard-why", "data-why": step.id}, [el("strong", {}, t("wizard.why") + ": "), step.why || ""]),
      ...details(step), error, buttons.length ? el("div", {class: "wizard-buttons"}, buttons) : null, message]);
  }

  function rolesResult(answer) {
    const created = answer.created || [], present = answer.already_present || [];
    return el("div", {id: "wizard-roles-result"}, [
      created.length ? el("p", {class: "ok", id: "wizard-roles-created"},
        t("wizard.roles_created", {roles: created.join(", ")})) : null,
      present.length ? el("p", {class: "hint", id: "wizard-roles-present"},
        t("wizard.roles_present", {roles: present.join(", ")})) : null]);
  }

  async function render(panel) {
    const draw = async (after) => {
      const w = await KSC.api.call("mdr.wizard.get", {});
      KSC.clear(panel);
      panel.append(...[
        el("h2", {}, t("tab.getting_started")),
        el("p", {id: "wizard-summary", "data-done": w.done, "data-total": w.total,
          class: w.complete ? "ok" : ""}, t(w.complete ? "wizard.complete" : "wizard.summary",
          {done: w.done, total: w.total})),
        w.other_tabs_visible === false && w.other_tabs_text
          ? el("p", {class: "notice", id: "wizard-other-tabs"}, w.other_tabs_text) : null,
        el("div", {id: "wizard-steps"}, (w.steps || []).map((s, i) => stepCard(s, i, draw)))].filter(Boolean));
      if (after) {
        const slot = panel.querySelector("#wizard-message-" + after.step);
        if (slot && after.step === "roles") slot.appendChild(rolesResult(after.answer));
        else if (slot && after.answer && after.answer.message)
          slot.appendChild(el("p", {class: "ok"}, after.answer.message));
      }
    };
    await draw(null);
  }

  KSC.defineTab("getting_started", {render});
})();
