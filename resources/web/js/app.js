/* app.js — the page shell: sign-in, the session bar (server switcher, language, sign-out),
 * the tab bar built from the registry (tabs.js) and the user's notifications. */
"use strict";

KSC.app = {
  current: null,
  pollTimer: null,

  async start() {
    const saved = navigator.language && navigator.language.slice(0, 2);
    await KSC.loadStrings(KSC.LANGS.includes(saved) ? saved : "en");
    document.getElementById("sign-in").addEventListener("submit", KSC.app.onSignIn);
    document.getElementById("sign-out").addEventListener("click", KSC.app.onSignOut);
    document.getElementById("server-switch").addEventListener("change",
      (e) => KSC.app.changeSession({server: e.target.value}));
    document.getElementById("lang-switch").addEventListener("change",
      (e) => KSC.app.changeSession({lang: e.target.value}));
    const r = await fetch("/api/session", {credentials: "same-origin"});
    if (r.ok) await KSC.app.enter(await r.json());
    else KSC.app.showSignIn("");
  },

  showSignIn(message) {
    KSC.session = null;
    KSC.api.csrf = null;
    clearInterval(KSC.app.pollTimer);
    document.getElementById("console").hidden = true;
    document.getElementById("session-bar").hidden = true;
    document.getElementById("sign-in").hidden = false;
    document.getElementById("sign-in-error").textContent = message || "";
    document.getElementById("sign-in-password").value = "";
  },

  sessionEnded(answer) {
    if (KSC.session) KSC.app.showSignIn(answer && answer.error ? answer.error.message : "");
  },

  async onSignIn(event) {
    event.preventDefault();
    const user = document.getElementById("sign-in-user").value;
    const password = document.getElementById("sign-in-password").value;
    const button = document.getElementById("sign-in-submit");
    button.disabled = true;
    try {
      await KSC.app.enter(await KSC.api.signIn(user, password));
    } catch (err) {
      KSC.app.showSignIn(err.error ? err.error.message : String(err));
    } finally {
      button.disabled = false;
    }
  },

  async onSignOut() {
    try { await KSC.api.signOut(); } catch (e) { /* the session is gone either way */ }
    KSC.app.showSignIn("");
    KSC.clear(document.getElementById("notifications"));
  },

  async enter(session) {
    KSC.session = session;
    KSC.api.csrf = session.csrf;
    await KSC.loadStrings(session.lang);
    document.getElementById("sign-in").hidden = true;
    document.getElementById("session-bar").hidden = false;
    document.getElementById("console").hidden = false;
    document.getElementById("who").textContent = session.user;
    document.getElementById("lang-switch").value = session.lang;
    const servers = KSC.clear(document.getElementById("server-switch"));
    for (const s of session.servers)
      servers.appendChild(KSC.el("option", {value: s.name, selected: s.name === session.server},
        s.kind === "virtual" ? s.name + " (" + KSC.t("app.virtual") + ")" : s.name));
    KSC.app.buildTabs();
    KSC.app.pollNotifications();
    clearInterval(KSC.app.pollTimer);
    KSC.app.pollTimer = setInterval(KSC.app.pollNotifications, 20000);
  },

  async changeSession(change) {
    try {
      const session = await KSC.api.updateSession(change);
      await KSC.app.enter(session);
    } catch (err) {
      KSC.app.notify({severity: "warning", title: "", text: err.error ? err.error.message : String(err)});
    }
  },

  buildTabs() {
    const bar = KSC.clear(document.getElementById("tab-bar"));
    const tabs = KSC.visibleTabs();
    if (!tabs.length) {
      KSC.clear(document.getElementById("tab-panel")).appendChild(
        KSC.el("p", {class: "empty", id: "no-tabs"}, KSC.t("app.no_tabs")));
      return;
    }
    for (const tab of tabs)
      bar.appendChild(KSC.el("button", {type: "button", role: "tab", id: "tab-" + tab.id,
        "data-tab": tab.id, onclick: () => KSC.app.open(tab.id)}, KSC.t(tab.title)));
    const keep = tabs.find((t) => t.id === KSC.app.current);
    KSC.app.open(keep ? keep.id : tabs[0].id);
  },

  async open(id) {
    KSC.app.current = id;
    for (const b of document.querySelectorAll("#tab-bar button"))
      b.setAttribute("aria-selected", b.getAttribute("data-tab") === id ? "true" : "false");
    const panel = KSC.clear(document.getElementById("tab-panel"));
    panel.setAttribute("data-tab", id);
    try {
      const impl = await KSC.loadTab(id);
      await impl.render(panel);
    } catch (err) {
      panel.appendChild(KSC.el("p", {class: "error"}, err.error ? err.error.message : String(err)));
    }
  },

  async pollNotifications() {
    if (!KSC.session) return;
    try {
      for (const n of await KSC.api.notifications()) KSC.app.notify(n);
    } catch (e) { /* shown by the session's end, if that was it */ }
  },

  notify(n) {
    const box = document.getElementById("notifications");
    const item = KSC.el("div", {class: "notification " + (n.severity || "info"), role: "status"}, [
      n.title ? KSC.el("strong", {}, n.title) : null, KSC.el("span", {}, n.text || ""),
      KSC.el("button", {type: "button", class: "dismiss", "aria-label": KSC.t("app.dismiss"),
        onclick: () => item.remove()}, "×")]);
    box.appendChild(item);
  },
};

document.addEventListener("DOMContentLoaded", () => KSC.app.start());
