/* tenants.js — the Tenants tab: the list, create and edit with each refusal beside its field,
 * delete with the module's warning about assets (then "Delete anyway"), configuration files
 * (add, delete) and the archives for assets with and without KEA. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);

  async function licenses() {
    if (!may("mdr.licenses.list")) return [];
    try { return (await KSC.api.call("mdr.licenses.list", {})).licenses || []; }
    catch (e) { return []; }
  }

  function inFuture(days) {
    return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
  }

  /* The create / edit form; `tenant` null for create. */
  function tenantForm(panel, tenant, lics) {
    const editing = Boolean(tenant);
    const fields = [
      KSC.field("name", t("tenants.name"), el("input", {id: "tenant-name", value: tenant ? tenant.name : ""})),
      KSC.field("description", t("tenants.description"),
        el("textarea", {id: "tenant-description", rows: 3}, tenant ? tenant.description || "" : "")),
    ];
    if (editing)
      fields.push(el("label", {class: "check"}, [el("input", {type: "checkbox", id: "tenant-active",
        name: "active", checked: tenant.active}), t("tenants.active")]));
    if (!editing && lics.length) {
      fields.push(KSC.field("license_id", t("tenants.license"), el("select", {id: "tenant-license"},
        lics.map((l) => el("option", {value: l.id}, l.name || l.id)))));
      fields.push(KSC.field("expires", t("tenants.expires"),
        el("input", {type: "date", id: "tenant-expires", value: inFuture(90)})));
    }
    const form = el("form", {class: "card", id: editing ? "tenant-edit" : "tenant-create"}, [
      el("h3", {}, editing ? t("tenants.edit", {name: tenant.name}) : t("tenants.create")), ...fields,
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: editing ? "tenant-save" : "tenant-create-submit"},
        editing ? t("tenants.save") : t("tenants.create")),
      el("button", {type: "button", onclick: () => render(panel)}, t("tenants.cancel"))]);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = form.elements;
      const body = {name: f.name.value, description: f.description.value};
      if (editing) Object.assign(body, {id: tenant.id, active: f.active.checked});
      else if (f.license_id)
        body.config_files = [{license_id: f.license_id.value, expires: f.expires.value}];
      try {
        await KSC.api.call(editing ? "mdr.tenants.update" : "mdr.tenants.create", body);
        await render(panel);
      } catch (err) {
        if (err.error && err.error.details && /^config_files/.test(err.error.details.field || ""))
          err.error.details.field = "expires";
        KSC.showError(form, err);
      }
    });
    return form;
  }

  function configFiles(panel, tenant, lics) {
    const list = el("ul", {class: "config-files"}, (tenant.config_files || []).map((cf) =>
      el("li", {}, [cf.license_name || cf.license_id, " — ", cf.expiration_date || KSC.date(cf.expiration_time),
        may("mdr.tenants.delete_config_file") ? el("button", {type: "button", class: "small",
          onclick: async () => {
            try {
              await KSC.api.call("mdr.tenants.delete_config_file", {id: tenant.id, file_id: cf.file_id});
              await render(panel);
            } catch (err) { KSC.showError(list.parentNode, err); }
          }}, t("tenants.delete_file")) : null])));
    const box = el("div", {class: "card", id: "tenant-files"}, [el("h3", {}, t("tenants.config_files")), list,
      el("p", {class: "form-error error", role: "alert"})]);
    if (lics.length && may("mdr.tenants.add_config_file")) {
      const form = el("form", {id: "tenant-add-file"}, [
        KSC.field("license_id", t("tenants.license"), el("select", {},
          lics.map((l) => el("option", {value: l.id}, l.name || l.id)))),
        KSC.field("expires", t("tenants.expires"), el("input", {type: "date", value: inFuture(60)})),
        el("button", {type: "submit"}, t("tenants.add_file"))]);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        try {
          await KSC.api.call("mdr.tenants.add_config_file", {id: tenant.id,
            license_id: form.elements.license_id.value, expires: form.elements.expires.value});
          await render(panel);
        } catch (err) { KSC.showError(box, err); }
      });
      box.appendChild(form);
    }
    return box;
  }

  async function remove(panel, tenant, confirm, slot) {
    try {
      const r = await KSC.api.call("mdr.tenants.delete", confirm ? {id: tenant.id, confirm: true} : {id: tenant.id});
      await render(panel);
      KSC.app.notify({severity: "info", title: "", text: r.message || t("tenants.deleted", {name: tenant.name})});
    } catch (err) {
      KSC.clear(slot);
      const e = err.error || {};
      slot.appendChild(el("p", {class: "warning", id: "tenant-delete-warning"}, e.message || String(err)));
      if (e.code === "tenant_has_assets" || e.code === "tenant_delete_unconfirmed")
        slot.appendChild(el("button", {type: "button", class: "danger", id: "tenant-delete-anyway",
          onclick: () => remove(panel, tenant, true, slot)}, t("tenants.delete_anyway")));
    }
  }

  async function openTenant(panel, id) {
    const [tenant, lics] = await Promise.all([KSC.api.call("mdr.tenants.get", {id}), licenses()]);
    KSC.clear(panel);
    const slot = el("div", {class: "delete-slot"});
    panel.append(el("h2", {}, tenant.name), tenantForm(panel, tenant, lics), configFiles(panel, tenant, lics),
      el("div", {class: "card"}, [el("h3", {}, t("tenants.archives")),
        el("button", {type: "button", id: "tenant-archive-kea",
          onclick: () => KSC.api.download("mdr.tenants.archive", {id, kea: true}).catch((e) => KSC.showError(slot, e))},
        t("tenants.archive_kea")),
        el("button", {type: "button", id: "tenant-archive-nokea",
          onclick: () => KSC.api.download("mdr.tenants.archive", {id, kea: false}).catch((e) => KSC.showError(slot, e))},
        t("tenants.archive_nokea"))]),
      el("div", {class: "card"}, [
        el("button", {type: "button", class: "danger", id: "tenant-delete",
          onclick: () => remove(panel, tenant, false, slot)}, t("tenants.delete")),
        slot, el("p", {class: "form-error error"})]));
  }

  async function render(panel) {
    const list = await KSC.api.call("mdr.tenants.list", {});
    KSC.clear(panel);
    panel.appendChild(el("h2", {}, t("tab.tenants")));
    panel.appendChild(el("p", {class: "summary", id: "tenants-count"},
      t("tenants.count", {count: list.count, max: list.max})));
    const table = el("table", {class: "list", id: "tenants-table"}, [
      el("thead", {}, el("tr", {}, [t("tenants.name"), t("tenants.status"), t("tenants.assets"),
        t("tenants.expires"), t("tenants.config_files")].map((h) => el("th", {scope: "col"}, h)))),
      el("tbody", {}, list.tenants.map((tn) => el("tr", {"data-tenant": tn.name}, [
        el("td", {}, el("a", {href: "#", onclick: (e) => { e.preventDefault(); openTenant(panel, tn.id); }}, tn.name)),
        el("td", {class: tn.active ? "ok" : "bad"}, tn.status_text || tn.status),
        el("td", {}, String(tn.assets ?? 0)),
        el("td", {}, tn.expiration_date || KSC.date(tn.expiration_time)),
        el("td", {}, String((tn.config_files || []).length))])))]);
    panel.appendChild(table);
    if (list.hidden) panel.appendChild(el("p", {class: "hint"}, t("tenants.hidden", {count: list.hidden})));
    if (may("mdr.tenants.create")) panel.appendChild(tenantForm(panel, null, await licenses()));
  }

  KSC.defineTab("tenants", {render});
})();
