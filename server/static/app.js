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
  // A searchable list: typing part of a name or number narrows the options, shown open below.
  const searchable = (select) => {
    const what = select.dataset.search;
    const box = document.createElement("input");
    box.type = "search";
    box.className = "search-box";
    box.id = `${select.id}-search`;
    box.placeholder = `输入${what}名称或编号的一部分查找`;
    box.setAttribute("aria-label", `查找${what}`);
    box.autocomplete = "off";
    select.before(box);
    const count = document.createElement("span");
    count.className = "hint search-count";
    box.after(count);
    const none = select.parentElement.querySelector(".search-none");
    const filter = () => {
      const words = box.value.trim().toLowerCase();
      const hits = [];
      Array.from(select.options).forEach((o) => {
        if (!o.value) return; // the "please choose" line stays
        const hit = !words || o.text.toLowerCase().includes(words);
        o.hidden = !hit;
        o.disabled = !hit;
        if (hit) hits.push(o);
      });
      if (select.selectedOptions.length && select.selectedOptions[0].disabled) select.value = "";
      if (words && hits.length === 1 && select.value !== hits[0].value) {
        select.value = hits[0].value;
        select.dispatchEvent(new Event("change"));
      }
      // With words typed the matches stay open as a list to click; without, a plain drop-down again.
      select.size = words && hits.length > 1 ? Math.min(hits.length + 1, 8) : 0;
      count.textContent = words ? ` 找到 ${hits.length} 个` : "";
      if (none) none.hidden = !(words && hits.length === 0);
    };
    box.addEventListener("input", filter);
    box.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault(); // Enter picks the first match instead of sending the form
      const first = Array.from(select.options).find((o) => o.value && !o.hidden);
      if (first) {
        select.value = first.value;
        select.dispatchEvent(new Event("change"));
      }
    });
  };
  document.querySelectorAll("select[data-search]").forEach(searchable);
  // Material for a meeting: warn at once when the project chosen is not on the meeting's plan.
  document.querySelectorAll("select[data-plan]").forEach((select) => {
    const plan = select.dataset.plan.split(" ").filter(Boolean);
    const note = document.getElementById(`${select.id}-plan-warning`);
    if (!note) return;
    const update = () => { note.hidden = !select.value || plan.includes(select.value); };
    select.addEventListener("change", update);
    update();
  });
  // Searchable lists of ticks: a filter box above the list, and what is ticked said below it.
  function ticks(box) {
    const filter = box.querySelector("[data-ticks-filter]");
    const said = box.querySelector("[data-ticks-chosen]");
    const labels = Array.from(box.querySelectorAll("label"));
    const show = () => {
      const q = filter.value.trim().toLowerCase();
      labels.forEach((l) => {
        const input = l.querySelector("input");
        l.hidden = q !== "" && !input.checked && !(l.textContent + " " + input.value).toLowerCase().includes(q);
      });
    };
    const tell = () => {
      const chosen = labels.filter((l) => l.querySelector("input").checked).map((l) => l.textContent.trim());
      said.hidden = false;
      said.textContent = chosen.length ? `已选 ${chosen.length} 项：${chosen.join("、")}` : "尚未选择。";
    };
    filter.hidden = false;
    filter.oninput = show;
    filter.onkeydown = (e) => { if (e.key === "Enter") e.preventDefault(); };  // Enter filters; it must not send the form
    box.onchange = tell;
    show();
    tell();
  }
  document.querySelectorAll("[data-ticks]").forEach(ticks);
  // A monthly report's fields stay marked while they still say what last month's report said.
  const same = (a, b) => a.split(/\s+/).join(" ").trim() === b.split(/\s+/).join(" ").trim();
  document.querySelectorAll("[data-last]").forEach((wrap) => {
    const input = wrap.querySelector("textarea, input, select");
    if (!input) return;
    const mark = () => wrap.classList.toggle("carried", input.value.trim() !== "" && same(input.value, wrap.dataset.last));
    input.addEventListener("input", mark);
    mark();
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
        if (el.type === "checkbox" || el.type === "radio") el.checked = false;
        else if (el.tagName === "SELECT" && el.multiple) Array.from(el.options).forEach((o) => { o.selected = false; });
        else if (el.tagName === "SELECT") el.selectedIndex = 0;
        else el.value = "";
      });
      copy.querySelectorAll("[id]").forEach((el) => { el.id = el.id.replace(/-(\d+)-/, `-${index}-`); });
      copy.querySelectorAll("label[for]").forEach((l) => { l.htmlFor = l.htmlFor.replace(/-(\d+)-/, `-${index}-`); });
      copy.querySelectorAll(".field-error").forEach((e) => e.remove());
      // A copied search box has no listener: drop it, show every option again, and make the list searchable anew.
      copy.querySelectorAll(".search-box, .search-count").forEach((e) => e.remove());
      copy.querySelectorAll("select[data-search]").forEach((sel) => {
        Array.from(sel.options).forEach((o) => { o.hidden = false; o.disabled = false; });
        sel.size = 0;
        searchable(sel);
      });
      copy.querySelectorAll(".search-none").forEach((e) => { e.hidden = true; });
      copy.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
      copy.querySelectorAll("[data-ticks-filter]").forEach((f) => { f.value = ""; });
      const no = copy.querySelector(".row-no");
      if (no) no.textContent = no.textContent.replace(/\d+/, String(index + 1));
      // The fresh row is neither wrong nor a twin: no error marks, and references that follow its new ids.
      copy.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
      copy.querySelectorAll("[aria-describedby], [aria-labelledby]").forEach((el) => {
        ["aria-describedby", "aria-labelledby"].forEach((attr) => {
          if (!el.hasAttribute(attr)) return;
          const ids = el.getAttribute(attr).split(/\s+/).map((id) => id.replace(/-(\d+)-/, `-${index}-`))
            .filter((id) => copy.querySelector(`#${CSS.escape(id)}`));
          if (ids.length) el.setAttribute(attr, ids.join(" ")); else el.removeAttribute(attr);
        });
      });
      last.after(copy);
      copy.querySelectorAll("[data-ticks]").forEach(ticks);
    });
  });
});
