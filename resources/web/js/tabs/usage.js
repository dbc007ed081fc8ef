/* usage.js — the MDR Usage tab: activation status and the activation flow, step by step as
 * the help describes it (sign in to the service, code and region or tenants, agreements, the
 * KSN Statement, the KSN file), then the license, region, terms, custom incidents and KPSN. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const REGIONS = ["europe", "canada", "saudi_arabia", "russia", "other"];

  function row(label, value) {
    return el("tr", {}, [el("th", {scope: "row"}, label), el("td", {}, value)]);
  }

  /* One form of the flow: fields, a submit button, an error line; runs `action`. */
  function stepForm(panel, id, title, fields, action, body, submitLabel) {
    const form = el("form", {class: "step", id: "step-" + id}, [el("h3", {}, title), ...fields,
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: "step-" + id + "-submit"}, submitLabel || t("usage.next"))]);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await KSC.api.call(action, body(form));
        await render(panel);
      } catch (err) {
        KSC.showError(form, err);
        button.disabled = false;
      }
    });
    return form;
  }

  function flow(panel, st) {
    const may = (a) => KSC.api.allowed(a);
    const box = el("div", {class: "flow", id: "activation-flow"}, [
      el("p", {class: "next-step", id: "next-step"}, st.next_step_text || "")]);
    const step = st.next_step;
    if (step === "sign_in" && may("mdr.account.sign_in")) {
      box.appendChild(stepForm(panel, "sign_in", t("usage.sign_in"), [
        KSC.field("login", t("usage.login"), el("input", {autocomplete: "off"})),
        KSC.field("password", t("usage.password"), el("input", {type: "password", autocomplete: "off"}))],
      "mdr.account.sign_in",
      (f) => ({login: f.elements.login.value, password: f.elements.password.value})));
    } else if (step === "activation_code" && may("mdr.activation.activate")) {
      const region = el("select", {}, REGIONS.map((r) => el("option", {value: r}, t("region." + r))));
      box.appendChild(stepForm(panel, "activation_code", t("usage.activate"), [
        KSC.field("code", t("usage.code"), el("input", {placeholder: "XXXXX-XXXXX-XXXXX-XXXXX"})),
        KSC.field("region", t("usage.region"), region)],
      "mdr.activation.activate",
      (f) => ({code: f.elements.code.value.trim(), region: f.elements.region.value})));
    } else if (step === "select_tenants" && may("mdr.activation.select_tenants")) {
      const boxes = (st.tenants || []).map((tn) => el("label", {class: "check"}, [
        el("input", {type: "checkbox", value: tn.tenant_id, checked: true}), tn.name || tn.tenant_id]));
      box.appendChild(stepForm(panel, "select_tenants", t("usage.select_tenants"),
        [el("div", {"data-field": "tenants"}, boxes), el("span", {class: "field-error", "data-error-for": "tenants"})],
        "mdr.activation.select_tenants",
        (f) => ({tenants: [...f.querySelectorAll("input:checked")].map((i) => i.value)})));
    } else if (step === "agreements" && may("mdr.activation.accept_agreements")) {
      const boxes = (st.agreements || []).map((a) => el("label", {class: "check"}, [
        el("input", {type: "checkbox", value: a.id, "data-agreement": a.id}),
        a.title || a.name || a.id]));
      box.appendChild(stepForm(panel, "agreements", t("usage.agreements"),
        [el("div", {"data-field": "agreements"}, boxes), el("span", {class: "field-error", "data-error-for": "agreements"})],
        "mdr.activation.accept_agreements",
        (f) => ({agreements: [...f.querySelectorAll("input:checked")].map((i) => i.value)}),
        t("usage.accept")));
    } else if (step === "ksn_statement" && may("mdr.activation.accept_ksn_statement")) {
      box.appendChild(stepForm(panel, "ksn_statement", t("usage.ksn_statement"),
        [el("p", {}, t("usage.ksn_statement_text"))],
        "mdr.activation.accept_ksn_statement", () => ({accepted: true}), t("usage.accept")));
    } else if (step === "install_ksn_file" && may("mdr.ksn.update")) {
      box.appendChild(stepForm(panel, "install_ksn_file", t("usage.install_ksn"), [],
        "mdr.ksn.update", () => ({}), t("usage.install")));
    } else if (step && step !== "none") {
      box.appendChild(el("p", {class: "hint", id: "flow-not-allowed"}, t("usage.ask_admin")));
    }
    return box;
  }

  function details(usage) {
    const table = el("table", {class: "details", id: "usage-details"});
    const a = usage.activation || {};
    table.appendChild(row(t("usage.state"), a.state_text || a.state || "—"));
    if (a.organization) table.appendChild(row(t("usage.organization"), a.organization.name || a.organization));
    const lic = usage.license;
    if (lic) {
      table.appendChild(row(t("usage.license"), lic.name || "—"));
      const used = (lic.connected_assets ?? "—") + " / " + (lic.assets_limit ?? "—");
      // More assets than the licence covers: said in words, not left to the reader's arithmetic.
      table.appendChild(row(t("usage.assets"), lic.limit_exceeded
        ? [used + " ", el("span", {class: "error", id: "usage-limit-exceeded"}, t("usage.limit_exceeded"))]
        : used));
      table.appendChild(row(t("usage.expires"), KSC.date(lic.expiration_time)));
    }
    if (usage.region) {
      table.appendChild(row(t("usage.region"), usage.region.region_title || usage.region.region));
      table.appendChild(row(t("usage.storage"), usage.region.storage_title || usage.region.storage));
    }
    const ci = usage.custom_incidents;
    if (ci) table.appendChild(row(t("usage.custom_incidents"),
      t("usage.custom_incidents_value", {used: ci.used, quota: ci.quota, remaining: ci.remaining})));
    if (usage.kpsn) table.appendChild(row(t("usage.kpsn"), usage.kpsn.status_text || "—"));
    return table;
  }

  async function render(panel) {
    const [st, usage] = await Promise.all([KSC.api.call("mdr.activation.status"),
      KSC.api.call("mdr.usage.get")]);
    KSC.clear(panel);
    panel.appendChild(el("h2", {}, t("tab.usage")));
    panel.appendChild(el("p", {class: "state state-" + st.state, id: "activation-state",
      "data-state": st.state}, (usage.activation && usage.activation.state_text) || st.state));
    if (st.clock_warning) panel.appendChild(el("p", {class: "warning"}, st.clock_warning));
    panel.appendChild(flow(panel, st));
    panel.appendChild(details(usage));
    if (usage.notice) panel.appendChild(el("p", {class: "notice"}, usage.notice));
  }

  KSC.defineTab("usage", {render});
})();
