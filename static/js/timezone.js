/* Signup: send the browser's time zone, so a new company shows times as its people read them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
    document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
      if (!input.value) { input.value = zone; }
    });
  });
})();
