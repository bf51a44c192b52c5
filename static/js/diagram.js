/* Workflow diagrams (workflow_design/diagram.py writes the Mermaid text into .diagram-box[data-diagram] > pre.mermaid).
 * Mermaid is 3.5 MB of script: only the pages that show a diagram include this file, and it fetches Mermaid
 * (the URL is its own data-mermaid-src) only after the page has loaded and is ready, and only once a diagram
 * is in or near view. Until then the page works and the box says that the diagram is being drawn.
 * - Diagrams that htmx swaps in (the editor after each change) are drawn the same way.
 * - A drawn box gets data-drawn="true"; the drawing keeps a legible size (never below MIN_SCALE of Mermaid's)
 *   and the box scrolls when the drawing is wider (data-wide: it says so, and the mouse can drag it), instead
 *   of the text shrinking to fit a phone.
 */
(function () {
  "use strict";

  var MIN_SCALE = 0.8; // 14 px text never gets smaller than 11.2 px
  var MERMAID = {
    startOnLoad: false,
    securityLevel: "strict",
    themeVariables: { fontSize: "14px" },
    flowchart: { useMaxWidth: false, htmlLabels: true, wrappingWidth: 150, nodeSpacing: 24, rankSpacing: 32, padding: 6 },
  };
  var script = document.currentScript;
  var source = script.dataset.mermaidSrc;
  var nonce = script.nonce;
  var loading = null;
  var drawing = Promise.resolve();

  function loadMermaid() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.nonce = nonce;
        tag.onload = function () {
          window.mermaid.initialize(MERMAID);
          resolve(window.mermaid);
        };
        tag.onerror = function () { reject(new Error("Mermaid did not load")); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function fit(box) {
    var svg = box.querySelector("pre.mermaid svg");
    var view = svg && svg.viewBox && svg.viewBox.baseVal;
    if (!view || !view.width) { return; }
    var style = window.getComputedStyle(box);
    var room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    var scale = Math.max(Math.min(1, room / view.width), MIN_SCALE);
    svg.style.width = Math.round(view.width * scale) + "px";
    svg.style.height = Math.round(view.height * scale) + "px";
    // A drawing wider than its box says so, and can be dragged (pan) as well as scrolled.
    box.toggleAttribute("data-wide", view.width * scale > room + 1);
    // Start sits at the top middle: show the middle of a drawing wider than its box.
    box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
  }

  // Drag a wide drawing with the mouse (fingers scroll it natively).
  var drag = null;
  document.addEventListener("pointerdown", function (event) {
    var box = event.pointerType === "mouse" && event.button === 0 && event.target.closest("[data-diagram][data-wide]");
    if (!box) { return; }
    drag = { box: box, x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
    box.classList.add("dragging");
    event.preventDefault();
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    drag.box.scrollLeft = drag.left - (event.clientX - drag.x);
  });
  document.addEventListener("pointerup", function () {
    if (drag) { drag.box.classList.remove("dragging"); drag = null; }
  });

  function draw(box) {
    // One drawing at a time: Mermaid renders in a shared scratch element.
    drawing = drawing.then(loadMermaid).then(function (mermaid) {
      var pre = box.querySelector("pre.mermaid:not([data-processed])");
      if (!pre || !box.isConnected) { return null; }
      return mermaid.run({ nodes: [pre] }).then(function () {
        fit(box);
        box.dataset.drawn = "true";
      });
    }).catch(function () {
      box.dataset.drawn = "failed";
    });
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "200px" }) : null;

  function watch(root) {
    if (!root.querySelectorAll) { return; }
    var boxes = Array.prototype.slice.call(root.querySelectorAll("[data-diagram]"));
    if (root.matches && root.matches("[data-diagram]")) { boxes.push(root); }
    boxes.forEach(function (box) {
      if (box.dataset.watched) { return; }
      box.dataset.watched = "true";
      if (observer) { observer.observe(box); } else { draw(box); }
    });
  }

  var loaded = false;
  window.addEventListener("load", function () {
    loaded = true;
    watch(document);
  });
  // Before the page's load event, watch(document) above finds the swapped-in diagrams as well.
  document.addEventListener("htmx:load", function (event) { if (loaded) { watch(event.detail.elt); } });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-diagram][data-drawn=true]").forEach(fit);
  });
})();
