/* Readiness markers, for people's tools and for the browser tests (tests/browser/conftest.py waits for them).
 * Loaded last by base.html, so its listeners run after those of every other script on the page:
 * - <html data-ready="true">: the document's scripts have run and bound their listeners. Set one task after
 *   DOMContentLoaded, when htmx has processed the page and fired its first htmx:load on <body>.
 * - data-ready="true" on an element htmx swapped in: htmx has processed its hx- attributes and the page's
 *   htmx:load handlers (designer.js init) have run on it. htmx does this when the swap settles, not at once.
 */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(function () { document.documentElement.dataset.ready = "true"; }, 0);
  });
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (element.dataset && element !== document.body) { element.dataset.ready = "true"; }
  });
})();
