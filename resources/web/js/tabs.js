/* tabs.js — the registry of the MDR section's tabs, in the order the section shows them.
 *
 * Adding a tab (docs/web-console.md, "Adding a tab"):
 *   1. js/tabs/NAME.js calls KSC.defineTab("NAME", {render(panel) {…}}) and builds its page
 *      with KSC.el, KSC.api.call / KSC.api.download and KSC.t;
 *   2. one entry below: id, its title's string key, and `requires`: the actions the tab needs
 *      (the tab shows only when the user may run all of them on the current server);
 *   3. its strings in i18n/en.json (and the other languages; English is the fallback).
 */
"use strict";

KSC.tabRegistry = [
  /* first, and needing only Application Integration: a user without Incident access sees this
   * tab and nothing else of the section */
  {id: "getting_started", title: "tab.getting_started", requires: ["mdr.wizard.get"]},
  {id: "usage", title: "tab.usage", requires: ["mdr.usage.get", "mdr.activation.status"]},
  {id: "health", title: "tab.health", requires: ["mdr.health.assets", "mdr.health.status"]},
  {id: "widget", title: "tab.widget", requires: ["mdr.health.summary"]},
  {id: "licenses", title: "tab.licenses", requires: ["mdr.licenses.list"]},
  {id: "tenants", title: "tab.tenants", requires: ["mdr.tenants.list"]},
  {id: "ksn", title: "tab.ksn", requires: ["mdr.ksn.status"]},
  {id: "settings", title: "tab.settings", requires: ["mdr.settings.get"]},
  {id: "notifications", title: "tab.notifications", requires: ["mdr.notifications.get"]},
  {id: "reports", title: "tab.reports", requires: ["mdr.reports.list"]},
  {id: "connections", title: "tab.connections", requires: ["mdr.connections.list"]},
  {id: "responses", title: "tab.responses", requires: ["mdr.responses.list"]},
  {id: "diagnosis", title: "tab.diagnosis", requires: ["mdr.diag.run"]},
];

KSC.tabImpl = {};
KSC.defineTab = function (id, impl) { KSC.tabImpl[id] = impl; };

/* Loads the tab's script once (a file of the same origin, as the CSP allows). */
KSC.loadTab = function (id) {
  if (KSC.tabImpl[id]) return Promise.resolve(KSC.tabImpl[id]);
  return new Promise((resolve, reject) => {
    const script = KSC.el("script", {src: "/js/tabs/" + id + ".js"});
    script.onload = () => KSC.tabImpl[id] ? resolve(KSC.tabImpl[id])
      : reject(new Error("tab " + id + " did not define itself"));
    script.onerror = () => reject(new Error("tab " + id + " could not be loaded"));
    document.head.appendChild(script);
  });
};

/* The tabs the session's user may see on the current server. */
KSC.visibleTabs = function () {
  return KSC.tabRegistry.filter((tab) => tab.requires.every((a) => KSC.api.allowed(a)));
};
