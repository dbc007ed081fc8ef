/* connections.js — the API connections tab (mdr.connections.*): the list with rights, tenants,
 * status, created and last used; create (name, rights level, tenants), edit, Generate a new
 * refresh token, revoke, delete with confirmation. A refresh token and its client ID are shown
 * once, in the page only (never in a variable that outlives the box, never in localStorage):
 * closing the box or leaving the tab removes them. A licence tier without the REST API gets the
 * module's note and no create. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);
  const RIGHTS = ["mdr.security_officer", "mdr.senior_security_officer", "mdr.administrator"];

  async function tenantList() {
    if (!may("mdr.tenants.list")) return [];
    try { return (await KSC.api.call("mdr.tenants.list", {})).tenants || []; }
    catch (e) { return []; }
  }

  function message(slot, err) {
    KSC.clear(slot).appendChild(el("p", {class: err.error ? "error" : "ok", role: "status"},
      err.error ? err.error.message : err.message || String(err)));
  }

  /* Copies the text of `input` (navigator.clipboard; else selects it for the user to copy). */
  async function copy(input, status) {
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
      await navigator.clipboard.writeText(input.value);
      status.textContent = t("connections.copied");
    } catch (e) {
      input.focus();
      input.select();
      let done = false;
      try { done = document.execCommand("copy"); } catch (e2) { done = false; }
      status.textContent = done ? t("connections.copied") : t("connections.copy_manually");
    }
  }

  function secretLine(id, label, value) {
    const input = el("input", {id, readonly: true, value, spellcheck: "false", autocomplete: "off",
      class: "secret", size: Math.min(Math.max(String(value).length, 20), 90)});
    const status = el("span", {class: "hint", role: "status", "data-copy-status": id});
    return el("div", {class: "field"}, [el("label", {for: id}, label), input,
      el("button", {type: "button", class: "small", id: id + "-copy",
        onclick: () => copy(input, status)}, t("connections.copy")), status]);
  }

  /* The one-time box: client ID and refresh token; "Close" removes them from the page. */
  function secretBox(made) {
    const box = el("div", {class: "card", id: "connection-secret", role: "alert"}, [
      el("h3", {}, t("connections.secret_title", {name: made.connection ? made.connection.name : ""})),
      el("p", {class: "warning", id: "connection-secret-warning"}, t("connections.secret_warning")),
      made.notice ? el("p", {class: "hint"}, made.notice) : null,
      secretLine("connection-client-id", t("connections.client_id"), made.client_id),
      secretLine("connection-refresh-token", t("connections.refresh_token"), made.refresh_token),
      el("button", {type: "button", id: "connection-secret-close",
        onclick: () => { for (const i of box.querySelectorAll("input")) i.value = ""; box.remove(); }},
      t("connections.secret_close"))]);
    return box;
  }

  function tenantChecks(tenants, chosen) {
    return el("fieldset", {class: "checks", id: "connection-tenants"}, [
      el("legend", {}, t("connections.tenants_hint")),
      ...tenants.map((tn) => el("label", {class: "check"}, [el("input", {type: "checkbox",
        name: "tenant", value: tn.id, checked: chosen.includes(tn.id)}), tn.name])),
      el("span", {class: "field-error", "data-error-for": "tenants", role: "alert"})]);
  }

  /* Create (conn null) or edit form. */
  function connectionForm(panel, conn, tenants) {
    const editing = Boolean(conn);
    const chosen = editing ? conn.tenants.map((x) => x.tenant_id) : [];
    const form = el("form", {class: "card", id: editing ? "connection-edit" : "connection-create"}, [
      el("h3", {}, editing ? t("connections.edit_title", {name: conn.name}) : t("connections.create")),
      KSC.field("name", t("connections.name"), el("input", {id: editing ? "connection-edit-name" : "connection-name",
        maxlength: 100, value: editing ? conn.name : ""})),
      KSC.field("rights", t("connections.rights"), el("select", {id: editing ? "connection-edit-rights" : "connection-rights"},
        RIGHTS.map((r) => el("option", {value: r, selected: editing && conn.rights === r},
          t("connections.rights." + r))))),
      tenants.length ? tenantChecks(tenants, chosen) : null,
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: editing ? "connection-save" : "connection-create-submit"},
        editing ? t("connections.save") : t("connections.create")),
      editing ? el("button", {type: "button", onclick: () => render(panel)}, t("connections.cancel")) : null]);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = form.elements;
      const ids = [...form.querySelectorAll('input[name="tenant"]:checked')].map((x) => x.value);
      try {
        if (editing) {
          const body = {client_id: conn.client_id};
          if (f.name.value !== conn.name) body.name = f.name.value;
          if (f.rights.value !== conn.rights) body.rights = f.rights.value;
          if (tenants.length && ids.slice().sort().join() !== chosen.slice().sort().join()) body.tenants = ids;
          await KSC.api.call("mdr.connections.edit", body);
          await render(panel);
        } else {
          const body = {name: f.name.value, rights: f.rights.value};
          if (ids.length) body.tenants = ids;
          const made = await KSC.api.call("mdr.connections.create", body);
          await render(panel, made);
        }
      } catch (err) {
        if (err.error && /^tenants/.test((err.error.details || {}).field || "")) err.error.details.field = "tenants";
        KSC.showError(form, err);
      }
    });
    return form;
  }

  function confirmDelete(panel, conn, slot) {
    KSC.clear(slot).append(
      el("p", {class: "warning", id: "connection-delete-warning"}, t("connections.delete_confirm", {name: conn.name})),
      el("button", {type: "button", class: "danger", id: "connection-delete-confirm", onclick: async () => {
        try {
          const r = await KSC.api.call("mdr.connections.delete", {client_id: conn.client_id, confirm: true});
          await render(panel);
          message(panel.querySelector("#connections-message"), {message: t("connections.deleted", {name: r.name})});
        } catch (err) { message(slot, err); }
      }}, t("connections.delete")),
      el("button", {type: "button", onclick: () => KSC.clear(slot)}, t("connections.cancel")));
  }

  function row(panel, conn, slot, tenants) {
    const act = (name, label, fn, cls) => may("mdr.connections." + name) && !conn.plugin
      ? el("button", {type: "button", class: "small " + (cls || ""), "data-action": name,
        onclick: fn}, label) : null;
    const simple = (name) => async () => {
      try {
        const r = await KSC.api.call("mdr.connections." + name, {client_id: conn.client_id});
        await render(panel, name === "generate" ? r : null);
      } catch (err) { message(slot, err); }
    };
    return el("tr", {"data-client": conn.client_id, "data-name": conn.name}, [
      el("td", {}, conn.name), el("td", {}, conn.rights_title || conn.rights),
      el("td", {}, conn.all_tenants ? t("connections.all_tenants") : conn.tenants.map((x) => x.name || x.tenant_id).join(", ")),
      el("td", {class: "status", "data-status": conn.status}, conn.status_title || conn.status),
      el("td", {}, KSC.date(conn.created_time)),
      el("td", {}, conn.last_used_time ? KSC.date(conn.last_used_time) : t("connections.never")),
      el("td", {}, [
        act("edit", t("connections.edit"), () => {
          const old = panel.querySelector("#connection-edit");
          if (old) old.remove();
          panel.insertBefore(connectionForm(panel, conn, tenants), slot);
        }),
        act("generate", t("connections.generate"), simple("generate")),
        act("revoke", t("connections.revoke"), simple("revoke")),
        act("delete", t("connections.delete"), () => confirmDelete(panel, conn, slot), "danger")])]);
  }

  /* `made`: the answer of create / generate, shown once above the list. */
  async function render(panel, made) {
    const [data, tenants] = await Promise.all([KSC.api.call("mdr.connections.list", {}), tenantList()]);
    KSC.clear(panel);
    const slot = el("div", {id: "connections-message"});
    panel.append(el("h2", {}, t("tab.connections")),
      el("p", {class: "summary", id: "connections-tier"}, t("connections.tier", {tier: data.tier_title || data.tier || "—"})));
    if (!data.rest_api)
      panel.appendChild(el("p", {class: "warning", id: "connections-no-rest-api"}, data.note || t("connections.no_rest_api")));
    if (made && made.refresh_token) panel.appendChild(secretBox(made));
    panel.append(el("table", {class: "list", id: "connections-table"}, [
      el("thead", {}, el("tr", {}, ["name", "rights", "tenants", "status", "created", "last_used", ""].map((k) =>
        el("th", {scope: "col"}, k ? t("connections." + k) : "")))),
      el("tbody", {}, data.connections.map((c) => row(panel, c, slot, tenants)))]), slot);
    if (data.rest_api && may("mdr.connections.create")) panel.appendChild(connectionForm(panel, null, tenants));
  }

  KSC.defineTab("connections", {render: (panel) => render(panel, null)});
})();
