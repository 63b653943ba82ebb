// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Refresh the publish status while a publish runs.
  const box = document.getElementById("publish-status");
  if (box && box.dataset.running === "yes") setTimeout(() => location.reload(), 1500);
  // A file over the limit is refused here, before the whole form is sent and lost to a 413.
  document.querySelectorAll('input[type="file"]').forEach((input) => {
    const form = input.closest("form");
    const limits = [input.dataset.maxMb, form && form.dataset.uploadMb].filter(Boolean).map(Number);
    if (!limits.length) return;
    const mb = Math.min(...limits);
    const note = document.createElement("p");
    note.className = "error";
    note.hidden = true;
    input.after(note);
    input.addEventListener("change", () => {
      const big = Array.from(input.files).filter((f) => f.size > mb * 1024 * 1024);
      note.hidden = big.length === 0;
      if (big.length) {
        note.textContent = `文件“${big.map((f) => f.name).join("、")}”超过 ${mb} MB，不能上传：请压缩或拆分后再选。`;
        input.value = "";
      }
    });
  });
  // Show conditional fields only when their condition holds.
  document.querySelectorAll("[data-when-field]").forEach((wrap) => {
    const name = wrap.dataset.whenField, want = wrap.dataset.whenEquals;
    const inputs = document.querySelectorAll(`[name="${name}"]`);
    const update = () => {
      let value = "";
      inputs.forEach((i) => { if ((i.type !== "radio" && i.type !== "checkbox") || i.checked) value = i.value; });
      wrap.hidden = want === undefined ? value === "" : value !== want;
    };
    inputs.forEach((i) => i.addEventListener("change", update));
    update();
  });
  // "Add a row" for repeatable groups: copy the last row with fresh indexes.
  document.querySelectorAll("button[data-add-row]").forEach((btn) => {
    btn.addEventListener("click", () => {
      const group = document.getElementById(btn.dataset.addRow);
      const rows = group.querySelectorAll(".group-row");
      const last = rows[rows.length - 1];
      const max = parseInt(group.dataset.maxRows || "99", 10);
      if (!last || rows.length >= max) return;
      const copy = last.cloneNode(true);
      const index = rows.length;
      copy.querySelectorAll("[name]").forEach((el) => {
        el.name = el.name.replace(/-(\d+)-/, `-${index}-`);
        if (el.id) el.id = el.id.replace(/-(\d+)-/, `-${index}-`);
        if (el.type === "checkbox" || el.type === "radio") el.checked = false;
        else if (el.tagName === "SELECT" && el.multiple) Array.from(el.options).forEach((o) => { o.selected = false; });
        else if (el.tagName === "SELECT") el.selectedIndex = 0;
        else el.value = "";
      });
      copy.querySelectorAll("label[for]").forEach((l) => { l.htmlFor = l.htmlFor.replace(/-(\d+)-/, `-${index}-`); });
      copy.querySelectorAll(".field-error").forEach((e) => e.remove());
      last.after(copy);
    });
  });
  // Phones show each table row as a card (app.css): every cell gets its column's name, and the
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
