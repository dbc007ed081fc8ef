/* ksn.js — the KSN tab: the KSN proxy settings of the current Administration Server as the
 * module sees them (the file in use, its expiry, the newest one, the history) and the update. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;

  async function render(panel) {
    const st = await KSC.api.call("mdr.ksn.status", {});
    KSC.clear(panel);
    const inst = st.installed || null;
    const slot = el("div", {id: "ksn-message"});
    panel.append(el("h2", {}, t("tab.ksn")),
      el("table", {class: "details", id: "ksn-status"}, [
        el("tr", {}, [el("th", {}, t("ksn.server")), el("td", {}, st.server + (st.inherited_from ? " (" + t("ksn.inherited", {server: st.inherited_from}) + ")" : ""))]),
        el("tr", {}, [el("th", {}, "KSN"), el("td", {}, st.ksn_enabled ? t("ksn.on") : t("ksn.off"))]),
        el("tr", {}, [el("th", {}, "KPSN"), el("td", {}, st.kpsn_enabled ? t("ksn.on") : t("ksn.off"))]),
        el("tr", {}, [el("th", {}, t("ksn.version")), el("td", {id: "ksn-version"}, inst ? String(inst.version) : t("ksn.none"))]),
        el("tr", {}, [el("th", {}, t("ksn.expires")), el("td", {class: inst && (inst.expired || st.expires_soon) ? "red" : ""},
          inst ? KSC.date(inst.expires_time) + (inst.days_left !== undefined ? " (" + t("ksn.days_left", {days: inst.days_left}) + ")" : "") : "—")]),
        el("tr", {}, [el("th", {}, t("ksn.newest")), el("td", {}, st.newest ? String(st.newest.version) : "—")])]),
      slot);
    if (KSC.api.allowed("mdr.ksn.update"))
      panel.appendChild(el("button", {type: "button", id: "ksn-update", onclick: async () => {
        try {
          const r = await KSC.api.call("mdr.ksn.update", {});
          await render(panel);
          panel.querySelector("#ksn-message").appendChild(el("p", {class: "ok", id: "ksn-update-result"}, r.message || ""));
        } catch (err) {
          KSC.clear(slot).appendChild(el("p", {class: "error", id: "ksn-update-result"}, err.error ? err.error.message : String(err)));
        }
      }}, t("ksn.update")));
    panel.appendChild(el("h3", {}, t("ksn.history")));
    panel.appendChild(el("table", {class: "list", id: "ksn-history"}, [
      el("thead", {}, el("tr", {}, ["version", "installed", "by", "trigger"].map((k) => el("th", {scope: "col"}, t("ksn.h_" + k))))),
      el("tbody", {}, (st.history || []).map((h) => el("tr", {}, [el("td", {}, String(h.version)),
        el("td", {}, KSC.date(h.installed_at || h.installed_time)), el("td", {}, h.installed_by || ""),
        el("td", {}, h.trigger || "")])))]));
  }

  KSC.defineTab("ksn", {render});
})();
