// Tables of the site: sorting and filtering of those that follow a <div class="xt-table"> marker,
// and cards on phones for all of them.
// data-filters lists "column:param" pairs; a filter's options are read from the
// cells' data-k keys (ASCII) and texts, so the page never carries them twice.
(function () {
  "use strict";

  function cellKey(cell) {
    var keyed = cell.querySelector("[data-k]");
    return keyed ? keyed.getAttribute("data-k") : cell.textContent.trim();
  }

  function sortKey(cell) {
    var marked = cell.querySelector("[data-s]");
    if (marked) return Number(marked.getAttribute("data-s"));
    var text = cell.textContent.trim();
    var number = Number(text.replace(/,/g, ""));
    return text !== "" && !isNaN(number) ? number : text;
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), "zh-Hans-CN");
  }

  // Each header becomes a button (reachable by keyboard, announced as one); aria-sort says the order.
  function makeSortable(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var body = table.tBodies[0];
    var original = Array.prototype.slice.call(body.rows);
    function sortBy(column, ascending) {
      var rows = Array.prototype.slice.call(body.rows);
      if (column < 0) {
        rows = original;
      } else {
        rows.sort(function (r1, r2) {
          var order = compare(sortKey(r1.cells[column]), sortKey(r2.cells[column]));
          return ascending ? order : -order;
        });
      }
      headers.forEach(function (th, i) {
        if (i === column) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "xt-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.title = "按“" + button.textContent.trim() + "”排序";
      th.appendChild(button);
      th.classList.add("xt-sortable");
      button.addEventListener("click", function () {
        sortBy(column, th.getAttribute("aria-sort") !== "ascending");
      });
    });
    return sortBy;
  }

  // A sort menu beside the filters: the one way to sort on a phone, where the header row is hidden.
  function sortMenu(table, sortBy) {
    var label = document.createElement("label");
    label.textContent = "排序：";
    var select = document.createElement("select");
    select.className = "xt-sort-menu";
    var choices = [["", "原有顺序"]];
    table.querySelectorAll("thead th").forEach(function (th, column) {
      var name = th.textContent.trim();
      choices.push([column + ":a", name + "（升序）"], [column + ":d", name + "（降序）"]);
    });
    choices.forEach(function (c) {
      var option = document.createElement("option");
      option.value = c[0];
      option.textContent = c[1];
      select.appendChild(option);
    });
    select.autocomplete = "off";
    select.addEventListener("change", function () {
      var parts = select.value.split(":");
      sortBy(select.value ? Number(parts[0]) : -1, parts[1] === "a");
    });
    label.appendChild(select);
    return label;
  }

  function makeFilters(marker, table, sortBy) {
    var spec = (marker.getAttribute("data-filters") || "").split(/\s+/).filter(Boolean);
    var params = new URLSearchParams(window.location.search);
    var tools = document.createElement("div");
    tools.className = "xt-tools";
    var selects = [];
    var headers = table.querySelectorAll("thead th");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = document.createElement("span");

    function remember() {
      // The filters go into the address, so a filtered view can be shared and Back returns to it.
      var query = new URLSearchParams(window.location.search);
      selects.forEach(function (s) {
        if (s.select.value) query.set(s.param, s.select.value); else query.delete(s.param);
      });
      var text = query.toString();
      history.replaceState(null, "", window.location.pathname + (text ? "?" + text : "") + window.location.hash);
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = selects.every(function (s) {
          return s.select.value === "" || cellKey(row.cells[s.column]) === s.select.value;
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = "显示 " + shown + " / " + rows.length + " 项";
    }

    spec.forEach(function (pair) {
      var parts = pair.split(":");
      var column = Number(parts[0]);
      if (!headers[column]) return;
      var label = document.createElement("label");
      label.textContent = headers[column].textContent.trim() + "：";
      var select = document.createElement("select");
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "全部";
      select.appendChild(all);
      var seen = {}, order = {};
      rows.forEach(function (row) {
        var cell = row.cells[column];
        var key = cellKey(cell);
        if (key && !seen[key]) {
          seen[key] = cell.textContent.trim();
          order[key] = sortKey(cell);    // colours by severity (data-s), the rest by text
        }
      });
      Object.keys(seen).sort(function (a, b) { return compare(order[a], order[b]); }).forEach(function (key) {
        var option = document.createElement("option");
        option.value = key;
        option.textContent = seen[key];
        select.appendChild(option);
      });
      if (params.has(parts[1]) && seen[params.get(parts[1])] !== undefined) {
        select.value = params.get(parts[1]);
      }
      // Not restored by the browser on Back behind the script's back: the address says what is chosen.
      select.autocomplete = "off";
      select.addEventListener("change", function () { remember(); apply(); });
      label.appendChild(select);
      tools.appendChild(label);
      selects.push({ column: column, select: select, param: parts[1] });
    });
    tools.appendChild(sortMenu(table, sortBy));
    count.setAttribute("role", "status");
    tools.appendChild(count);
    marker.appendChild(tools);
    apply();
    window.addEventListener("pageshow", apply);    // a page kept in the back-forward cache
  }

  // On a phone every table is shown as cards, one per row, each value after its column's name:
  // the names are copied from the header into data-label (shown by extra.css) and the cells keep
  // their table roles, which a block display would otherwise drop for screen readers.
  function labelCells(table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!names.length || !table.tBodies.length) return;
    table.setAttribute("role", "table");
    table.setAttribute("data-cards", "");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody"), function (g) { g.setAttribute("role", "rowgroup"); });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        if (cell.tagName === "TH") cell.setAttribute("role", "columnheader");
        else cell.setAttribute("role", "cell");
        if (cell.tagName === "TD" && names[i]) cell.setAttribute("data-label", names[i]);
      });
    });
  }

  // Material's search panel is a dialog without a name; readers of screen readers hear what it is for.
  function nameSearch() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "站内搜索");
  }

  function setUp() {
    nameSearch();
    document.querySelectorAll(".md-typeset table").forEach(labelCells);
    document.querySelectorAll("div.xt-table").forEach(function (marker) {
      var next = marker.nextElementSibling;
      if (!next) return;
      var table = next.matches("table") ? next : next.querySelector("table");
      if (!table || !table.tBodies.length) return;
      makeFilters(marker, table, makeSortable(table));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
