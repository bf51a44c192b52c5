/* Workflow designer helpers: no inline handlers (CSP), everything delegated or run on htmx:load.
 * - [data-slug-source] fills the [data-slug-target] of its [data-slug-scope] until that is edited by hand.
 * - [data-type-select] shows the [data-show-for="a b"] parts of its [data-type-scope] for those values.
 * - [data-remove-row] (a field or mapping builder's DELETE checkbox) hides its row.
 * - [data-add-mapping] adds a row to its [data-mapping-builder] from the builder's <template>
 *   (the formset's empty form, __prefix__ replaced by the next index) and counts it in TOTAL_FORMS.
 */
(function () {
  "use strict";

  function slugify(text, separator) {
    var slug = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, separator).replace(new RegExp("^\\" + separator + "+|\\" + separator + "+$", "g"), "");
    if (separator === "_" && slug && !/^[a-z]/.test(slug)) { slug = "f_" + slug; }
    return slug.slice(0, 60);
  }

  function own(scope, selector, attribute) {
    return Array.prototype.filter.call(scope.querySelectorAll(selector), function (element) {
      return element.closest("[" + attribute + "]") === scope;
    });
  }

  function slugTargetFor(source) {
    var scope = source.closest("[data-slug-scope]");
    return scope ? own(scope, "[data-slug-target]", "data-slug-scope")[0] : null;
  }

  function applyTypes(scope) {
    var select = own(scope, "[data-type-select]", "data-type-scope")[0];
    if (!select) { return; }
    own(scope, "[data-show-for]", "data-type-scope").forEach(function (part) {
      part.hidden = part.dataset.showFor.split(" ").indexOf(select.value) === -1;
    });
  }

  function init(root) {
    if (!root.querySelectorAll) { return; }
    var scopes = Array.prototype.slice.call(root.querySelectorAll("[data-type-scope]"));
    if (root.matches && root.matches("[data-type-scope]")) { scopes.push(root); }
    scopes.forEach(applyTypes);
    root.querySelectorAll("[data-slug-source]").forEach(function (source) {
      var target = slugTargetFor(source);
      if (target && target.value && target.value !== slugify(source.value, target.dataset.slugSeparator || "-")) {
        target.dataset.slugTouched = "1";
      }
    });
  }

  document.addEventListener("input", function (event) {
    var element = event.target;
    if (element.matches("[data-slug-target]")) { element.dataset.slugTouched = "1"; }
    if (element.matches("[data-slug-source]")) {
      var target = slugTargetFor(element);
      if (target && !target.dataset.slugTouched) {
        target.value = slugify(element.value, target.dataset.slugSeparator || "-");
      }
    }
  });

  document.addEventListener("change", function (event) {
    var element = event.target;
    if (element.matches("[data-type-select]")) { applyTypes(element.closest("[data-type-scope]")); }
    if (element.matches("[data-remove-row]") && element.checked) {
      element.closest("[data-field-row], [data-mapping-row]").classList.add("d-none");
    }
  });

  function addMappingRow(builder) {
    var template = builder.querySelector("template[data-mapping-template]");
    var rows = builder.querySelector("[data-mapping-rows]");
    var total = builder.querySelector('input[name$="-TOTAL_FORMS"]');
    var most = builder.querySelector('input[name$="-MAX_NUM_FORMS"]');
    if (!template || !rows || !total) { return; }
    var index = parseInt(total.value, 10) || 0;
    if (most && index >= parseInt(most.value, 10)) { return; }
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var row = rows.lastElementChild;
    init(row);
    var first = row.querySelector("input:not([type=hidden]):not([type=checkbox]), select");
    if (first) { first.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-mapping]");
    if (button) { addMappingRow(button.closest("[data-mapping-builder]")); }
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
