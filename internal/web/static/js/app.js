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
