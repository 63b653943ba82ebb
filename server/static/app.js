// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Actions that cannot be taken back ask first (deactivate an account, reset its password).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
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
      // The fresh row is neither wrong nor a twin: no error marks, its own ids, references that follow them.
      copy.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
      copy.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
      copy.querySelectorAll("[id]").forEach((el) => { el.id = el.id.replace(/-(\d+)-/, `-${index}-`); });
      copy.querySelectorAll("[aria-describedby], [aria-labelledby]").forEach((el) => {
        ["aria-describedby", "aria-labelledby"].forEach((attr) => {
          if (!el.hasAttribute(attr)) return;
          const ids = el.getAttribute(attr).split(/\s+/).map((id) => id.replace(/-(\d+)-/, `-${index}-`))
            .filter((id) => copy.querySelector(`#${CSS.escape(id)}`));
          if (ids.length) el.setAttribute(attr, ids.join(" ")); else el.removeAttribute(attr);
        });
      });
      const number = copy.querySelector(":scope > .hint");
      if (number) number.textContent = `第 ${index + 1} 行`;
      last.after(copy);
    });
  });
});
