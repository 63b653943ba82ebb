// Fills the line under each page's title from the publish stamp (stamp.json at the site's root):
// which minutes the data reflects, and when and why the site last changed. Pages do not carry
// the time themselves, so a publish changes only the pages whose own content changed.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = new URL("../stamp.json", script ? script.src : window.location.href);

  function show(text) {
    document.querySelectorAll("[data-xt-stamp]").forEach(function (line) {
      line.textContent = text;
    });
  }

  fetch(url, { cache: "no-cache" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (stamp) {
      show("数据依据：" + stamp.basis + "；最近更新：" + stamp.published_zh + "（" + stamp.reason + "）");
    })
    .catch(function () {
      show("暂时读不到数据更新时间，请稍后刷新。");
    });
})();
