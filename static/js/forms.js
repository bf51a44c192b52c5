/* Table fields of ticket and task forms (workflow_ops.forms.TableWidget); no inline handlers (CSP).
 * - [data-add-table-row] appends a row to its [data-table-field] from the table's <template>
 *   (__row__ becomes the next unused index, so names stay unique after removals);
 * - [data-remove-table-row] removes its row.
 * The server reads whatever rows are posted, by index, and leaves blank rows out. After each change
 * the cells' labels are renumbered ("Item, row 2") and "Add a row" is disabled at the table's most rows.
 * includes/form_fields.html loads this file with each form that has a table; an htmx swap may load it again.
 */
(function () {
  "use strict";
  if (window.ticketflowerTableFields) { return; }
  window.ticketflowerTableFields = true;

  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelector("[data-table-rows]").children);
  }

  function refresh(table) {
    var rows = rowsOf(table);
    rows.forEach(function (row, position) {
      row.querySelectorAll("[data-cell]").forEach(function (cell) {
        cell.setAttribute("aria-label", cell.dataset.cell + ", row " + (position + 1));
      });
      var remove = row.querySelector("[data-remove-table-row]");
      if (remove) { remove.setAttribute("aria-label", "Remove row " + (position + 1)); }
    });
    var add = table.querySelector("[data-add-table-row]");
    if (add) { add.disabled = rows.length >= (parseInt(table.dataset.maxRows, 10) || Infinity); }
  }

  function addRow(table) {
    var template = table.querySelector("template[data-table-template]");
    var index = parseInt(table.dataset.nextIndex, 10) || 0;
    table.dataset.nextIndex = String(index + 1);
    var html = template.innerHTML.replace(/__row__/g, String(index)).replace(/__number__/g, "");
    table.querySelector("[data-table-rows]").insertAdjacentHTML("beforeend", html);
    refresh(table);
    var rows = rowsOf(table);
    var first = rows[rows.length - 1].querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    var add = event.target.closest("[data-add-table-row]");
    if (add) { addRow(add.closest("[data-table-field]")); return; }
    var remove = event.target.closest("[data-remove-table-row]");
    if (remove) {
      var table = remove.closest("[data-table-field]");
      remove.closest("[data-table-row]").remove();
      refresh(table);
      table.querySelector("[data-add-table-row]").focus();
    }
  });

  function refreshAll(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("[data-table-field]").forEach(refresh);
  }
  document.addEventListener("DOMContentLoaded", function () { refreshAll(document); });
  document.addEventListener("htmx:load", function (event) { refreshAll(event.detail.elt); });
})();
