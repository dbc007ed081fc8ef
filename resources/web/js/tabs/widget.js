/* widget.js — the Monitoring widget "MDR assets by status": a bar per status drawn as SVG by
 * the page (no chart library), the total, the malfunctioning devices, and the counts per
 * tenant. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const NS = "http://www.w3.org/2000/svg";
  const COLOURS = {CRITICAL: "#c62828", WARNING: "#e0a800", OK: "#2e7d32", ABSENT: "#8d99a6", OFFLINE: "#5f6b77"};

  function svg(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chart(summary) {
    const bars = summary.by_status || [];
    const max = Math.max(1, ...bars.map((b) => b.count));
    const width = 560, rowH = 34, labelW = 120, barW = width - labelW - 80;
    const root = svg("svg", {id: "widget-chart", viewBox: "0 0 " + width + " " + (bars.length * rowH + 10),
      width, height: bars.length * rowH + 10, role: "img", "aria-label": summary.title || t("widget.title")});
    bars.forEach((b, i) => {
      const y = 5 + i * rowH;
      const w = Math.round(barW * b.count / max);
      root.appendChild(svg("text", {x: 0, y: y + 20, "font-size": 13}, b.title || b.status));
      const rect = svg("rect", {x: labelW, y: y + 4, width: Math.max(w, 1), height: rowH - 10,
        fill: COLOURS[b.status] || "#888", "data-status": b.status, "data-count": b.count});
      rect.appendChild(svg("title", {}, (b.title || b.status) + ": " + b.count));
      root.appendChild(rect);
      root.appendChild(svg("text", {x: labelW + Math.max(w, 1) + 6, y: y + 20, "font-size": 13,
        class: "bar-count"}, String(b.count)));
    });
    return root;
  }

  async function render(panel) {
    const s = await KSC.api.call("mdr.health.summary", {per_tenant: true});
    KSC.clear(panel);
    panel.append(el("h2", {}, s.title || t("widget.title")),
      el("p", {class: "summary", id: "widget-total", "data-total": s.total},
        t("widget.total", {total: s.total, malfunctioning: s.malfunctioning})),
      chart(s));
    if (s.tenants && s.tenants.length) {
      const statuses = (s.by_status || []).map((b) => b.status);
      panel.appendChild(el("table", {class: "list", id: "widget-tenants"}, [
        el("thead", {}, el("tr", {}, [t("health.tenant"), ...s.by_status.map((b) => b.title || b.status),
          t("widget.malfunctioning")].map((h) => el("th", {scope: "col"}, h)))),
        el("tbody", {}, s.tenants.map((tn) => el("tr", {}, [el("td", {}, tn.tenant_title || tn.tenant),
          ...statuses.map((st) => el("td", {}, String((tn.by_status || {})[st] || 0))),
          el("td", {}, String(tn.malfunctioning || 0))])))]));
    }
    if (s.last_good_sync)
      panel.appendChild(el("p", {class: "hint"}, t("widget.as_of", {time: new Date(s.last_good_sync).toISOString().replace("T", " ").slice(0, 16) + " UTC"})));
  }

  KSC.defineTab("widget", {render});
})();
