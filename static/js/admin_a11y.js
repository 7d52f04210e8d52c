// Accessible names for markup the Django admin and django-treebeard build in the browser
// (axe: `link-name`, `label`, `aria-prohibited-attr`). Loaded on every admin page by
// templates/admin/base_site.html; it only adds attributes.
(function () {
  "use strict";

  // The words it adds come translated from the <script> tag's data attributes.
  const words = (document.currentScript && document.currentScript.dataset) || {};

  function label() {
    // django-treebeard's expand/collapse arrows are empty links.
    document.querySelectorAll("a.treebeard-collapse:not([aria-label])").forEach(function (link) {
      link.setAttribute("aria-label", link.title || words.expandLabel || "Expand or collapse");
    });
    // SelectFilter2 (filter_horizontal) puts aria-label on a plain <span> icon.
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // A split date/time field: "Date:" and "Time:" are text beside the inputs, not labels.
    document.querySelectorAll("p.datetime").forEach(function (row) {
      const field = row.closest(".form-row, .fieldBox");
      const name = field && field.querySelector("label");
      const inputs = row.querySelectorAll("input[type=text]");
      const parts = [words.dateLabel || "date", words.timeLabel || "time"];
      inputs.forEach(function (input, index) {
        if (!input.hasAttribute("aria-label") && name && parts[index]) {
          input.setAttribute("aria-label", name.textContent.replace(/:\s*$/, "") + ": " + parts[index]);
        }
      });
    });
  }

  window.addEventListener("load", function () {
    setTimeout(label, 0); // after the admin's own load handlers built their widgets
  });
})();
