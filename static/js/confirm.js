/* One way to ask before a destructive action: the Bootstrap dialog in templates/includes/confirm_dialog.html.
 * No inline handlers (CSP) and no window.confirm:
 * - <form data-confirm="Deactivate Dana?"> asks before it is submitted;
 * - an htmx element (hx-post…) with data-confirm asks before its request (htmx:confirm);
 * - data-confirm-button names the dialog's action button (default: the text of the button that was clicked).
 * Going back (the button, Escape, the close cross, a click beside the dialog) does nothing.
 */
(function () {
  "use strict";

  var proceed = null;

  function dialog() { return document.getElementById("confirm-dialog"); }

  function ask(source, button, then) {
    var box = dialog();
    box.querySelector("[data-confirm-message]").textContent = source.dataset.confirm;
    var label = source.dataset.confirmButton || (button && button.textContent.trim()) || "Confirm";
    box.querySelector("[data-confirm-ok]").textContent = label;
    proceed = then;
    window.bootstrap.Modal.getOrCreateInstance(box).show();
  }

  document.addEventListener("click", function (event) {
    var ok = event.target.closest && event.target.closest("#confirm-dialog [data-confirm-ok]");
    if (!ok) { return; }
    var then = proceed;
    proceed = null;
    window.bootstrap.Modal.getOrCreateInstance(dialog()).hide();
    if (then) { then(); }
  });

  document.addEventListener("hidden.bs.modal", function (event) {
    if (event.target === dialog()) { proceed = null; }
  });

  document.addEventListener("shown.bs.modal", function (event) {
    // Going back is the safe default: Enter on the dialog does not destroy anything.
    if (event.target === dialog()) { event.target.querySelector("[data-confirm-cancel]").focus(); }
  });

  var HTMX = "[hx-post], [hx-put], [hx-patch], [hx-delete], [hx-get]";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-confirm]") || form.matches(HTMX) || form.dataset.confirmed) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    ask(form, submitter, function () {
      form.dataset.confirmed = "true";  // only for this one submission
      try {
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      } finally {
        delete form.dataset.confirmed;
      }
    });
  });

  document.addEventListener("htmx:confirm", function (event) {
    var element = event.detail.elt;
    if (!element.dataset || !element.dataset.confirm) { return; }
    event.preventDefault();
    ask(element, element, function () { event.detail.issueRequest(true); });
  });
})();
