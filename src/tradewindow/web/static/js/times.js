// Moments in the reader's own time zone and language. The server writes each <time
// data-local datetime="…"> in China time (UTC+8, every GBA city's); where the browser keeps
// another zone, the text is rewritten in it, and the zone is named.
(function () {
  "use strict";
  function localise(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var offset = -new Date().getTimezoneOffset();
    if (offset === 480) { return; } // already China time
    var language = document.documentElement.lang || "en";
    var format = new Intl.DateTimeFormat(language, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hour12: false, timeZoneName: "short"
    });
    root.querySelectorAll("time[data-local]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (!isNaN(moment.getTime())) {
        element.textContent = format.format(moment);
        element.title = zone;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
  document.addEventListener("htmx:afterSwap", function (event) { localise(event.target); });
})();
