// taskbox web inbox: progressive enhancement of server-rendered pages.
// Everything works without this file; with it, due times read in the
// browser's zone, forms post without a full reload, "Show more" appends,
// lead emails are suggested as you type, and j/k/x work the list.
(function () {
  "use strict";
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // The server puts tasks in sections by the zone cookie; keep it current.
  function syncZone() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    var m = document.cookie.match(/(?:^|; )tz=([^;]*)/);
    var had = m ? m[1] : "";
    // IANA names are letters, digits, "/", "_", "-" and "+": cookie-safe as they are.
    if (!zone || had === zone || !/^[A-Za-z0-9\/_+-]+$/.test(zone)) return;
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    // Re-render once in the right zone (not in a loop if cookies are off).
    if (document.querySelector("[data-zone]") && sessionStorage.getItem("tz-reload") !== zone) {
      sessionStorage.setItem("tz-reload", zone);
      location.reload();
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function plural(n, unit) { return n + " " + unit + (n === 1 ? "" : "s"); }
  function ago(ms) {
    if (ms >= 48 * 36e5) return plural(Math.floor(ms / 864e5), "day");
    if (ms >= 36e5) return plural(Math.floor(ms / 36e5), "hour");
    return plural(Math.max(1, Math.floor(ms / 6e4)), "minute");
  }
  // dayName is "Tue 16 Dec" (with the year when not this year); utc reads
  // the date of an all-day task, stored as midnight UTC.
  function dayName(d, utc, now) {
    var y = utc ? d.getUTCFullYear() : d.getFullYear();
    var s = DAYS[utc ? d.getUTCDay() : d.getDay()] + " " + (utc ? d.getUTCDate() : d.getDate()) + " " +
      MONTHS[utc ? d.getUTCMonth() : d.getMonth()];
    return y === now.getFullYear() ? s : s + " " + y;
  }
  function localDay(d) { return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()); }

  // dueLabel keeps the rules of dueLabel in due.go.
  function dueLabel(el, now) {
    var iso = el.getAttribute("datetime"), pending = el.getAttribute("data-status") === "pending";
    if (el.getAttribute("data-allday") === "true") {
      var p = iso.split("-"), due = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]));
      var days = Math.round((due.getTime() - localDay(now)) / 864e5);
      if (days < 0 && pending) return ["Overdue by " + plural(-days, "day"), true];
      if (days === 0) return ["Today", false];
      if (days === 1) return ["Tomorrow", false];
      return [dayName(due, true, now), false];
    }
    var d = new Date(iso);
    if (isNaN(d)) return [el.textContent, false];
    var clock = pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (d < now && pending) return ["Overdue by " + ago(now - d), true];
    var diff = Math.round((localDay(d) - localDay(now)) / 864e5);
    if (diff === 0) return ["Today " + clock, false];
    if (diff === 1) return ["Tomorrow " + clock, false];
    return [dayName(d, false, now) + " " + clock, false];
  }

  function renderTimes(root) {
    var now = new Date();
    root.querySelectorAll("time.due[datetime]").forEach(function (el) {
      var l = dueLabel(el, now);
      el.textContent = l[0];
      el.title = el.getAttribute("datetime");
      el.classList.toggle("overdue", l[1]);
    });
    root.querySelectorAll("time[data-abs]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.textContent = dayName(d, false, now) + " " + d.getFullYear() + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
    });
    root.querySelectorAll("[data-zone]").forEach(function (el) {
      try { el.textContent = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* keep */ }
    });
  }

  function main() { return document.getElementById("main"); }
  function announce(msg) { var l = document.getElementById("live"); if (l) l.textContent = msg; }
  // showError puts a failure where it is seen, at the top of the page.
  function showError(msg) {
    var p = main().querySelector(".flash");
    if (!p) { p = document.createElement("p"); main().insertBefore(p, main().firstChild); }
    p.className = "flash error";
    p.setAttribute("role", "alert");
    p.textContent = msg;
  }

  // swap puts the main of a page's HTML in place of ours.
  function swap(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("main");
    if (!next) return false;
    main().innerHTML = next.innerHTML;
    document.title = doc.title;
    if (url && url !== location.href) history.replaceState(null, "", url);
    enhance();
    var flash = main().querySelector(".flash");
    if (flash) announce(flash.textContent);
    return true;
  }

  // A form posts with fetch; the server answers with the page to show
  // (after its redirect). An ended session falls back to a plain post, so
  // the sign-in page keeps what was typed.
  function onSubmit(ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[data-js]") || ev.defaultPrevented) return;
    ev.preventDefault();
    var row = form.closest(".task");
    var nextFocus = row && (row.nextElementSibling || row.previousElementSibling);
    var nextID = nextFocus && nextFocus.id;
    var focusID = document.activeElement && document.activeElement.id;
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (res) {
      if (res.status === 401) { HTMLFormElement.prototype.submit.call(form); return; }
      return res.text().then(function (html) {
        if (!swap(html, res.url)) { throw new Error("no page"); }
        var target = (nextID && document.getElementById(nextID)) ||
          (row && document.getElementById(row.id)) || (focusID && document.getElementById(focusID)) ||
          main().querySelector("[aria-invalid=true]") || main();
        target.focus();
      });
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      form.removeAttribute("aria-busy");
      showError("The change could not be sent: the server did not answer. Check the connection and try again.");
    });
  }

  // "Show more" appends the next page of a section.
  function onClick(ev) {
    var a = ev.target.closest && ev.target.closest("a[data-more]");
    if (!a) return;
    ev.preventDefault();
    var section = a.closest("section");
    fetch(a.href, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { location.href = a.href; return; }
      return res.text().then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var src = doc.getElementById(section.id);
        if (!src) { location.href = a.href; return; }
        var list = section.querySelector("ul.tasks"), rows = src.querySelectorAll("li.task");
        var first = rows[0] && rows[0].id;
        rows.forEach(function (li) { list.appendChild(document.importNode(li, true)); });
        var bar = section.querySelector(".morebar"), nbar = src.querySelector(".morebar");
        if (nbar) bar.replaceWith(document.importNode(nbar, true)); else bar.remove();
        renderTimes(section);
        if (first) document.getElementById(first).focus();
        announce(rows.length + " more tasks shown.");
      });
    });
  }

  // Keys: j/k move between rows, x completes or reopens the row in focus.
  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable]")) return;
    var rows = Array.prototype.slice.call(main().querySelectorAll("li.task"));
    if (!rows.length) return;
    var cur = t.closest ? t.closest("li.task") : null, i = rows.indexOf(cur);
    if (ev.key === "j" || ev.key === "k") {
      ev.preventDefault();
      i = ev.key === "j" ? Math.min(rows.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
      rows[i].focus();
    } else if (ev.key === "x" && cur) {
      ev.preventDefault();
      var f = cur.querySelector("form.toggle");
      if (f) f.requestSubmit();
    }
  }

  // Suggestions for the lead email: leads whose email starts with what is
  // typed, and the campaigns of the chosen one.
  var leads = {}, timer = 0;
  function onInput(ev) {
    var input = ev.target;
    if (input.id !== "add-email") return;
    var select = document.getElementById("add-lead-map");
    fillCampaigns(select, leads[input.value.toLowerCase()]);
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) return;
    timer = setTimeout(function () {
      fetch("/leads/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : []; })
        .then(function (list) {
          var dl = document.getElementById("lead-options");
          if (!dl) return;
          dl.textContent = "";
          list.forEach(function (l) {
            leads[l.email.toLowerCase()] = l.lead_maps;
            var o = document.createElement("option");
            o.value = l.email;
            o.label = [l.name, l.company].filter(Boolean).join(" · ") || l.email;
            dl.appendChild(o);
          });
          fillCampaigns(select, leads[input.value.toLowerCase()]);
        }).catch(function () { /* suggestions are a help only */ });
    }, 120);
  }
  function fillCampaigns(select, maps) {
    if (!select) return;
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    (maps || []).forEach(function (m) {
      var o = document.createElement("option");
      o.value = m.id; o.textContent = m.campaign;
      select.appendChild(o);
    });
    if (maps && maps.length) select.value = maps.some(function (m) { return String(m.id) === keep; }) ? keep : String(maps[0].id);
  }

  function enhance() { renderTimes(document); }

  syncZone();
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKey);
  document.addEventListener("input", onInput);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance); else enhance();
})();
