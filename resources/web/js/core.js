/* core.js — what every page part shares: the KSC namespace, the DOM builder (no innerHTML:
 * every text from the server is set as text), and the strings of the interface language. */
"use strict";
window.KSC = window.KSC || {};

KSC.LANGS = ["en", "ru", "de", "es", "fr", "it"];
KSC.strings = {};
KSC.english = {};

/* el("div", {class: "x", onclick: fn, "data-id": 1}, [children or strings]) */
KSC.el = function (tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of [].concat(children || [])) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" || typeof child === "number"
      ? document.createTextNode(String(child)) : child);
  }
  return node;
};

/* The string `key` in the interface language (English, then the key, as fallbacks), with
 * {name} filled from params. */
KSC.t = function (key, params) {
  let text = KSC.strings[key] !== undefined ? KSC.strings[key]
    : KSC.english[key] !== undefined ? KSC.english[key] : key;
  for (const [name, value] of Object.entries(params || {}))
    text = text.split("{" + name + "}").join(String(value));
  return text;
};

KSC.loadStrings = async function (lang) {
  const load = async (l) => {
    const r = await fetch("/i18n/" + l + ".json", {credentials: "same-origin"});
    return r.ok ? r.json() : {};
  };
  if (!Object.keys(KSC.english).length) KSC.english = await load("en");
  KSC.strings = lang === "en" ? KSC.english : await load(lang);
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]"))
    node.textContent = KSC.t(node.getAttribute("data-i18n"));
};

/* Dates the service gives in ms, shown in the interface language, UTC. */
KSC.date = function (ms) {
  if (ms === null || ms === undefined || ms === "") return "—";
  const d = new Date(typeof ms === "number" ? ms : Date.parse(ms));
  if (isNaN(d)) return String(ms);
  return d.toLocaleDateString(KSC.session ? KSC.session.lang : "en", {timeZone: "UTC"});
};

KSC.clear = function (node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
};

/* A field with its error line: the module's error with details.field lands beside it. */
KSC.field = function (name, label, input) {
  input.setAttribute("name", name);
  input.id = input.id || "field-" + name;
  return KSC.el("div", {class: "field", "data-field": name}, [
    KSC.el("label", {for: input.id}, label), input,
    KSC.el("span", {class: "field-error", "data-error-for": name, role: "alert"})]);
};

/* Shows an error answer: beside its field when details.field names one in `form`, else in
 * the form's general error line. */
KSC.showError = function (form, err) {
  for (const node of form.querySelectorAll(".field-error, .form-error")) node.textContent = "";
  const error = (err && err.error) || {message: String(err)};
  const field = error.details && error.details.field;
  const slot = field && form.querySelector('[data-error-for="' + CSS.escape(field) + '"]');
  let target = slot || form.querySelector(".form-error");
  if (!target) target = form.appendChild(KSC.el("p", {class: "form-error error", role: "alert"}));
  target.textContent = error.message;
};
