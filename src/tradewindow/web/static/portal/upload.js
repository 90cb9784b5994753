// Uploads each chosen CEB file in turn with its own progress bar; the server answers each
// with an HTML fragment (receipts, or the refusal with its code), shown under the file.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = document.getElementById("upload-files");
  var results = document.getElementById("upload-results");

  function mediaType(name) {
    return /\.json$/i.test(name) ? "application/json" : "application/xml";
  }

  function send(file) {
    return new Promise(function (resolve) {
      var item = document.createElement("li");
      var title = document.createElement("p");
      title.className = "upload__name";
      title.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var outcome = document.createElement("div");
      item.append(title, bar, outcome);
      results.append(item);
      var request = new XMLHttpRequest();
      request.open("POST", "/portal/upload");
      request.setRequestHeader("Content-Type", mediaType(file.name));
      request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
      request.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      };
      request.onload = function () {
        bar.value = 100;
        item.dataset.status = String(request.status);
        outcome.innerHTML = request.responseText; // the server's own escaped fragment
        resolve();
      };
      request.onerror = function () {
        item.dataset.status = "error";
        outcome.textContent = form.dataset.failed;
        resolve();
      };
      request.send(file);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files || []);
    files.reduce(function (done, file) {
      return done.then(function () { return send(file); });
    }, Promise.resolve()).then(function () {
      results.dataset.done = String(files.length);
    });
  });
})();
