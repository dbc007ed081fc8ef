/* health.js — the MDR Health tab: "All assets ever seen" and "Malfunctioning assets" with every
 * filter the module takes, sort by clicking a column, search, the period presets and a custom
 * range, paging, the CSV of the whole filtered list, device details with each component
 * coloured as the help says (Running: no indication; Paused, Starting, Unknown: yellow;
 * Stopped, Failed, No license, Not installed and a disabled Self-Defense: red), and the sync
 * with its state polled while it runs. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const STATUSES = ["CRITICAL", "WARNING", "OK", "ABSENT", "OFFLINE"];
  const MDR_STATES = ["Unknown", "Stopped", "Paused", "Starting", "Running", "Failed", "Not installed", "No license"];
  const PERIODS = ["1", "7", "30", "90", "180", "365", "all", "custom"];
  const COLUMNS = {
    assets: [["host_name", "health.host_name"], ["status", "health.status"], ["last_seen", "health.last_seen"],
      ["first_seen", "health.first_seen"], ["tenant", "health.tenant"], ["os_version", "health.os"],
      ["product", "health.product"], ["ksc_server", "health.server"], ["isolated", "health.isolated"]],
    malfunctioning: [["host_name", "health.host_name"], ["epp", "health.epp"], ["mdr_state", "health.mdr_state"],
      ["critical", "health.critical"], ["ksc_server", "health.server"], ["tenant", "health.tenant"]],
  };
  const DEFAULT_SORT = {assets: "last_seen:desc", malfunctioning: "host_name:asc"};

  /* The view's state survives re-renders of the tab (switching lists keeps each one's). */
  const state = {list: "assets", assets: null, malfunctioning: null};
  function fresh(list) {
    return {search: "", statuses: [], period: "30", from: "", to: "", mdr_states: [], preset: "",
      sort: DEFAULT_SORT[list], page: 1, page_size: 50};
  }
  const view = () => state[state.list] || (state[state.list] = fresh(state.list));

  function dayMs(value, endOfDay) {
    const ms = Date.parse(value + "T00:00:00Z");
    return isNaN(ms) ? undefined : endOfDay ? ms + 86400000 - 1 : ms;
  }

  function filter(v) {
    const f = {};
    if (v.search) f.search = v.search;
    if (state.list === "assets") {
      if (v.statuses.length) f.statuses = v.statuses;
      if (v.period === "all") f.last_seen = {all: true};
      else if (v.period === "custom") {
        f.last_seen = {};
        if (v.from) f.last_seen.from = dayMs(v.from, false);
        if (v.to) f.last_seen.to = dayMs(v.to, true);
      } else f.last_seen = {days: Number(v.period)};
    } else {
      if (v.preset) f.preset = v.preset;
      else if (v.mdr_states.length) f.mdr_states = v.mdr_states;
    }
    return f;
  }

  function checks(name, values, chosen, label, onChange) {
    return el("fieldset", {class: "checks", id: "filter-" + name}, [el("legend", {}, t("health." + name)),
      ...values.map((value) => el("label", {class: "inline"}, [el("input", {type: "checkbox", value,
        checked: chosen.includes(value), onchange: (e) => onChange(value, e.target.checked)}), label(value)]))]);
  }

  function filters(panel) {
    const v = view();
    const rerun = () => { v.page = 1; load(panel); };
    const toggle = (arr) => (value, on) => {
      const i = arr.indexOf(value);
      if (on && i < 0) arr.push(value);
      if (!on && i >= 0) arr.splice(i, 1);
      rerun();
    };
    const search = el("input", {type: "search", id: "health-search", value: v.search,
      placeholder: t("health.search")});
    const form = el("form", {class: "filters", id: "health-filters"}, [search,
      el("button", {type: "submit", id: "health-search-submit"}, t("health.apply"))]);
    form.addEventListener("submit", (e) => { e.preventDefault(); v.search = search.value; rerun(); });
    if (state.list === "assets") {
      form.appendChild(checks("statuses", STATUSES, v.statuses, (s) => t("status." + s), toggle(v.statuses)));
      const period = el("select", {id: "health-period", onchange: (e) => {
        v.period = e.target.value;
        rerun();
      }}, PERIODS.map((p) => el("option", {value: p, selected: p === v.period}, t("period." + p))));
      form.appendChild(el("label", {}, [t("health.period") + " ", period]));
      if (v.period === "custom") {
        const from = el("input", {type: "date", id: "health-from", value: v.from});
        const to = el("input", {type: "date", id: "health-to", value: v.to});
        form.appendChild(el("span", {class: "range"}, [t("health.from") + " ", from, " " + t("health.to") + " ", to,
          el("button", {type: "button", id: "health-range-apply", onclick: () => {
            v.from = from.value; v.to = to.value; rerun(); }}, t("health.apply"))]));
      }
    } else {
      const preset = el("select", {id: "health-preset", onchange: (e) => { v.preset = e.target.value; rerun(); }},
        ["", "installed_and_activated", "license_missing"].map((p) =>
          el("option", {value: p, selected: p === v.preset}, t("preset." + (p || "none")))));
      form.appendChild(el("label", {}, [t("health.preset") + " ", preset]));
      if (!v.preset)
        form.appendChild(checks("mdr_states", MDR_STATES, v.mdr_states, (s) => s, toggle(v.mdr_states)));
    }
    return form;
  }

  function header(panel) {
    const v = view();
    const [col, order] = v.sort.split(":");
    return el("thead", {}, el("tr", {}, COLUMNS[state.list].map(([id, key]) =>
      el("th", {scope: "col", class: "sortable", "data-sort": id,
        "aria-sort": id === col ? (order === "asc" ? "ascending" : "descending") : "none",
        onclick: () => {
          v.sort = id + ":" + (id === col && order === "asc" ? "desc" : "asc");
          v.page = 1;
          load(panel);
        }}, t(key) + (id === col ? (order === "asc" ? " ▲" : " ▼") : "")))));
  }

  function assetRow(panel, a) {
    const id = a.device && a.device.device_id;
    return el("tr", {"data-asset": a.asset_id}, [
      el("td", {}, id ? el("a", {href: "#", class: "device-link", onclick: (e) => { e.preventDefault(); details(panel, id); }},
        a.host_name) : a.host_name),
      el("td", {class: "status-" + a.status, title: (a.problems || []).join("; ")},
        [a.status_title || a.status, a.status_note ? el("span", {class: "hint"}, " (" + a.status_note + ")") : null]),
      el("td", {}, KSC.date(a.last_seen)), el("td", {}, KSC.date(a.first_seen)),
      el("td", {}, a.tenant_title || a.tenant || ""), el("td", {}, a.os_version || ""),
      el("td", {}, a.product || ""), el("td", {}, a.ksc_server || ""),
      el("td", {}, a.isolated ? t("health.yes") : t("health.no"))]);
  }

  function deviceRow(panel, d) {
    return el("tr", {"data-device": d.device_id}, [
      el("td", {}, el("a", {href: "#", class: "device-link", onclick: (e) => { e.preventDefault(); details(panel, d.device_id); }},
        d.host_name)),
      el("td", {}, (d.epp_applications || []).join(", ")),
      el("td", {}, d.mdr_state_title || d.mdr_state),
      el("td", {}, (d.critical_components || []).map((c) =>
        el("span", {class: "indication " + c.indication, title: c.state_title || c.state}, c.name))),
      el("td", {}, d.ksc_server || ""), el("td", {}, d.tenant_title || d.tenant || "")]);
  }

  async function details(panel, id) {
    const box = KSC.clear(panel.querySelector("#health-device"));
    try {
      const d = await KSC.api.call("mdr.health.device", {device_id: id});
      box.append(el("h3", {}, t("health.device", {name: d.host_name})),
        el("p", {}, [t("health.mdr_state") + ": " + (d.mdr_state_title || d.mdr_state) + " · " +
          t("health.telemetry") + ": " + (d.sent_telemetry ? t("health.yes") : t("health.no"))]),
        el("ul", {class: "components", id: "device-components"}, [
          el("li", {class: "indication " + (d.self_defense ? "none" : "red"), "data-component": "Self-Defense"},
            t("health.self_defense") + ": " + (d.self_defense ? t("health.enabled") : t("health.disabled"))),
          ...(d.applications || []).flatMap((app) => [
            el("li", {class: "app"}, app.name + " " + (app.version || "")),
            ...(app.components || []).map((c) => el("li", {class: "indication " + c.indication,
              "data-component": c.name, "data-indication": c.indication}, c.name + ": " + (c.state_title || c.state)))])]));
      box.scrollIntoView();
    } catch (err) {
      box.appendChild(el("p", {class: "error"}, err.error ? err.error.message : String(err)));
    }
  }

  async function load(panel) {
    const v = view();
    const body = Object.assign(filter(v), {sort: v.sort, page: v.page, page_size: v.page_size});
    const slot = panel.querySelector("#health-list");
    const error = panel.querySelector("#health-error");
    error.textContent = "";
    KSC.clear(panel.querySelector("#health-filter-slot")).appendChild(filters(panel));
    if (state.list === "assets" && v.period === "custom" && !v.from && !v.to) {
      KSC.clear(slot).appendChild(el("p", {class: "hint", id: "health-range-hint"}, t("health.range_hint")));
      return; /* a custom range waits for its dates */
    }
    let answer;
    try {
      answer = await KSC.api.call(state.list === "assets" ? "mdr.health.assets" : "mdr.health.malfunctioning", body);
    } catch (err) {
      error.textContent = err.error ? err.error.message : String(err);
      return;
    }
    const pages = Math.max(1, Math.ceil(answer.total / answer.page_size));
    KSC.clear(slot).append(
      el("p", {class: "summary", id: "health-total", "data-total": answer.total},
        t("health.total", {total: answer.total, page: answer.page, pages})),
      el("table", {class: "list", id: "health-table"}, [header(panel), el("tbody", {},
        answer.items.map((i) => state.list === "assets" ? assetRow(panel, i) : deviceRow(panel, i)))]),
      el("div", {class: "pager"}, [
        el("button", {type: "button", id: "health-prev", disabled: answer.page <= 1,
          onclick: () => { v.page -= 1; load(panel); }}, t("health.prev")),
        el("span", {id: "health-page"}, " " + answer.page + " / " + pages + " "),
        el("button", {type: "button", id: "health-next", disabled: answer.page >= pages,
          onclick: () => { v.page += 1; load(panel); }}, t("health.next")),
        el("select", {id: "health-page-size", onchange: (e) => { v.page_size = Number(e.target.value); v.page = 1; load(panel); }},
          [25, 50, 100, 500].map((n) => el("option", {value: n, selected: n === v.page_size}, String(n)))),
        el("button", {type: "button", id: "health-csv", onclick: async () => {
          try {
            await KSC.api.download("mdr.health.export", {list: state.list, filter: filter(v), sort: v.sort});
          } catch (err) { error.textContent = err.error ? err.error.message : String(err); }
        }}, t("health.csv"))]));
  }

  async function syncLine(panel) {
    const line = KSC.clear(panel.querySelector("#health-sync"));
    const st = await KSC.api.call("mdr.health.status", {});
    line.setAttribute("data-running", st.running ? "true" : "false");
    line.append(el("span", {id: "health-sync-state"}, st.running ? t("health.sync_running")
      : t("health.last_sync", {time: st.last_good_sync ? new Date(st.last_good_sync).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—"})),
    " · " + t("health.counts", {assets: st.assets ?? 0, malfunctioning: st.malfunctioning ?? 0}));
    if (st.last_error) line.appendChild(el("span", {class: "error"}, " " + (st.last_error.detail || st.last_error.code)));
    if (KSC.api.allowed("mdr.health.sync") && !st.running)
      line.appendChild(el("button", {type: "button", id: "health-sync-now", onclick: () => sync(panel)}, t("health.sync_now")));
    return st;
  }

  /* The sync runs as one request; meanwhile the page polls the status every second. */
  async function sync(panel) {
    const started = Date.now();
    const progress = el("span", {id: "health-sync-progress", class: "progress"}, t("health.sync_running"));
    KSC.clear(panel.querySelector("#health-sync")).appendChild(progress);
    const timer = setInterval(async () => {
      try {
        const st = await KSC.api.call("mdr.health.status", {});
        progress.textContent = t("health.sync_progress", {seconds: Math.round((Date.now() - started) / 1000),
          assets: st.assets ?? 0});
      } catch (e) { /* the final answer says what happened */ }
    }, 1000);
    let result = null, failure = null;
    try { result = await KSC.api.call("mdr.health.sync", {}); } catch (err) { failure = err; }
    clearInterval(timer);
    await syncLine(panel);
    const line = panel.querySelector("#health-sync");
    line.appendChild(el("span", {id: "health-sync-result", class: failure ? "error" : "ok"}, failure
      ? " " + (failure.error ? failure.error.message : String(failure))
      : " " + t("health.sync_done", {mode: result.mode, fetched: result.fetched, changed: result.changed})));
    await load(panel);
  }

  async function render(panel) {
    KSC.clear(panel);
    const switcher = el("div", {class: "list-switch"}, ["assets", "malfunctioning"].map((list) =>
      el("button", {type: "button", id: "health-list-" + list, "aria-pressed": state.list === list ? "true" : "false",
        onclick: () => { state.list = list; render(panel); }}, t("health.list_" + list))));
    panel.append(el("h2", {}, t("tab.health")), el("p", {class: "sync", id: "health-sync"}), switcher,
      el("div", {id: "health-filter-slot"}), el("p", {class: "error", id: "health-error", role: "alert"}),
      el("div", {id: "health-list"}), el("div", {class: "card", id: "health-device"}));
    await syncLine(panel);
    await load(panel);
  }

  KSC.defineTab("health", {render});
})();
