/* Filter forms (data-drop-empty): leave out of the request the fields nobody filled and those left at their
 * default (data-default), so the URL htmx pushes names only the filters in use ("?q=armrests", not
 * "?q=armrests&status=&type=&…") and reads well when shared. */
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form[data-drop-empty]") : null;
    if (!form) { return; }
    var parameters = event.detail.parameters;
    var empty = [];
    (parameters.keys ? Array.from(parameters.keys()) : Object.keys(parameters)).forEach(function (name) {
      var value = parameters.get ? parameters.get(name) : parameters[name];
      var field = form.querySelector("[name='" + name + "'][data-default]");
      if (value === "" || value === null || value === undefined || (field && field.dataset.default === value)) {
        empty.push(name);
      }
    });
    empty.forEach(function (name) { parameters.delete ? parameters.delete(name) : delete parameters[name]; });
  });
})();
