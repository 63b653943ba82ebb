// Sorting and filtering of the tables that follow a <div class="xt-table"> marker.
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

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    headers.forEach(function (th, column) {
      var ascending = true;
      th.classList.add("xt-sortable");
      th.addEventListener("click", function () {
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(sortKey(r1.cells[column]), sortKey(r2.cells[column]));
          return ascending ? order : -order;
        });
        ascending = !ascending;
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilters(marker, table) {
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
    tools.appendChild(count);
    marker.appendChild(tools);
    apply();
    window.addEventListener("pageshow", apply);    // a page kept in the back-forward cache
  }

  function setUp() {
    document.querySelectorAll("div.xt-table").forEach(function (marker) {
      var next = marker.nextElementSibling;
      if (!next) return;
      var table = next.matches("table") ? next : next.querySelector("table");
      if (!table || !table.tBodies.length) return;
      makeSortable(table);
      makeFilters(marker, table);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
