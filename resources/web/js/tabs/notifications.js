/* notifications.js — the Notifications tab: the signed-in user's own email notifications (an
 * address and its categories; Save mails a code, Verify with the tries left and Resend as the
 * module answers, "verified", Disable) and Telegram (categories, Get Link shows the chatbot's
 * link, Unsubscribe). Every refusal is the module's, beside the field it names. */
"use strict";

(function () {
  const el = KSC.el, t = KSC.t;
  const CATEGORIES = ["incidents", "comments", "responses"];

  function categories(prefix, current) {
    return el("fieldset", {class: "checks", id: prefix + "-categories"}, [
      el("legend", {}, t("notifications.categories")),
      ...CATEGORIES.map((c) => el("label", {class: "inline"}, [
        el("input", {type: "checkbox", name: c, id: prefix + "-" + c, checked: current[c]}),
        t("notifications." + c)])),
      el("span", {class: "field-error", "data-error-for": "incidents, comments, responses", role: "alert"})]);
  }

  function note(slot, text) {
    if (text) KSC.clear(slot).appendChild(el("p", {class: "ok", role: "status"}, text));
  }

  function emailCard(panel, view, after) {
    const e = view.email, v = e.verification || {status: "none"};
    const form = el("form", {class: "card", id: "notif-email"}, [
      el("h3", {}, t("notifications.email")),
      e.verified && e.address ? el("p", {class: "ok", id: "notif-email-verified"},
        t("notifications.verified", {address: e.address})) : null,
      e.enabled ? null : el("p", {class: "hint", id: "notif-email-off"}, t("notifications.email_off")),
      KSC.field("address", t("notifications.address"), el("input", {type: "email", id: "notif-address",
        value: v.address || e.address || "", autocomplete: "email"})),
      categories("notif-email", e),
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: "notif-email-save"}, t("notifications.save")),
      e.enabled || v.status !== "none" ? el("button", {type: "button", class: "danger", id: "notif-email-disable",
        onclick: () => act(panel, "mdr.notifications.email.disable", {}, form)}, t("notifications.disable")) : null,
      el("div", {id: "notif-email-message"})]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = {address: form.elements.address.value.trim()};
      for (const c of CATEGORIES) body[c] = form.elements[c].checked;
      act(panel, "mdr.notifications.email.save", body, form);
    });
    const boxes = [form];
    if (v.status !== "none") {
      const verify = el("form", {class: "card", id: "notif-verify"}, [
        el("h3", {}, t("notifications.verify_title")),
        el("p", {id: "notif-verify-status"}, v.status === "pending"
          ? t("notifications.code_sent", {address: v.address || "", time: v.expires_time
            ? new Date(v.expires_time).toLocaleTimeString(KSC.session.lang) : "—"})
          : t("notifications.code_" + v.status)),
        v.tries_left !== undefined && v.tries_left !== null ? el("p", {class: "hint", id: "notif-tries-left"},
          t("notifications.tries_left", {count: v.tries_left})) : null,
        KSC.field("code", t("notifications.code"), el("input", {id: "notif-code", inputmode: "numeric",
          maxlength: 6, autocomplete: "one-time-code"})),
        el("p", {class: "form-error error", role: "alert"}),
        el("button", {type: "submit", id: "notif-verify-submit"}, t("notifications.verify")),
        v.resend_offered || v.status !== "pending" ? el("button", {type: "button", id: "notif-resend",
          onclick: () => act(panel, "mdr.notifications.email.resend", {}, verify)}, t("notifications.resend")) : null]);
      verify.addEventListener("submit", (ev) => {
        ev.preventDefault();
        act(panel, "mdr.notifications.email.verify", {code: verify.elements.code.value.trim()}, verify);
      });
      boxes.push(verify);
    }
    return boxes;
  }

  function telegramCard(panel, view, link) {
    const g = view.telegram;
    const form = el("form", {class: "card", id: "notif-telegram"}, [
      el("h3", {}, t("notifications.telegram")),
      el("p", {id: "notif-telegram-state", class: g.subscribed ? "ok" : "hint"},
        t(g.subscribed ? "notifications.subscribed" : g.link_outstanding
          ? "notifications.link_outstanding" : "notifications.not_subscribed")),
      categories("notif-telegram", g),
      el("p", {class: "form-error error", role: "alert"}),
      el("button", {type: "submit", id: "notif-telegram-link"}, t("notifications.get_link")),
      g.subscribed || g.link_outstanding ? el("button", {type: "button", class: "danger",
        id: "notif-telegram-unsubscribe", onclick: () =>
          act(panel, "mdr.notifications.telegram.unsubscribe", {}, form)}, t("notifications.unsubscribe")) : null,
      el("div", {id: "notif-telegram-message"}),
      link ? el("p", {id: "notif-telegram-url-line"}, el("a", {href: link, id: "notif-telegram-url",
        target: "_blank", rel: "noopener noreferrer"}, link)) : null]);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const body = {};
      for (const c of CATEGORIES) body[c] = form.elements[c].checked;
      act(panel, "mdr.notifications.telegram.link", body, form);
    });
    return form;
  }

  function draw(panel, view, after) {
    after = after || {};
    KSC.clear(panel);
    panel.append(el("h2", {}, t("tab.notifications")),
      el("p", {class: "hint", id: "notif-recipient"}, t("notifications.whose", {user: view.recipient || ""})),
      ...emailCard(panel, view), telegramCard(panel, view, after.link));
    if (after.message) note(panel.querySelector(after.where === "notif-telegram"
      ? "#notif-telegram-message" : "#notif-email-message"), after.message);
    if (after.error) {
      const form = panel.querySelector("#" + after.where) || panel.querySelector("#notif-email");
      KSC.showError(form, after.error);
    }
  }

  /* Runs an action; the page is drawn again from the view it answers (or, on a refusal, from
   * a fresh view, with the error beside its field in the form it came from). */
  async function act(panel, action, body, form) {
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    const where = form.id;
    try {
      const answer = await KSC.api.call(action, body);
      draw(panel, answer, {message: answer.message, link: answer.link, where});
    } catch (err) {
      let view = null;
      try { view = await KSC.api.call("mdr.notifications.get", {}); } catch (e) { /* shown below */ }
      if (!view) {
        for (const b of form.querySelectorAll("button")) b.disabled = false;
        return KSC.showError(form, err);
      }
      const keep = form.id === "notif-email" ? form.elements.address.value : null;
      draw(panel, view, {error: err, where});
      if (keep !== null) panel.querySelector("#notif-address").value = keep;
    }
  }

  async function render(panel) {
    draw(panel, await KSC.api.call("mdr.notifications.get", {}));
  }

  KSC.defineTab("notifications", {render});
})();
