// taskbox web inbox: progressive enhancement of server-rendered pages.
// Everything works without this file; with it, due times read in the
// browser's zone, forms post without a full reload and leave the page as it
// was (sections shown, ticked rows, scroll), "Show more" appends, filters
// apply as they change, a confirmation with Undo shows at the bottom of the
// window, and the keyboard works the list (press ? on the page).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  // How long the confirmation and its Undo stay: at least 10 s, longer
  // while the pointer or the focus is on it.
  var UNDO_MS = 15000;

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
  // daysAgo and ago keep the rules of due.go.
  function daysAgo(days) {
    if (days >= 365) return plural(Math.floor(days / 365), "year");
    if (days >= 31) return plural(Math.floor(days / 30), "month");
    return plural(days, "day");
  }
  function ago(ms) {
    if (ms >= 864e5) return daysAgo(Math.floor(ms / 864e5));
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
      if (days < 0 && pending) return ["Overdue by " + daysAgo(-days), true];
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

  function $(id) { return document.getElementById(id); }
  function main() { return $("main"); }
  function announce(msg) { var l = $("live"); if (l) l.textContent = msg; }

  // ---- The confirmation at the bottom of the window, with its Undo.
  var toastTimer = 0, toastLeft = 0, toastSince = 0, toastUp = false;
  function showToast(el) {
    var cur = $("toast");
    if (el && cur && el !== cur) { cur.replaceWith(el); cur = el; }
    if (!cur || !cur.querySelector(".flash")) return;
    if (!cur.hasAttribute("data-bound")) {
      cur.setAttribute("data-bound", "");
      cur.addEventListener("mouseenter", pauseToast);
      cur.addEventListener("mouseleave", function () { if (!cur.hidden) armToast(toastLeft); });
      cur.addEventListener("focusin", pauseToast);
    }
    var fresh = !toastUp;
    cur.hidden = false;
    toastUp = true;
    cur.setAttribute("data-undo-ms", String(UNDO_MS));
    keepRoom(cur, fresh);
    armToast(UNDO_MS);
  }
  // keepRoom leaves room at the end of the page for the confirmation while
  // it shows (the stylesheet pads the page and the keyboard's scrolling by
  // --toast-room), and when it comes, on a page other than the inbox's
  // list, scrolls what it would cover (focus mode's "Add note") clear of
  // it. The list is left where the person has it: its rows keep their
  // own margin from the bottom, and the room shows the last of them.
  function keepRoom(t, nudge) {
    var b = t.getBoundingClientRect();
    if (!b.height) return;
    var room = Math.ceil(b.height) + 24, over = 0; // its height, its 1rem from the bottom, and a gap
    document.documentElement.style.setProperty("--toast-room", room + "px");
    if (!nudge || $("results")) return;
    main().querySelectorAll("a, button, input, textarea, select, summary").forEach(function (c) {
      if (c.type === "hidden") return;
      var r = c.getBoundingClientRect();
      if (r.width && r.height && r.bottom > b.top && r.top < b.bottom && r.right > b.left && r.left < b.right) over = Math.max(over, r.bottom - b.top + 8);
    });
    if (over) window.scrollBy(0, Math.min(over, room));
  }
  function armToast(ms) {
    clearTimeout(toastTimer);
    toastLeft = ms; toastSince = Date.now();
    toastTimer = setTimeout(hideToast, ms);
  }
  function pauseToast() { clearTimeout(toastTimer); toastLeft = Math.max(toastLeft - (Date.now() - toastSince), 3000); }
  function hideToast() {
    clearTimeout(toastTimer);
    var t = $("toast");
    if (!t) return;
    if (t.contains(document.activeElement)) { armToast(3000); return; } // never pull it from under the focus
    t.hidden = true;
    toastUp = false;
  }
  // showError puts a failure where it is seen, in the confirmation's place.
  function showError(msg) {
    var t = $("toast");
    if (!t) return;
    t.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash error";
    p.setAttribute("role", "alert");
    p.textContent = msg;
    t.appendChild(p);
    showToast(t);
  }

  // ---- Ticked rows, kept across every change of the page.
  function tickedIDs() {
    return Array.prototype.map.call(document.querySelectorAll("input.sel:checked"), function (c) { return c.value; });
  }
  function retick(ids) {
    ids.forEach(function (id) { var c = $("sel-" + id); if (c) c.checked = true; });
    syncBulk();
  }
  function syncBulk() {
    var n = document.querySelectorAll("input.sel:checked").length, label = $("bulk-n");
    if (label) label.textContent = n === 1 ? "1 task ticked:" : n + " tasks ticked:";
    document.querySelectorAll("input.selall").forEach(function (all) {
      var boxes = sectionBoxes(all), on = boxes.filter(function (c) { return c.checked; }).length;
      all.checked = on > 0 && on === boxes.length;
      all.indeterminate = on > 0 && on < boxes.length;
    });
  }
  function sectionBoxes(all) {
    var sec = all.closest("section");
    return Array.prototype.slice.call(sec ? sec.querySelectorAll("input.sel") : []);
  }

  // shown is the address (path and query, not the fragment) of the list on the page.
  function here() { return location.pathname + location.search; }
  var shown = here();

  // The page's state travels in each form's return field; keep it current
  // after "Show more" changed the page without a reload.
  function setState(url) {
    var u = new URL(url, location.href);
    u.hash = "";
    u.searchParams.delete("sel"); // ticks live in the page, not in its address
    var path = u.pathname + u.search;
    if (path !== here()) history.replaceState(history.state, "", path);
    shown = path;
    document.querySelectorAll("input[name=return]").forEach(function (i) { if (i.value.charAt(0) === "/" && i.value.indexOf("/tasks/") !== 0) i.value = path; });
  }

  // swapMain puts the main of a page's HTML in place of ours, keeping what
  // the person had: ticked rows, scroll, and the focus on the row at hand.
  function swapMain(doc, keep) {
    var next = doc.getElementById("main");
    if (!next) return false;
    main().innerHTML = next.innerHTML;
    document.title = doc.title;
    enhance(main());
    if (keep.ticked) retick(keep.ticked);
    window.scrollTo(0, keep.scrollY);
    var toast = doc.getElementById("toast");
    if (toast && toast.querySelector(".flash")) {
      showToast(document.importNode(toast, true));
      announce(toast.querySelector(".flash").textContent);
    }
    return true;
  }

  function parse(html) { return new DOMParser().parseFromString(html, "text/html"); }

  // A form posts with fetch; the server answers with the page to show
  // (after its redirect). An ended session falls back to a plain post, so
  // the sign-in page keeps what was typed. Deleting asks once, on the
  // server's own page: that post goes as it is.
  function onSubmit(ev) {
    var form = ev.target, btn = ev.submitter;
    if (!form.matches || !form.matches("form[data-js]") || ev.defaultPrevented) return;
    if (btn && btn.name === "action" && btn.value === "delete") return;
    ev.preventDefault();
    // (form.action would be the bulk bar's button named "action".)
    var action = btn && btn.hasAttribute("formaction") ? btn.formAction : form.getAttribute("action") || location.href;
    var row = btn && btn.closest(".task");
    var focusID = btn && btn.name === "focus" && btn.value !== "0" ? "task-" + btn.value : (document.activeElement && document.activeElement.id);
    if (row && !btn.value) focusID = row.id;
    var bulk = form.id === "bulk" && btn && btn.name === "action";
    var keep = { ticked: bulk ? [] : tickedIDs(), scrollY: window.scrollY };
    var body = new URLSearchParams(new FormData(form, btn || undefined));
    var buttons = btn ? [btn] : Array.prototype.slice.call(form.querySelectorAll("button"));
    buttons.forEach(function (b) { b.disabled = true; });
    (row || form).setAttribute("aria-busy", "true");
    fetch(action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (res) {
      if (res.status === 401) { HTMLFormElement.prototype.submit.call(form); return; }
      return res.text().then(function (html) {
        if (!swapMain(parse(html), keep)) throw new Error("no page");
        if (res.redirected && new URL(res.url).pathname === location.pathname) setState(res.url);
        var target = main().querySelector("[aria-invalid=true]") || (focusID && $(focusID)) ||
          main().querySelector("li.task") || main();
        target.focus({ preventScroll: !target.matches("[aria-invalid=true]") });
      });
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      (row || form).removeAttribute("aria-busy");
      showError("The change could not be sent: the server did not answer. Check the connection and try again.");
    });
  }

  // "Show more" shows a page more of a section, in place.
  function showMore(a) {
    var section = a.closest("section"), ticked = tickedIDs(), first = a.hash.slice(1);
    a.setAttribute("aria-busy", "true");
    fetch(a.href, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { location.href = a.href; return; }
      return res.text().then(function (html) {
        var src = parse(html).getElementById(section.id);
        if (!src) { location.href = a.href; return; }
        var fresh = document.importNode(src, true);
        section.replaceWith(fresh);
        enhance(fresh);
        retick(ticked);
        setState(a.href);
        var row = first && $(first);
        if (row) row.focus();
        announce(fresh.querySelectorAll("li.task").length + " tasks shown in " + fresh.querySelector("h2").textContent + ".");
      });
    });
  }

  // ---- Filters apply as they change; Back and Forward show what the URL says.
  var filterTimer = 0;
  function applyFilters(push) {
    var form = $("filters");
    if (!form) return;
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
    var url = "/" + (params.toString() ? "?" + params.toString() : "");
    loadPage(url, push, true);
  }
  // loadPage shows the page at url; keepForm leaves the filter form as
  // it is (the person may still be typing in it).
  function loadPage(url, push, keepForm) {
    fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { location.href = url; return; }
      return res.text().then(function (html) {
        var doc = parse(html);
        if (!doc.getElementById("results")) { location.href = url; return; }
        if (push) history.pushState({ taskbox: true }, "", url);
        shown = here();
        if (keepForm) {
          ["results", "views", "filter-end"].forEach(function (id) {
            var src = doc.getElementById(id), cur = $(id);
            if (src && cur) cur.replaceWith(document.importNode(src, true));
          });
          var ret = doc.querySelector("input[name=return]");
          if (ret) setState(ret.value);
          document.title = doc.title;
          enhance($("results"));
        } else {
          swapMain(doc, { scrollY: 0 });
          openFiltersWhenWide();
        }
        var n = main().querySelectorAll("li.task").length;
        announce(n ? n + " tasks shown." : "No task matches.");
      });
    }).catch(function () { location.href = url; });
  }
  function onFilterInput(ev) {
    if (!ev.target.closest || !ev.target.closest("#filters")) return;
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () { applyFilters(true); }, ev.target.type === "search" ? 350 : 0);
  }
  function openFiltersWhenWide() {
    var d = $("morefilters");
    if (d && window.matchMedia("(min-width: 40rem)").matches) d.open = true;
  }

  function onClick(ev) {
    var t = ev.target;
    if (!t.closest) return;
    closeSnoozeMenus(t.closest("details.snooze"));
    var more = t.closest("a[data-more]");
    if (more) { ev.preventDefault(); showMore(more); return; }
    if (t.closest("[data-dismiss]")) { hideToast(); return; }
    if (t.closest("[data-clear]")) {
      document.querySelectorAll("input.sel:checked").forEach(function (c) { c.checked = false; });
      syncBulk();
      return;
    }
    if (t.closest("[data-keys]")) { openHelp(); return; }
  }

  function onChange(ev) {
    var t = ev.target;
    if (t.matches("input.selall")) {
      sectionBoxes(t).forEach(function (c) { c.checked = t.checked; });
      syncBulk();
      announce(document.querySelectorAll("input.sel:checked").length + " tasks ticked.");
    } else if (t.matches("input.sel")) {
      syncBulk();
    } else if (t.closest("#filters") && t.type !== "search") {
      onFilterInput(ev);
    }
  }

  function openHelp() {
    var d = $("keyhelp");
    if (d && !d.open) d.showModal();
  }

  // ---- Keys. Nothing fires while a person types in a field.
  function typing(t) {
    return t.closest && t.closest("input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button]), textarea, select, [contenteditable]");
  }
  function rows() { return Array.prototype.slice.call(main().querySelectorAll("li.task")); }
  function onKey(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target;
    if (typing(t)) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    if ($("keyhelp") && $("keyhelp").open) return;
    if (ev.key === "Escape" && document.querySelector(".task details.snooze[open]")) {
      var inMenu = t.closest && t.closest(".task details.snooze[open]");
      closeSnoozeMenus(null);
      if (inMenu) { ev.preventDefault(); inMenu.closest("li.task").focus(); }
      return;
    }
    var list = rows(), cur = t.closest ? t.closest("li.task") : null, i = list.indexOf(cur), onRow = cur && t === cur;
    var key = ev.key;
    if (key === "?") { ev.preventDefault(); openHelp(); return; }
    if (key === "/") { var q = $("f-q"); if (q) { ev.preventDefault(); setTimeout(function () { q.focus(); q.select(); }, 0); } return; }
    if (key === "z") { var undo = $("undo"); if (undo && !$("toast").hidden) { ev.preventDefault(); undo.click(); } return; }
    if (key === "c") { var add = $("add"); if (add) { ev.preventDefault(); add.open = true; setTimeout(function () { $("quick-text").focus(); }, 0); } return; }
    if (key === "n") {
      var skip = $("focus-skip") || $("focus-link");
      if (skip) { ev.preventDefault(); location.href = skip.href; }
      return;
    }
    if (key === "x" && $("focus-complete")) { ev.preventDefault(); $("focus-complete").click(); return; }
    if (key === "s" && $("focus-snooze")) { ev.preventDefault(); openSnooze($("focus-snooze").querySelector("summary"), $("focus-snooze")); return; }
    if (!list.length) return;
    if (key === "j" || key === "k" || (onRow && (key === "ArrowDown" || key === "ArrowUp"))) {
      ev.preventDefault();
      var down = key === "j" || key === "ArrowDown";
      i = down ? Math.min(list.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
      list[i].focus();
      return;
    }
    if (!cur) return;
    if (key === "x") {
      ev.preventDefault();
      var check = cur.querySelector("button.check");
      if (check) check.click();
    } else if (key === "Enter" && onRow) {
      ev.preventDefault();
      location.href = cur.getAttribute("data-href");
    } else if (key === "e" && onRow) {
      ev.preventDefault();
      setTimeout(function () { inlineEdit(cur); }, 0);
    } else if (key === "s" && onRow) {
      var menu = cur.querySelector("details.snooze"), un = cur.querySelector("form.unsnooze button");
      if (menu) { ev.preventDefault(); openSnooze(cur, menu); }
      else if (un) { ev.preventDefault(); un.tabIndex = 0; un.focus(); }
    } else if (key === " " && onRow) {
      var box = cur.querySelector("input.sel");
      if (box) { ev.preventDefault(); box.checked = !box.checked; syncBulk(); announce(box.checked ? "Ticked." : "Unticked."); }
    }
  }

  // s opens the snooze menu of the row in focus: its choices take Tab and
  // the arrow keys, Enter snoozes, Escape closes it and goes back to the row.
  function openSnooze(row, menu) {
    var controls = menu.querySelectorAll("form input, form button");
    controls.forEach(function (c) { c.tabIndex = 0; });
    menu.open = true;
    var first = menu.querySelector("input[type=radio]:checked") || menu.querySelector("input[type=radio]");
    if (first) first.focus();
    menu.addEventListener("keydown", function esc(e) {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      menu.removeEventListener("keydown", esc);
      menu.open = false;
      controls.forEach(function (c) { c.tabIndex = -1; });
      row.focus();
    });
  }

  // A row's snooze menu floats over the rows below it: a click or the
  // focus elsewhere (j, k, Tab) closes it (only one is open at a time: the
  // menus share a name), and it scrolls into the window as it opens.
  function closeSnoozeMenus(keep) {
    document.querySelectorAll(".task details.snooze[open]").forEach(function (d) { if (d !== keep) d.open = false; });
  }
  function onToggle(ev) {
    var d = ev.target;
    if (!d.matches || !d.matches(".task details.snooze") || !d.open) return;
    var f = d.querySelector("form");
    if (f) f.scrollIntoView({ block: "nearest" });
  }

  // e edits the due date, priority and assignee of the row in focus, in the row.
  function inlineEdit(row) {
    if (row.querySelector("form.inline")) return;
    var bulk = $("bulk") || $("rowforms"), time = row.querySelector("time.due"), prio = row.querySelector(".prio");
    if (!bulk) return;
    var date = "", clock = "";
    if (time && time.getAttribute("data-allday") === "true") {
      date = time.getAttribute("datetime");
    } else if (time) {
      var d = new Date(time.getAttribute("datetime"));
      date = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
      clock = pad(d.getHours()) + ":" + pad(d.getMinutes());
    }
    var p = ["HIGH", "MEDIUM", "LOW"].filter(function (x) { return prio && prio.classList.contains("prio-" + x); })[0] || "MEDIUM";
    var id = row.getAttribute("data-id"), f = document.createElement("form");
    f.className = "inline";
    f.method = "post";
    f.setAttribute("action", "/tasks/" + id + "/inline");
    f.setAttribute("data-js", "");
    f.innerHTML = '<input type="hidden" name="csrf"><input type="hidden" name="return"><input type="hidden" name="focus">' +
      '<label>Due <input type="date" name="due_date"></label> <input type="time" name="due_time" aria-label="Time (blank: all day)"> ' +
      '<label>Priority <select name="priority"><option value="HIGH">High</option><option value="MEDIUM">Medium</option><option value="LOW">Low</option></select></label> ' +
      '<button class="primary">Save</button> <button type="button" class="link" data-cancel>Cancel</button>';
    f.elements.csrf.value = bulk.querySelector("input[name=csrf]").value;
    f.elements["return"].value = bulk.querySelector("input[name=return]").value;
    f.elements.focus.value = id;
    f.elements.due_date.value = date;
    f.elements.due_time.value = clock;
    f.elements.priority.value = p;
    // the assignee, from the bulk bar's list of members, where there is one
    var members = $("bulk-assignee"), who = row.querySelector("[data-assignee]");
    if (members && who) {
      var label = document.createElement("label"), sel = document.createElement("select");
      label.textContent = "Assignee ";
      sel.name = "assignee";
      Array.prototype.forEach.call(members.options, function (o) { if (o.value) sel.appendChild(o.cloneNode(true)); });
      sel.value = who.getAttribute("data-assignee");
      label.appendChild(sel);
      f.insertBefore(label, f.querySelector("button.primary"));
      f.insertBefore(document.createTextNode(" "), f.querySelector("button.primary"));
    }
    f.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); f.remove(); row.focus(); } });
    f.querySelector("[data-cancel]").addEventListener("click", function () { f.remove(); row.focus(); });
    row.querySelector(".body").appendChild(f);
    f.elements.due_date.focus();
  }

  // One Tab stop per row: the row itself. Its controls stay for the
  // pointer, and the keys above work them.
  function rovingRows(root) {
    root.querySelectorAll("li.task").forEach(function (li) {
      li.tabIndex = 0;
      li.querySelectorAll("a, button, input, select, summary").forEach(function (c) { c.tabIndex = -1; });
    });
  }

  // Suggestions for the lead email: leads whose email starts with what is
  // typed, and the campaigns of the chosen one.
  var leads = {}, timer = 0;
  // Quick add shows how it reads the line (the server reads it, in the
  // zone of the page) before the task is added.
  var quickTimer = 0;
  function onQuickInput(input) {
    clearTimeout(quickTimer);
    var text = input.value;
    quickTimer = setTimeout(function () {
      if (!text.trim()) return;
      fetch("/tasks/parse?text=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (q) {
          if (!q || input.value !== text) return;
          $("quick-preview").textContent = q.preview + ".";
          $("quick-confirmed").value = text;
        }).catch(function () { /* the server shows the reading on submit instead */ });
    }, 200);
  }

  function onInput(ev) {
    var input = ev.target;
    if (input.id === "f-q") { onFilterInput(ev); return; }
    if (input.id === "quick-text") { onQuickInput(input); return; }
    if (input.id !== "add-email") return;
    var select = $("add-lead-map");
    fillCampaigns(select, leads[input.value.toLowerCase()]);
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) return;
    timer = setTimeout(function () {
      fetch("/leads/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : []; })
        .then(function (list) {
          var dl = $("lead-options");
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

  function enhance(root) {
    renderTimes(root);
    rovingRows(root);
    syncBulk();
  }

  function start() {
    enhance(document);
    openFiltersWhenWide();
    showToast();
    // A row named in the address (after a change without the script, or a
    // "Show more" link) takes the focus.
    if (location.hash.indexOf("#task-") === 0 && $(location.hash.slice(1))) $(location.hash.slice(1)).focus();
  }

  syncZone();
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  document.addEventListener("toggle", onToggle, true);
  document.addEventListener("focusin", function (ev) { closeSnoozeMenus(ev.target.closest && ev.target.closest("details.snooze")); });
  document.addEventListener("change", onChange);
  document.addEventListener("keydown", onKey);
  document.addEventListener("input", onInput);
  // Back and Forward between filtered lists show the list the address
  // names; a jump within the page (the section bar's links) only scrolls.
  window.addEventListener("popstate", function () {
    if ($("results") && here() !== shown) { shown = here(); loadPage(location.href, false, false); }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
