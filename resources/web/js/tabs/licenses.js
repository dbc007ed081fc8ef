/* licenses.js — the Licenses tab: Active/All, the summary, dates and asset counts in red as the
 * help says (a date when the license has expired or expires within 14 days, a count over the
 * limit), add by code (the refusal beside the field), remove with confirmation, the archive of
 * a license and the CSV of licenses by tenant. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);
  let view = "active";

  function message(slot, err) {
    KSC.clear(slot).appendChild(el("p", {class: err.error ? "error" : "ok", role: "status"},
      err.error ? err.error.message : err.message || String(err)));
  }

  async function remove(panel, lic, slot) {
    try {
      const r = await KSC.api.call("mdr.licenses.remove", {id: lic.id});
      message(slot, r);
    } catch (err) {
      if (!err.error || err.error.code !== "license_confirm_required") return message(slot, err);
      KSC.clear(slot).append(el("p", {class: "warning", id: "license-remove-warning"}, err.error.message),
        el("button", {type: "button", class: "danger", id: "license-remove-confirm", onclick: async () => {
          try {
            const r = await KSC.api.call("mdr.licenses.remove", {id: lic.id, confirm: true});
            await render(panel);
            message(panel.querySelector("#licenses-message"), r);
          } catch (e) { message(slot, e); }
        }}, t("licenses.remove_confirm")));
    }
  }

  function row(panel, lic, slot) {
    return el("tr", {"data-license": lic.id}, [
      el("td", {}, lic.name), el("td", {}, lic.status_text || lic.status), el("td", {}, lic.type_text || lic.type),
      el("td", {class: lic.limit_exceeded ? "red" : "", "data-exceeded": lic.limit_exceeded ? "true" : "false"},
        (lic.connected_assets ?? "—") + " / " + (lic.assets_limit ?? "—")),
      el("td", {}, lic.activation_date || KSC.date(lic.activation_time)),
      el("td", {class: lic.expiration_warning ? "red" : "", "data-warning": lic.expiration_warning ? "true" : "false"},
        lic.expiration_date || KSC.date(lic.expiration_time)),
      el("td", {}, lic.activation_code || ""),
      el("td", {}, lic.current ? [
        el("button", {type: "button", class: "small", onclick: () =>
          KSC.api.download("mdr.licenses.archive", {id: lic.id, with: "blob"}).catch((e) => message(slot, e))},
        t("licenses.archive_blob")),
        el("button", {type: "button", class: "small", onclick: () =>
          KSC.api.download("mdr.licenses.archive", {id: lic.id, with: "bat"}).catch((e) => message(slot, e))},
        t("licenses.archive_bat")),
        may("mdr.licenses.remove") ? el("button", {type: "button", class: "small danger",
          "data-remove": lic.id, onclick: () => remove(panel, lic, slot)}, t("licenses.remove")) : null] : null)]);
  }

  async function render(panel) {
    const data = await KSC.api.call("mdr.licenses.list", {view});
    KSC.clear(panel);
    const slot = el("div", {id: "licenses-message"});
    const s = data.summary || {};
    panel.append(el("h2", {}, t("tab.licenses")),
      el("div", {class: "list-switch"}, ["active", "all"].map((v) => el("button", {type: "button",
        id: "licenses-view-" + v, "aria-pressed": v === view ? "true" : "false",
        onclick: () => { view = v; render(panel); }}, t("licenses.view_" + v)))),
      el("table", {class: "details", id: "licenses-summary"}, [
        el("tr", {}, [el("th", {}, t("licenses.tier")), el("td", {}, s.tier_title || "—")]),
        el("tr", {}, [el("th", {}, t("licenses.assets")), el("td", {class: s.limit_exceeded ? "red" : ""},
          (s.connected_assets ?? 0) + " / " + (s.assets_limit ?? 0))]),
        el("tr", {}, [el("th", {}, t("licenses.functionality")), el("td", {}, s.functionality_text || "—")])]),
      el("table", {class: "list", id: "licenses-table"}, [
        el("thead", {}, el("tr", {}, ["name", "status", "type", "assets", "activated", "expires", "code", ""].map((k) =>
          el("th", {scope: "col"}, k ? t("licenses." + k) : "")))),
        el("tbody", {}, data.licenses.map((lic) => row(panel, lic, slot)))]),
      slot);
    const tools = el("div", {class: "card"}, [
      el("button", {type: "button", id: "licenses-csv", onclick: () =>
        KSC.api.download("mdr.licenses.export_by_tenant", {}).catch((e) => message(slot, e))}, t("licenses.csv")),
      el("button", {type: "button", id: "licenses-refresh", onclick: async () => {
        try { await KSC.api.call("mdr.licenses.refresh", {}); await render(panel); } catch (e) { message(slot, e); }
      }}, t("licenses.refresh"))]);
    panel.appendChild(tools);
    if (may("mdr.licenses.add")) {
      const form = el("form", {class: "card", id: "license-add"}, [el("h3", {}, t("licenses.add")),
        KSC.field("code", t("licenses.code"), el("input", {id: "license-code", placeholder: "XXXXX-XXXXX-XXXXX-XXXXX"})),
        el("p", {class: "form-error error", role: "alert"}),
        el("button", {type: "submit", id: "license-add-submit"}, t("licenses.add"))]);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        try {
          const r = await KSC.api.call("mdr.licenses.add", {code: form.elements.code.value.trim()});
          await render(panel);
          message(panel.querySelector("#licenses-message"), {message: t("licenses.added", {name: r.license.name})});
        } catch (err) {
          if (err.error && !(err.error.details || {}).field) err.error.details = Object.assign({}, err.error.details, {field: "code"});
          KSC.showError(form, err);
        }
      });
      panel.appendChild(form);
    }
  }

  KSC.defineTab("licenses", {render});
})();
