/* settings.js — the Settings tab: extended email notifications (turning them on needs the
 * module's consent text shown and ticked), the language of incident data, notifications and
 * reports, and auto-acceptance of responses (three modes, per-tenant switches, "All tenants").
 * As the help says, Save stays disabled until something really changed; the roles decide which
 * controls exist (MDR Administrator: everything; Senior Security Officer: the tenants' switches
 * while the mode is per tenant; others: nothing to change). */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);

  function said(slot, text, ok) {
    KSC.clear(slot).appendChild(el("p", {class: ok ? "ok" : "error", role: "status"}, text));
  }

  /* Extended notifications and the language. */
  function settingsCard(data) {
    const canEdit = may("mdr.settings.update");
    const box = el("div", {class: "card", id: "settings-general"});
    const draw = (s, note) => {
      KSC.clear(box);
      const extended = el("input", {type: "checkbox", id: "settings-extended", name: "extended_notifications",
        checked: s.extended_notifications, disabled: !canEdit});
      const confirm = el("input", {type: "checkbox", id: "settings-confirm", name: "confirm"});
      const consent = el("div", {class: "consent", id: "settings-consent", hidden: true}, [
        el("p", {id: "settings-consent-text", class: "warning"}, s.consent_text || ""),
        el("label", {class: "check"}, [confirm, t("settings.confirm")]),
        el("span", {class: "field-error", "data-error-for": "confirm", role: "alert"})]);
      const language = el("select", {id: "settings-language", disabled: !canEdit}, ["en", "ru"].map((l) =>
        el("option", {value: l, selected: l === s.language}, t("settings.lang_" + l))));
      const save = el("button", {type: "submit", id: "settings-save", disabled: true}, t("settings.save"));
      const message = el("div", {id: "settings-message"});
      const form = el("form", {id: "settings-form"}, [
        el("h3", {}, t("settings.extended_title")),
        el("label", {class: "check"}, [extended, t("settings.extended")]),
        el("span", {class: "field-error", "data-error-for": "extended_notifications", role: "alert"}),
        s.consent ? el("p", {class: "hint", id: "settings-consent-record"}, t("settings.consent_record",
          {user: s.consent.confirmed_by, date: KSC.date(s.consent.confirmed_time)})) : null,
        consent,
        KSC.field("language", t("settings.language"), language),
        el("p", {class: "hint"}, t("settings.language_hint")),
        el("p", {class: "form-error error", role: "alert"}),
        canEdit ? save : null, message]);
      const turningOn = () => extended.checked && !s.extended_notifications;
      const changed = () => extended.checked !== s.extended_notifications || language.value !== s.language;
      const refresh = () => {
        consent.hidden = !turningOn();
        save.disabled = !changed() || (turningOn() && !confirm.checked);
      };
      for (const input of [extended, confirm, language]) input.addEventListener("change", refresh);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (save.disabled) return;
        const body = {};
        if (extended.checked !== s.extended_notifications) body.extended_notifications = extended.checked;
        if (turningOn()) body.confirm = confirm.checked;
        if (language.value !== s.language) body.language = language.value;
        save.disabled = true;
        try {
          const answer = await KSC.api.call("mdr.settings.update", body);
          draw(answer, t("settings.saved"));
        } catch (err) {
          KSC.showError(form, err);
          refresh();
        }
      });
      box.appendChild(form);
      if (note) said(message, note, true);
    };
    draw(data);
    return box;
  }

  /* Auto-acceptance of responses. */
  function autoAcceptCard(data) {
    const admin = may("mdr.settings.auto_accept.set");
    const senior = !admin && may("mdr.settings.auto_accept.set_tenants");
    const box = el("div", {class: "card", id: "auto-accept"});
    const draw = (a, note) => {
      KSC.clear(box);
      const modes = a.uses_tenants ? ["off", "all", "per_tenant"] : ["off", "all"];
      const radios = {};
      const modeControls = admin ? el("fieldset", {class: "checks", id: "auto-accept-modes"}, [
        el("legend", {}, t("settings.auto_mode")),
        ...modes.map((m) => {
          radios[m] = el("input", {type: "radio", name: "mode", value: m, id: "auto-accept-mode-" + m,
            checked: a.mode === m});
          return el("label", {class: "check"}, [radios[m],
            t(a.uses_tenants ? "settings.auto_" + m : "settings.auto_single_" + m)]);
        }),
        el("span", {class: "field-error", "data-error-for": "mode", role: "alert"})])
        : el("p", {id: "auto-accept-mode-text"}, [el("strong", {}, t("settings.auto_mode") + ": "),
          t(a.uses_tenants ? "settings.auto_" + a.mode : "settings.auto_single_" + a.mode)]);
      const mode = () => (admin ? (modes.find((m) => radios[m].checked) || a.mode) : a.mode);
      /* the tenants' switches: the administrator's in per-tenant mode (chosen or saved), the
       * senior officer's only while the saved mode is per tenant */
      const canTenants = () => mode() === "per_tenant" && (admin || (senior && a.mode === "per_tenant"));
      const all = el("input", {type: "checkbox", id: "auto-accept-all", name: "all_tenants",
        checked: a.all_tenants});
      const ticks = {};
      const rows = (a.tenants || []).map((tn) => {
        ticks[tn.tenant_id] = el("input", {type: "checkbox", "data-tenant-id": tn.tenant_id,
          id: "auto-accept-tenant-" + tn.tenant_id, checked: tn.enabled});
        return el("li", {"data-tenant": tn.name}, [el("label", {class: "check"}, [ticks[tn.tenant_id], tn.name]),
          el("span", {class: "field-error", "data-error-for": "tenants." + tn.tenant_id, role: "alert"})]);
      });
      const tenantBox = el("div", {id: "auto-accept-tenants"}, [
        el("label", {class: "check"}, [all, t("settings.auto_all_tenants")]),
        el("span", {class: "field-error", "data-error-for": "all_tenants", role: "alert"}),
        el("ul", {class: "tenant-switches"}, rows),
        a.hidden ? el("p", {class: "hint"}, t("settings.auto_hidden", {count: a.hidden})) : null,
        el("span", {class: "field-error", "data-error-for": "tenants", role: "alert"})]);
      const save = el("button", {type: "submit", id: "auto-accept-save", disabled: true}, t("settings.save"));
      const message = el("div", {id: "auto-accept-message"});
      const form = el("form", {id: "auto-accept-form"}, [
        el("h3", {}, t("settings.auto_title")), el("p", {class: "hint"}, t("settings.auto_hint")),
        modeControls, a.uses_tenants ? tenantBox : null,
        el("p", {class: "form-error error", role: "alert"}),
        admin || senior ? save : null, message]);
      const flagsChanged = () => Object.keys(ticks).filter((id) => ticks[id].checked !==
        a.tenants.find((x) => x.tenant_id === id).enabled);
      const changed = () => mode() !== a.mode ||
        (mode() === "per_tenant" && (all.checked !== a.all_tenants || flagsChanged().length > 0));
      const refresh = () => {
        const on = canTenants();
        tenantBox.hidden = mode() !== "per_tenant";
        all.disabled = !(on && admin);
        for (const box of Object.values(ticks)) box.disabled = !on;
        save.disabled = !changed();
      };
      for (const r of Object.values(radios)) r.addEventListener("change", refresh);
      all.addEventListener("change", () => {
        if (all.checked) for (const box of Object.values(ticks)) box.checked = true;
        refresh();
      });
      for (const box of Object.values(ticks)) box.addEventListener("change", () => {
        if (!box.checked) all.checked = false;
        refresh();
      });
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        if (save.disabled) return;
        const tenants = {};
        for (const id of flagsChanged()) tenants[id] = ticks[id].checked;
        let action, body;
        if (admin) {
          action = "mdr.settings.auto_accept.set";
          body = {mode: mode()};
          if (mode() === "per_tenant") {
            body.all_tenants = all.checked;
            if (Object.keys(tenants).length) body.tenants = tenants;
          }
        } else {
          action = "mdr.settings.auto_accept.set_tenants";
          body = {tenants};
        }
        save.disabled = true;
        try {
          draw(await KSC.api.call(action, body), t("settings.saved"));
        } catch (err) {
          KSC.showError(form, err);
          refresh();
        }
      });
      box.appendChild(form);
      refresh();
      if (note) said(message, note, true);
    };
    draw(data);
    return box;
  }

  async function render(panel) {
    const [data, auto] = await Promise.all([KSC.api.call("mdr.settings.get", {}),
      may("mdr.settings.auto_accept.get") ? KSC.api.call("mdr.settings.auto_accept.get", {}) : null]);
    KSC.clear(panel);
    panel.append(el("h2", {}, t("tab.settings")), settingsCard(data));
    if (auto) panel.appendChild(autoAcceptCard(auto));
  }

  KSC.defineTab("settings", {render});
})();
