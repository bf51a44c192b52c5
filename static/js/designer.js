/* Workflow designer helpers: no inline handlers (CSP), everything delegated or run on htmx:load.
 * - [data-slug-source] fills the [data-slug-target] of its [data-slug-scope] until that is edited by hand.
 * - [data-type-select] shows the [data-show-for="a b"] parts of its [data-type-scope] for those values.
 * - [data-condition-builder]: operator and value show once a variable is chosen (not for "Always");
 *   the value is picked from the variable's choices ([data-choices-for="var"]: a select, or a checkbox
 *   each for "is one of") or typed in the text box. Hidden inputs are disabled, so only the shown one is sent.
 * - [data-remove-row] (a field or mapping builder's DELETE checkbox) hides its row.
 * - [data-add-mapping] adds a row to its [data-mapping-builder] from the builder's <template>
 *   (the formset's empty form, __prefix__ replaced by the next index) and counts it in TOTAL_FORMS;
 *   [data-add-row] does the same for its [data-row-builder] (a table field's columns) with
 *   template[data-row-template] and [data-rows].
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

  function setShown(element, shown) {
    element.hidden = !shown;
    element.querySelectorAll("input, select, textarea").forEach(function (control) {
      control.disabled = !shown;
    });
  }

  function applyCondition(builder) {
    var variable = builder.querySelector("[data-condition-variable]");
    var operator = builder.querySelector("[data-condition-operator]");
    if (!variable || !operator) { return; }
    var chosen = variable.value !== "";
    var op = operator.value || "equals";
    var needsValue = chosen && (builder.dataset.valueOperators || "").split(" ").indexOf(op) !== -1;
    var useChoices = (builder.dataset.choiceOperators || "").split(" ").indexOf(op) !== -1;
    var operatorPart = builder.querySelector('[data-condition-part="operator"]');
    var valuePart = builder.querySelector('[data-condition-part="value"]');
    if (operatorPart) { operatorPart.hidden = !chosen; }
    if (valuePart) { valuePart.hidden = !needsValue; }
    var active = null;
    builder.querySelectorAll("[data-choices-for]").forEach(function (block) {
      var on = needsValue && useChoices && block.dataset.choicesFor === variable.value;
      if (on) { active = block; }
      block.hidden = !on;
      var single = block.querySelector("[data-choice-single]");
      var multiple = block.querySelector("[data-choice-multiple]");
      if (single) { setShown(single, on && op !== "is_one_of"); }
      if (multiple) { setShown(multiple, on && op === "is_one_of"); }
    });
    var text = builder.querySelector("[data-condition-text-box]");
    if (text) { setShown(text, needsValue && !active); }
  }

  function init(root) {
    if (!root.querySelectorAll) { return; }
    var scopes = Array.prototype.slice.call(root.querySelectorAll("[data-type-scope]"));
    if (root.matches && root.matches("[data-type-scope]")) { scopes.push(root); }
    scopes.forEach(applyTypes);
    var builders = Array.prototype.slice.call(root.querySelectorAll("[data-condition-builder]"));
    if (root.matches && root.matches("[data-condition-builder]")) { builders.push(root); }
    builders.forEach(applyCondition);
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
    if (element.matches("[data-condition-variable], [data-condition-operator]")) {
      applyCondition(element.closest("[data-condition-builder]"));
    }
    if (element.matches("[data-remove-row]") && element.checked) {
      element.closest("[data-column-row], [data-field-row], [data-mapping-row]").classList.add("d-none");
    }
  });

  function addRow(builder) {
    var template = builder.querySelector("template[data-mapping-template], template[data-row-template]");
    var rows = builder.querySelector("[data-mapping-rows], [data-rows]");
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
    var button = event.target.closest && event.target.closest("[data-add-mapping], [data-add-row]");
    if (button) { addRow(button.closest("[data-mapping-builder], [data-row-builder]")); }
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
