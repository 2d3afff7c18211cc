// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Bring keyboard and screen-reader users to the error summary of a form.
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
  // Steppers: − and + buttons beside a number input (the input works alone).
  document.querySelectorAll("button.step[data-target]").forEach(function (b) {
    b.addEventListener("click", function () {
      var input = document.getElementById(b.getAttribute("data-target"));
      if (!input) { return; }
      var v = parseInt(input.value, 10);
      if (isNaN(v)) { v = 0; }
      v += parseInt(b.getAttribute("data-step"), 10);
      var lo = parseInt(input.getAttribute("min") || "0", 10), hi = parseInt(input.getAttribute("max") || "500", 10);
      input.value = String(Math.min(hi, Math.max(lo, v)));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
  // A declaration form shows the fields of the kind chosen only (weekdays
  // for sequential reception, profession for staff); hidden ones are
  // disabled so that they send nothing.
  document.querySelectorAll("select[data-kind-switch]").forEach(function (sel) {
    var form = sel.form;
    var sync = function () {
      form.querySelectorAll("[data-kinds]").forEach(function (el) {
        var shown = el.getAttribute("data-kinds").split(" ").indexOf(sel.value) >= 0;
        el.hidden = !shown;
        el.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !shown; });
      });
    };
    sel.addEventListener("change", sync);
    sync();
  });
  // A "copy" button beside a secret shown once (a calendar link): shown
  // only where the script runs; the text stays selectable without it.
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    var el = document.getElementById(b.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) { return; }
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = "Lien copié"; });
    });
  });
  // Ask before destructive actions marked data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});

// surveys: a question shown only for some earlier answers (data-show-if
// names the earlier question's inputs, data-show-values the answers, one
// a line); hidden ones are disabled so that they send nothing (the server
// ignores them too). In the builder, a condition's values show for the
// question chosen. Without the script every question shows, with its
// condition written beside it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-survey]").forEach(function (form) {
    var sync = function () {
      form.querySelectorAll("[data-show-if]").forEach(function (q) {
        var want = q.getAttribute("data-show-values").split("\n"), on = false;
        form.querySelectorAll("[name='" + q.getAttribute("data-show-if") + "']").forEach(function (i) {
          var picked = (i.type === "radio" || i.type === "checkbox") ? i.checked : true;
          if (!i.disabled && picked && want.indexOf(i.value) >= 0) { on = true; }
        });
        q.hidden = !on;
        q.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !on; });
      });
    };
    form.addEventListener("change", sync);
    sync();
  });
  document.querySelectorAll("select[data-cond-switch]").forEach(function (sel) {
    var sync = function () {
      sel.form.querySelectorAll("[data-cond-for]").forEach(function (g) { g.hidden = g.getAttribute("data-cond-for") !== sel.value; });
    };
    sel.addEventListener("change", sync);
    sync();
  });
  var preview = document.querySelector(".survey-preview");
  if (preview && !document.getElementById("form-errors")) { preview.focus(); }
});
