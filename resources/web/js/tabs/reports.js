/* reports.js — the Report schedules tab (MDR Administrator): the list with the period each next
 * report covers as the module says, create and edit (name, tenant or All tenants, emails, a
 * weekday or every day, HH:MM in UTC with the user's local equivalent, the acknowledgement that
 * reports travel unencrypted), switch on and off, delete with confirmation. The browser's offset
 * from UTC goes with every call as utc_offset_minutes. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const may = (a) => KSC.api.allowed(a);
  const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  const offset = () => -new Date().getTimezoneOffset();

  function dayName(day) {
    if (day === "every_day") return t("reports.every_day");
    const i = DAYS.indexOf(day);   /* 2024-01-01 was a Monday */
    return new Date(Date.UTC(2024, 0, 1 + i)).toLocaleDateString(KSC.session.lang,
      {weekday: "long", timeZone: "UTC"});
  }

  function offsetText(minutes) {
    const sign = minutes < 0 ? "−" : "+", m = Math.abs(minutes);
    return "UTC" + sign + String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
  }

  /* The local equivalent of an HH:MM UTC time and day, as the page shows it while typing. */
  function localOf(day, time) {
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time || "");
    if (!m) return "";
    let minutes = Number(m[1]) * 60 + Number(m[2]) + offset();
    let shift = 0;
    if (minutes < 0) { minutes += 1440; shift = -1; } else if (minutes >= 1440) { minutes -= 1440; shift = 1; }
    const hhmm = String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
    const d = day === "every_day" ? day : DAYS[(DAYS.indexOf(day) + shift + 7) % 7];
    return t("reports.local", {day: dayName(d), time: hhmm, offset: offsetText(offset())});
  }

  async function tenants() {
    if (!may("mdr.tenants.list")) return [];
    try { return (await KSC.api.call("mdr.tenants.list", {})).tenants || []; } catch (e) { return []; }
  }

  function scheduleForm(panel, schedule, tenantList) {
    const editing = Boolean(schedule);
    const s = schedule || {name: "", tenant_id: null, emails: [], day: "monday", time_utc: "07:00", enabled: true};
    const day = el("select", {id: "report-day"}, ["every_day", ...DAYS].map((d) =>
      el("option", {value: d, selected: d === s.day}, dayName(d))));
    const time = el("input", {id: "report-time", value: s.time_utc, placeholder: "HH:MM", maxlength: 5, size: 6});
    const local = el("span", {class: "hint", id: "report-local"}, localOf(s.day, s.time_utc));
    const update = () => { local.textContent = localOf(day.value, time.value.trim()); };
    day.addEventListener("change", update);
    time.addEventListener("input", update);
    const form = el("form", {class: "card", id: editing ? "report-edit" : "report-create"}, [
      el("h3", {}, editing ? t("reports.edit", {name: s.name}) : t("reports.create")),
      KSC.field("name", t("reports.name"), el("input", {id: "report-name", value: s.name, size: 40})),
      KSC.field("tenant", t("reports.tenant"), el("select", {id: "report-tenant"}, [
        el("option", {value: "all", selected: !s.tenant_id}, t("reports.all_tenants")),
        ...tenantList.map((tn) => el("option", {value: tn.id, selected: tn.id === s.tenant_id}, tn.name))])),
      KSC.field("emails", t("reports.emails"), el("input", {id: "report-emails", size: 60,
        value: (s.emails || []).join(", "), placeholder: "soc@example.com, ciso@example.com"})),
      KSC.field("day", t("reports.day"), day),
      KSC.field("time", t("reports.time"), time), local,
      el("label", {class: "check"}, [el("input", {type: "checkbox", id: "report-ack", name: "acknowledged"}),
        t("reports.acknowledge")]),
      el("span", {class: "field-error", "data-error-for": "acknowledged", role: "alert"}),
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: editing ? "report-save" : "report-create-submit"},
        editing ? t("reports.save") : t("reports.create")),
      editing ? el("button", {type: "button", onclick: () => render(panel)}, t("reports.cancel")) : null]);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = form.elements;
      const body = {name: f.name.value, tenant: f.tenant.value, emails: f.emails.value, day: f.day.value,
        time: f.time.value.trim(), acknowledged: f.acknowledged.checked, utc_offset_minutes: offset()};
      if (editing) body.id = s.id;
      try {
        await KSC.api.call(editing ? "mdr.reports.update" : "mdr.reports.create", body);
        await render(panel);
      } catch (err) {
        if (err.error && err.error.details && err.error.details.field === "tenant_id")
          err.error.details.field = "tenant";
        KSC.showError(form, err);
      }
    });
    return form;
  }

  function row(panel, s, slot, tenantList) {
    const act = async (action, body) => {
      try { await KSC.api.call(action, Object.assign({utc_offset_minutes: offset()}, body)); await render(panel); }
      catch (err) { KSC.clear(slot).appendChild(el("p", {class: "error", role: "alert"}, err.error ? err.error.message : String(err))); }
    };
    const cover = s.next_report_covers || {};
    return el("tr", {"data-report": s.name, "data-id": s.id}, [
      el("td", {}, s.name),
      el("td", {}, s.tenant || t("reports.all_tenants")),
      el("td", {}, (s.emails || []).join(", ")),
      el("td", {}, [(s.day_text || dayName(s.day)) + " " + s.time_utc + " UTC",
        s.local ? el("div", {class: "hint"}, t("reports.local", {day: s.local.day_text || dayName(s.local.day),
          time: s.local.time, offset: offsetText(s.local.utc_offset_minutes)})) : null]),
      el("td", {}, [KSC.date(s.next_report_time), el("div", {class: "hint", "data-covers": ""},
        cover.text || (cover.from ? cover.from + " – " + cover.to : ""))]),
      el("td", {class: s.enabled ? "ok" : "bad"}, t(s.enabled ? "reports.on" : "reports.off")),
      el("td", {}, [
        el("button", {type: "button", class: "small", "data-toggle": s.id,
          onclick: () => act("mdr.reports.enable", {id: s.id, enabled: !s.enabled})},
        t(s.enabled ? "reports.disable" : "reports.enable")),
        el("button", {type: "button", class: "small", "data-edit": s.id, onclick: () => {
          const host = panel.querySelector("#report-form-slot");
          KSC.clear(host).appendChild(scheduleForm(panel, s, tenantList));
          host.scrollIntoView();
        }}, t("reports.edit_button")),
        el("button", {type: "button", class: "small danger", "data-delete": s.id, onclick: () => {
          KSC.clear(slot).append(el("p", {class: "warning", id: "report-delete-warning"},
            t("reports.delete_confirm", {name: s.name})),
          el("button", {type: "button", class: "danger", id: "report-delete-confirm",
            onclick: () => act("mdr.reports.delete", {id: s.id})}, t("reports.delete")),
          el("button", {type: "button", onclick: () => KSC.clear(slot)}, t("reports.cancel")));
        }}, t("reports.delete"))])]);
  }

  async function render(panel) {
    const [list, tenantList] = await Promise.all([
      KSC.api.call("mdr.reports.list", {utc_offset_minutes: offset()}), tenants()]);
    KSC.clear(panel);
    const slot = el("div", {id: "reports-message"});
    panel.append(...[el("h2", {}, t("tab.reports")),
      el("p", {class: "summary", id: "reports-count"}, t("reports.count", {count: list.count, max: list.max})),
      el("p", {class: "hint"}, t("reports.period_hint")),
      el("table", {class: "list", id: "reports-table"}, [
        el("thead", {}, el("tr", {}, ["name", "tenant", "emails", "when", "next", "state", ""].map((k) =>
          el("th", {scope: "col"}, k ? t("reports.h_" + k) : "")))),
        el("tbody", {}, list.schedules.map((s) => row(panel, s, slot, tenantList)))]),
      list.schedules.length ? null : el("p", {class: "empty", id: "reports-empty"}, t("reports.none")),
      list.hidden ? el("p", {class: "hint"}, t("reports.hidden", {count: list.hidden})) : null,
      slot, el("div", {id: "report-form-slot"}, may("mdr.reports.create") ? scheduleForm(panel, null, tenantList) : null)]
      .filter(Boolean));
  }

  KSC.defineTab("reports", {render});
})();
