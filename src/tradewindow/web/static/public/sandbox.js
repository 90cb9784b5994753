// The sandbox's drop zone: files dropped on it become the file input's files (the input,
// a label's child, stays the keyboard's way in), and their names are listed.
(function () {
  "use strict";
  function listChosen(input, out) {
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    out.textContent = names.join(", ");
  }
  function wire(zone) {
    var input = zone.querySelector("input[type=file]");
    var out = zone.querySelector("[data-chosen]");
    if (!input || !out) { return; }
    input.addEventListener("change", function () { listChosen(input, out); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        listChosen(input, out);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dropzone]").forEach(wire);
  });
  // the report takes the focus once it is in (here, not in hx-on: the CSP allows no eval)
  document.addEventListener("htmx:afterRequest", function (event) {
    var report = document.getElementById("sandbox-report");
    if (report && event.target.classList.contains("sandbox-form")
        && (event.detail.successful || event.detail.xhr.status >= 400)) {
      report.focus();
    }
  });
})();
