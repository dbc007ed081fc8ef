/* responses.js — the Responses tab (mdr.responses.*): the responses waiting for a decision,
 * filtered by type, status, tenant and asset; one response in full (its incident, its asset, its
 * parameters named and explained and its problems as the module answers them); accept or reject
 * one or many with a comment, each response's result shown; the isolation password check (the
 * password is sent once and the field emptied: the page keeps nothing). */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);
  const TYPES = ["get_file", "isolate", "disable_isolation", "delete_registry_key", "memory_dump",
    "terminate_process", "run_script", "quarantine", "restore_from_quarantine"];
  const STATUSES = ["Waiting for a decision", "Confirmed", "Declined"];
  const ROOT = "(root)";  // the filter's value for the root's own incidents (tenant "")
  let filters = {status: "Waiting for a decision"};

  async function tenantList() {
    if (!may("mdr.tenants.list")) return [];
    try { return (await KSC.api.call("mdr.tenants.list", {})).tenants || []; }
    catch (e) { return []; }
  }

  function shown(value) {
    if (value === null || value === undefined) return "—";
    return typeof value === "object" ? JSON.stringify(value, null, 1) : String(value);
  }

  /* The results of accept / reject: one line per response. */
  function results(slot, r) {
    KSC.clear(slot).append(
      el("p", {class: r.failed ? "warning" : "ok", role: "status"},
        t("responses.decided", {decided: r.decided, failed: r.failed, status: r.status})),
      el("ul", {class: "results"}, (r.results || []).map((x) => el("li", {"data-result": x.response_id,
        class: x.ok ? "ok" : "error"}, x.response_id + ": " + (x.ok ? x.status : (x.error || {}).message || "")))));
  }

  /* Comment + Accept / Reject for the ids `pick()` answers. */
  function decisionForm(idPrefix, pick, done) {
    if (!may("mdr.responses.accept") && !may("mdr.responses.reject")) return null;
    const slot = el("div", {id: idPrefix + "-results"});
    const form = el("form", {class: "card", id: idPrefix + "-decide"}, [
      KSC.field("comment", t("responses.comment"), el("textarea", {id: idPrefix + "-comment", rows: 2, maxlength: 2000})),
      el("p", {class: "form-error error", role: "alert"}), slot]);
    const decide = (action) => async () => {
      const ids = pick();
      if (!ids.length) { KSC.showError(form, {error: {message: t("responses.none_selected")}}); return; }
      const body = {responses: ids};
      if (form.elements.comment.value.trim()) body.comment = form.elements.comment.value;
      try {
        const r = await KSC.api.call(action, body);
        await done();
        const target = document.getElementById(idPrefix + "-results") || slot;
        results(target, r);
      } catch (err) { KSC.showError(form, err); }
    };
    if (may("mdr.responses.accept"))
      form.appendChild(el("button", {type: "button", id: idPrefix + "-accept", onclick: decide("mdr.responses.accept")},
        t("responses.accept")));
    if (may("mdr.responses.reject"))
      form.appendChild(el("button", {type: "button", class: "danger", id: idPrefix + "-reject",
        onclick: decide("mdr.responses.reject")}, t("responses.reject")));
    return form;
  }

  function passwordCheck(r) {
    if (r.type !== "isolate" || !may("mdr.responses.check_isolation_password")) return null;
    const answer = el("p", {id: "isolation-password-answer", role: "status"});
    const form = el("form", {class: "card", id: "isolation-password", autocomplete: "off"}, [
      el("h3", {}, t("responses.password_title")), el("p", {class: "hint"}, t("responses.password_hint")),
      KSC.field("password", t("responses.password"), el("input", {type: "password", id: "isolation-password-input",
        autocomplete: "off"})),
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: "isolation-password-submit"}, t("responses.password_check")), answer]);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const input = form.elements.password;
      const body = {response_id: r.response_id, password: input.value};
      input.value = "";
      KSC.clear(answer);
      try {
        const a = await KSC.api.call("mdr.responses.check_isolation_password", body);
        answer.className = a.match ? "ok" : "error";
        answer.setAttribute("data-match", a.match ? "true" : "false");
        answer.textContent = a.message || (a.match ? t("responses.password_match") : t("responses.password_no_match"));
        KSC.showError(form, {error: {message: ""}});
      } catch (err) { KSC.showError(form, err); }
      body.password = "";
    });
    return form;
  }

  async function openResponse(panel, id) {
    const r = await KSC.api.call("mdr.responses.get", {response_id: id});
    KSC.clear(panel);
    const inc = r.incident || {}, asset = r.asset || {};
    const rowOf = (label, value) => el("tr", {}, [el("th", {}, label), el("td", {}, shown(value))]);
    panel.append(
      el("p", {}, el("button", {type: "button", id: "response-back", onclick: () => render(panel)}, t("responses.back"))),
      el("h2", {}, r.type_title || r.type),
      el("table", {class: "details", id: "response-detail", "data-response": r.response_id}, [
        rowOf(t("responses.id"), r.response_id),
        el("tr", {}, [el("th", {}, t("responses.status")), el("td", {id: "response-status", "data-status": r.status},
          r.status_title || r.status)]),
        rowOf(t("responses.description"), r.description), rowOf(t("responses.details"), r.details),
        rowOf(t("responses.comment"), r.comment), rowOf(t("responses.created"), KSC.date(r.creation_time)),
        rowOf(t("responses.updated"), KSC.date(r.update_time)),
        r.decided_automatically ? rowOf(t("responses.auto"), t("responses.auto_yes")) : null]),
      el("h3", {}, t("responses.incident")),
      el("table", {class: "details", id: "response-incident"}, [
        rowOf(t("responses.incident_number"), inc.incident_number), rowOf(t("responses.summary"), inc.summary),
        rowOf(t("responses.status"), inc.status), rowOf(t("responses.priority"), inc.priority),
        rowOf(t("responses.tenant"), inc.tenant_name || inc.tenant_id)]),
      el("h3", {}, t("responses.asset")),
      el("table", {class: "details", id: "response-asset"}, [
        rowOf(t("responses.host"), asset.host_name), rowOf(t("responses.asset_id"), asset.asset_id),
        rowOf(t("responses.domain"), asset.domain), rowOf(t("responses.os"), asset.os_version),
        rowOf(t("responses.asset_status"), asset.status), rowOf(t("responses.isolation"), asset.isolation),
        rowOf(t("responses.last_seen"), KSC.date(asset.last_seen))]),
      el("h3", {}, t("responses.parameters")),
      (r.parameters || []).length ? el("table", {class: "list", id: "response-parameters"}, [
        el("thead", {}, el("tr", {}, [t("responses.param_name"), t("responses.param_value"),
          t("responses.param_explanation")].map((h) => el("th", {scope: "col"}, h)))),
        el("tbody", {}, r.parameters.map((p) => el("tr", {"data-param": p.name}, [
          el("td", {}, [p.label || p.name, el("br"), el("code", {}, p.name)]),
          el("td", {}, [el("code", {class: "value"}, shown(p.value)),
            p.default ? el("span", {class: "hint"}, " " + t("responses.default")) : null]),
          el("td", {}, p.explanation || "")])))])
        : el("p", {class: "hint"}, t("responses.no_parameters")));
    if ((r.problems || []).length)
      panel.appendChild(el("div", {class: "card error", id: "response-problems", role: "alert"}, [
        el("h3", {}, t("responses.problems")),
        el("ul", {}, r.problems.map((p) => el("li", {"data-problem": p.code},
          [el("code", {}, p.field), " — ", p.message])))]));
    if (r.status === "Waiting for a decision") {
      const form = decisionForm("response", () => [r.response_id], async () => {
        const status = await KSC.api.call("mdr.responses.get", {response_id: id});
        const cell = panel.querySelector("#response-status");
        cell.textContent = status.status_title || status.status;
        cell.setAttribute("data-status", status.status);
      });
      if (form) panel.appendChild(form);
    }
    const pw = passwordCheck(r);
    if (pw) panel.appendChild(pw);
  }

  function filterForm(panel, tenants) {
    const opt = (value, label, current) => el("option", {value, selected: value === (current ?? "")}, label);
    const form = el("form", {class: "filters", id: "responses-filters"}, [
      KSC.field("type", t("responses.type"), el("select", {id: "responses-type"},
        [opt("", t("responses.any"), filters.type), ...TYPES.map((x) => opt(x, t("responses.type." + x), filters.type))])),
      KSC.field("status", t("responses.status"), el("select", {id: "responses-status"},
        STATUSES.map((x) => opt(x, t("responses.status." + x), filters.status)))),
      tenants.length ? KSC.field("tenant", t("responses.tenant"), el("select", {id: "responses-tenant"},
        [opt("", t("responses.any"), filters.tenant), opt(ROOT, t("responses.root"), filters.tenant), ...tenants.map((x) => opt(x.id, x.name, filters.tenant))])) : null,
      KSC.field("asset", t("responses.asset_id"), el("input", {id: "responses-asset", placeholder: "0x…",
        value: filters.asset || ""})),
      el("button", {type: "submit", id: "responses-filter"}, t("responses.filter")),
      el("p", {class: "form-error error", role: "alert"})]);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const f = form.elements;
      filters = {type: f.type.value, status: f.status.value, tenant: f.tenant ? f.tenant.value : "",
        asset: f.asset.value.trim()};
      render(panel);
    });
    return form;
  }

  async function render(panel) {
    const tenants = await tenantList();
    const body = {};
    for (const k of ["type", "status", "tenant", "asset", "page"]) if (filters[k]) body[k] = filters[k];
    if (body.tenant === ROOT) body.tenant = "";
    let data = null, failure = null;
    try { data = await KSC.api.call("mdr.responses.list", body); }
    catch (err) { failure = err; }
    KSC.clear(panel);
    const form = filterForm(panel, tenants);
    panel.append(el("h2", {}, t("tab.responses")), form);
    if (failure) { KSC.showError(form, failure); return; }
    panel.appendChild(el("p", {class: "summary", id: "responses-total"}, t("responses.total", {total: data.total})));
    const all = el("input", {type: "checkbox", id: "responses-all", "aria-label": t("responses.select_all"),
      onchange: () => { for (const b of panel.querySelectorAll("input[data-pick]")) b.checked = all.checked; }});
    panel.appendChild(el("table", {class: "list", id: "responses-table"}, [
      el("thead", {}, el("tr", {}, [el("th", {}, all), ...["type", "status", "incident", "tenant", "asset", "created",
        "problems"].map((k) => el("th", {scope: "col"}, t("responses." + k)))])),
      el("tbody", {}, data.responses.map((r) => el("tr", {"data-response": r.response_id, "data-status": r.status}, [
        el("td", {}, el("input", {type: "checkbox", "data-pick": r.response_id, "aria-label": r.response_id})),
        el("td", {}, el("a", {href: "#", onclick: (e) => { e.preventDefault(); openResponse(panel, r.response_id); }},
          r.type_title || r.type)),
        el("td", {}, r.status_title || r.status),
        el("td", {}, r.incident ? String(r.incident.incident_number ?? r.incident.incident_id) : "—"),
        el("td", {}, r.incident ? r.incident.tenant_name || r.incident.tenant_id || "—" : "—"),
        el("td", {}, r.asset ? r.asset.host_name || r.asset.asset_id : "—"),
        el("td", {}, KSC.date(r.creation_time)),
        el("td", {class: r.valid === false ? "red" : ""}, r.valid === false
          ? (r.problems || []).map((p) => p.message).join("; ") : "")])))]));
    const pages = Math.max(1, Math.ceil(data.total / (data.page_size || 100)));
    if (pages > 1) {
      const go = (page) => () => { filters.page = page; render(panel); };
      const cur = data.page || 1;
      panel.appendChild(el("div", {class: "pager", id: "responses-pager", "data-page": cur}, [
        el("button", {type: "button", class: "small", id: "responses-prev", disabled: cur <= 1, onclick: go(cur - 1)},
          t("responses.prev")),
        el("span", {}, t("responses.page", {page: cur, pages})),
        el("button", {type: "button", class: "small", id: "responses-next", disabled: cur >= pages, onclick: go(cur + 1)},
          t("responses.next"))]));
    }
    const decide = decisionForm("responses", () =>
      [...panel.querySelectorAll("input[data-pick]:checked")].map((b) => b.getAttribute("data-pick")),
    () => render(panel));
    if (decide) panel.appendChild(decide);
  }

  KSC.defineTab("responses", {render});
})();
