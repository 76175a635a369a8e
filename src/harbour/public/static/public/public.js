/* The public site's one script: quick exit, one entry in the browser's history,
   and the self-check one question per screen on a phone. No framework, no
   network request to another site; every page works without it. */
(function () {
  "use strict";

  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;

  function exitLink() {
    return document.querySelector("[data-quick-exit]");
  }

  // Leave for the neutral site. location.replace() puts it in place of this page
  // in the history, so Back does not return here (GOV.UK's component uses an
  // ordinary navigation, which keeps the page in history). First clear what the
  // page holds: the forms' answers and the page itself.
  function leave() {
    var link = exitLink();
    var target = link ? link.href : "https://weather.gc.ca/";
    Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
    document.title = "";
    if (document.body) {
      document.body.hidden = true;
    }
    window.location.replace(target);
  }

  // Shift pressed three times, each within 5 seconds of the last (as GOV.UK's
  // "Exit this page"). Shift held as a modifier with another key starts again.
  var presses = 0;
  var timer = null;
  function resetPresses() {
    presses = 0;
    if (timer) { window.clearTimeout(timer); timer = null; }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      resetPresses();
      return;
    }
    if (event.repeat) { return; }
    presses += 1;
    var status = document.querySelector("[data-quick-exit-status]");
    if (presses >= SHIFT_PRESSES) {
      resetPresses();
      leave();
      return;
    }
    if (status) {
      status.textContent = presses + " / " + SHIFT_PRESSES;
    }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(resetPresses, SHIFT_WINDOW_MS);
  });

  function isOwnPage(url) {
    return url.origin === window.location.origin && url.pathname.indexOf("/help/") === 0;
  }

  // Clicks: the quick exit leaves; links between the help pages replace the
  // current entry, so the whole visit is one entry in the history and the quick
  // exit removes it all.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) { return; }
    if (link.hasAttribute("data-quick-exit")) {
      event.preventDefault();
      leave();
      return;
    }
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey || event.altKey || link.target || link.hasAttribute("download")) {
      return;
    }
    var url = new URL(link.href, window.location.href);
    if (!isOwnPage(url) || (url.hash && url.pathname === window.location.pathname)) { return; }
    event.preventDefault();
    window.location.replace(url.href);
  });

  // The province and kind-of-help filters (GET forms) replace the entry too.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-replace")) {
      event.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      var url = new URL(form.getAttribute("action") || window.location.pathname, window.location.href);
      url.search = params.toString();
      window.location.replace(url.href);
    } else if (form.hasAttribute("data-selfcheck")) {
      event.preventDefault();
      sendSelfCheck(form);
    }
  });

  // The answers go by POST and the answer page takes the place of the form in
  // this same history entry (no new entry to go Back to, no "resend" prompt).
  function sendSelfCheck(form) {
    var body = new URLSearchParams(new FormData(form));
    window.fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html");
      document.replaceChild(document.adoptNode(next.documentElement), document.documentElement);
      window.scrollTo(0, 0);
      var heading = document.querySelector("[data-focus]") || document.querySelector("h1");
      if (heading) { heading.focus(); }
      setUp();
    }).catch(function () {
      form.submit();
    });
  }

  // One question per screen on a phone: the other questions are hidden, with
  // Next and Previous buttons; the answers stay in one form.
  function setUpSteps(form) {
    if (!window.matchMedia("(max-width: 48em)").matches) { return; }
    var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
    if (questions.length < 2) { return; }
    form.classList.add("stepper");
    var submit = form.querySelector(".submit");
    var progress = document.createElement("p");
    progress.className = "step-progress";
    progress.setAttribute("aria-live", "polite");
    var nav = document.createElement("div");
    nav.className = "step-nav";
    var back = document.createElement("button");
    back.type = "button";
    back.className = "secondary";
    back.textContent = form.getAttribute("data-back");
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = form.getAttribute("data-next");
    nav.appendChild(back);
    nav.appendChild(next);
    form.insertBefore(progress, questions[0]);
    form.insertBefore(nav, submit);
    var current = 0;
    function show(index, moveFocus) {
      current = index;
      questions.forEach(function (question, i) { question.hidden = i !== index; });
      var last = index === questions.length - 1;
      back.hidden = index === 0;
      next.hidden = last;
      submit.hidden = !last;
      progress.textContent = form.getAttribute("data-progress")
        .replace("{n}", String(index + 1)).replace("{total}", String(questions.length));
      if (moveFocus) {
        var legend = questions[index].querySelector("legend");
        questions[index].setAttribute("tabindex", "-1");
        (questions[index].querySelector("input:checked") || questions[index]).focus();
        if (legend) { legend.scrollIntoView({ block: "nearest" }); }
      }
    }
    next.addEventListener("click", function () { show(Math.min(current + 1, questions.length - 1), true); });
    back.addEventListener("click", function () { show(Math.max(current - 1, 0), true); });
    show(0, false);
  }

  function setUp() {
    var form = document.querySelector("form[data-selfcheck]");
    if (form) { setUpSteps(form); }
  }

  // A page restored from the back-forward cache must not show old answers.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
      if (document.body) { document.body.hidden = false; }
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
