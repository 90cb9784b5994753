// The filing forms: a draft kept in this browser (save / restore, never sent anywhere until
// filed), each coded input's name beside it as it is typed or picked, and the error summary
// focused after a refused submission so its links (one per field) are read first.
(function () {
  "use strict";
  var form = document.querySelector("form.filing-form");
  if (!form) { return; }
  var save = document.getElementById("draft-save");
  var restore = document.getElementById("draft-restore");
  var note = document.getElementById("draft-note");
  var key = "tradewindow.draft." + (save ? save.getAttribute("data-draft") : "form");
  var skip = { csrf_token: true, message_guid: true, document_guid: true };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !skip[element.name] && element.type !== "submit";
    });
  }
  function stored() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  if (save && restore && window.localStorage) {
    save.hidden = false;
    restore.hidden = !stored();
    save.addEventListener("click", function () {
      var values = {};
      fields().forEach(function (element) { values[element.name] = element.value; });
      window.localStorage.setItem(key, JSON.stringify(values));
      restore.hidden = false;
      note.textContent = note.getAttribute("data-saved");
    });
    restore.addEventListener("click", function () {
      var values = stored() || {};
      var lines = Object.keys(values).reduce(function (most, name) {
        var found = /^line\.(\d+)\./.exec(name);
        return found ? Math.max(most, Number(found[1])) : most;
      }, 1);
      var add = document.getElementById("add-line");
      var missing = lines - form.querySelectorAll("fieldset.line").length;
      function fill() {
        fields().forEach(function (element) {
          if (Object.prototype.hasOwnProperty.call(values, element.name)) {
            element.value = values[element.name];
            element.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
        note.textContent = note.getAttribute("data-restored");
      }
      if (missing > 0 && add) {
        document.body.addEventListener("htmx:afterSettle", function again() {
          missing -= 1;
          if (missing > 0) { document.getElementById("add-line").click(); return; }
          document.body.removeEventListener("htmx:afterSettle", again);
          fill();
        });
        add.click();
      } else {
        fill();
      }
    });
  }

  function showName(input) {
    var shown = form.querySelector('[data-code-name="' + input.id + '"]');
    var list = input.list;
    if (!shown || !list) { return; }
    var name = "";
    Array.prototype.forEach.call(list.options, function (option) {
      if (option.value === input.value.trim()) { name = option.textContent; }
    });
    shown.textContent = name;
  }
  form.addEventListener("input", function (event) {
    if (event.target.list) { showName(event.target); }
  });
  form.addEventListener("change", function (event) {
    if (event.target.list) { showName(event.target); }
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
