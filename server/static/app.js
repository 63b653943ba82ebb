// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Refresh the publish status while a publish runs.
  const box = document.getElementById("publish-status");
  if (box && box.dataset.running === "yes") setTimeout(() => location.reload(), 1500);
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
        if (el.tagName === "SELECT") el.selectedIndex = 0; else el.value = "";
      });
      copy.querySelectorAll("label[for]").forEach((l) => { l.htmlFor = l.htmlFor.replace(/-(\d+)-/, `-${index}-`); });
      copy.querySelectorAll(".field-error").forEach((e) => e.remove());
      last.after(copy);
    });
  });
});
