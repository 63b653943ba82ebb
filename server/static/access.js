// Accessibility and phones, on every app page (base.html); every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Phones show each table row as a card (access.css): every cell gets its column's name, and the
  // table keeps its table roles, which a block display would drop for screen readers.
  document.querySelectorAll("main table").forEach((table) => {
    const names = Array.from(table.querySelectorAll(":scope > thead th")).map((th) => th.textContent.trim());
    if (!names.length || !table.tBodies.length) return;
    table.setAttribute("role", "table");
    table.setAttribute("data-cards", "");
    table.querySelectorAll(":scope > thead, :scope > tbody").forEach((g) => g.setAttribute("role", "rowgroup"));
    Array.from(table.rows).forEach((row) => {
      row.setAttribute("role", "row");
      Array.from(row.cells).forEach((cell, i) => {
        cell.setAttribute("role", cell.tagName === "TH" ? (row.parentElement.tagName === "THEAD" ? "columnheader" : "rowheader") : "cell");
        if (cell.tagName === "TD" && names[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[i]);
      });
    });
  });
  // Errors written by a page's own markup (not the shared field macro) are tied to their fields too:
  // the fields of the same block name them in aria-describedby and say they are invalid.
  document.querySelectorAll(".field-error").forEach((error, n) => {
    if (!error.id) error.id = `xt-error-${n}`;
    if (document.querySelector(`[aria-describedby~="${CSS.escape(error.id)}"]`)) return;
    const block = error.closest(".field, .has-error, fieldset");
    if (!block) return;
    const single = block.classList.contains("field");  // a whole group's error does not make each row invalid
    block.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
      const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      control.setAttribute("aria-describedby", [...ids, error.id].join(" "));
      if (single && control.type !== "checkbox" && control.type !== "radio") control.setAttribute("aria-invalid", "true");
    });
  });
  // A form sent back with errors: the summary at its top lists each error as a link to its field
  // and takes the focus, so keyboard and screen-reader users start where the work is.
  const summary = document.querySelector("main > .warning[role=alert]");
  const errors = Array.from(document.querySelectorAll(".field-error"));
  if (summary && errors.length) {
    const list = document.createElement("ul");
    errors.forEach((error) => {
      const block = error.closest(".field, .group, fieldset");
      const control = block && block.querySelector("input:not([type=hidden]), select, textarea");
      const label = block && block.querySelector("label, h2, legend");
      if (!control || !control.id) return;
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#${control.id}`;
      link.textContent = error.textContent.trim();
      if (label && !link.textContent.includes(label.textContent.trim().replace(/\s*\*$/, ""))) {
        link.textContent = `${label.textContent.trim().replace(/\s*\*$/, "")}：${link.textContent}`;
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    if (list.children.length) summary.appendChild(list);
    summary.tabIndex = -1;
    summary.focus();
  }
});
