// Haven editor: checks as you type, Markdown preview, preview reload. The forms work without it.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  var live = document.getElementById("live-check");
  var summary = document.getElementById("error-summary");
  var list = document.getElementById("error-list");
  var timer = null;
  var asked = 0;

  function encoded(f) {
    return new URLSearchParams(new FormData(f)).toString();
  }

  function showProblems(problems) {
    var fields = form.querySelectorAll("[aria-invalid=true]");
    fields.forEach(function (el) { el.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    list.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      if (p.field) {
        var a = document.createElement("a");
        a.href = "#" + p.field;
        a.textContent = p.text;
        li.appendChild(a);
        var el = document.getElementById(p.field);
        var box = document.getElementById(p.field + "-error");
        if (el) { el.setAttribute("aria-invalid", "true"); }
        if (box) {
          var line = document.createElement("p");
          line.textContent = p.text;
          box.appendChild(line);
        }
      } else {
        li.textContent = p.text;
      }
      list.appendChild(li);
    });
    summary.hidden = problems.length === 0;
    live.textContent = problems.length === 0 ? live.getAttribute("data-ok") :
      live.getAttribute("data-problems").replace("{count}", String(problems.length));
  }

  function checkNow() {
    var n = ++asked;
    fetch("/api/check", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: encoded(form) })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (n === asked) { showProblems(data.problems); } })
      .catch(function () {});
  }

  if (form) {
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(checkNow, 400);
    });
  }
  if (summary && !summary.hidden) { summary.focus(); }
  // A problem's link takes the keyboard to its field, not only the view.
  if (list) {
    list.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (target && target.focus) { event.preventDefault(); target.focus(); }
    });
  }

  var body = document.getElementById("f-body");
  var rendered = document.getElementById("md-preview");
  var mdTimer = null;
  function renderMarkdown() {
    fetch("/api/markdown", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ text: body.value }).toString() })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        // The server renders with Haven's own Markdown setup, raw HTML off: no markup of the author's runs.
        var doc = new DOMParser().parseFromString(data.html, "text/html");
        rendered.replaceChildren.apply(rendered, Array.prototype.slice.call(doc.body.childNodes));
      })
      .catch(function () {});
  }
  if (body && rendered) {
    renderMarkdown();
    body.addEventListener("input", function () {
      clearTimeout(mdTimer);
      mdTimer = setTimeout(renderMarkdown, 300);
    });
  }

  var frame = document.getElementById("preview");
  var state = document.getElementById("preview-state");
  var seen = frame ? Number(frame.getAttribute("data-version")) : null;
  function poll() {
    fetch("/api/preview", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seen !== null && data.version !== seen && frame) {
          frame.contentWindow.location.reload();
          frame.setAttribute("data-version", String(data.version));
        }
        seen = data.version;
        if (state) {
          var text = data.building ? state.getAttribute("data-building") :
            (data.error ? state.getAttribute("data-failed") : "");
          if (state.textContent !== text) { state.textContent = text; }
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 1000); });
  }
  if (frame) { poll(); }
}());
