/* api.js — the page's only way to the server: the session, sign-in and sign-out, the
 * actions (JSON or a file download), all with the CSRF token on every POST. */
"use strict";

KSC.api = {
  csrf: null,

  async request(method, path, body) {
    const headers = {};
    if (method === "POST") {
      headers["Content-Type"] = "application/json";
      if (KSC.api.csrf) headers["X-CSRF-Token"] = KSC.api.csrf;
    }
    const r = await fetch(path, {method, headers, credentials: "same-origin",
      body: method === "POST" ? JSON.stringify(body || {}) : undefined});
    if (r.status === 401 && path !== "/api/sign-in") KSC.app.sessionEnded(await r.json());
    return r;
  },

  async json(method, path, body) {
    const r = await KSC.api.request(method, path, body);
    const data = await r.json();
    if (!r.ok) throw Object.assign(data, {status: r.status});
    return data;
  },

  session() { return KSC.api.json("GET", "/api/session"); },
  updateSession(change) { return KSC.api.json("POST", "/api/session", change); },
  notifications() { return KSC.api.json("POST", "/api/notifications", {}); },
  signOut() { return KSC.api.json("POST", "/api/sign-out", {}); },
  async signIn(user, password) {
    const r = await fetch("/api/sign-in", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({user, password})});
    const data = await r.json();
    if (!r.ok) throw Object.assign(data, {status: r.status});
    return data;
  },

  /* Runs an action; resolves with its answer, rejects with its error object. */
  call(action, body) { return KSC.api.json("POST", "/api/actions/" + action, body); },

  /* Whether the signed-in user may run `action` on the current server. */
  allowed(action) {
    const a = KSC.session && KSC.session.actions[action];
    return Boolean(a && a.allowed);
  },

  /* Runs a file-producing action and hands the file to the browser with the server's name. */
  async download(action, body) {
    const r = await KSC.api.request("POST", "/api/actions/" + action, body);
    if (!r.ok) throw Object.assign(await r.json(), {status: r.status});
    const disposition = r.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const blob = await r.blob();
    const link = KSC.el("a", {href: URL.createObjectURL(blob), download: match ? match[1] : "export"});
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    return {name: match ? match[1] : "export", type: blob.type, size: blob.size};
  },
};
