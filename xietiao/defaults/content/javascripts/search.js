/* The site's search behind the theme's search box: loads only the parts of the index a query needs.
 *
 * The index (built by generator/search after the site is built) holds, for every pair of adjacent
 * characters, the pages and positions where it occurs. A query is found exactly when the pairs that
 * cover it occur side by side; pages holding only its pieces come after, marked as such. Words
 * separated by spaces must all occur on a page. Results show the page, the section and a short
 * excerpt with the words marked. Page text is only ever set as text, never as HTML.
 */
(function () {
  "use strict";

  var FORMAT = 2;
  var BATCH = 10;
  var EXCERPT_BEFORE = 16;
  var EXCERPT_AFTER = 60;
  var MAX_TERMS = 8;
  var MAX_TERM = 64;

  var form = document.forms.namedItem("site-search");
  var config = document.getElementById("__config");
  if (!form || !config) return;
  var input = form.querySelector(".md-search__input");
  var toggle = document.getElementById("__search");
  var meta = document.querySelector(".md-search-result__meta");
  var list = document.querySelector(".md-search-result__list");
  var resultBox = document.querySelector(".md-search-result");
  var scrollwrap = document.querySelector(".md-search__scrollwrap");
  var root = new URL(JSON.parse(config.textContent).base.replace(/\/?$/, "/"), location.href);

  /* -- folding: the same as generator/search/fold.py, one character in, one out -- */
  var folded = new Map();
  function foldChar(c) {
    var f = folded.get(c);
    if (f === undefined) {
      f = c.normalize("NFKC");
      if (Array.from(f).length !== 1) f = c;
      var lower = f.toLowerCase();
      if (Array.from(lower).length === 1) f = lower;
      if (/^\s$/.test(f)) f = " ";
      folded.set(c, f);
    }
    return f;
  }
  /* Folded text of the same UTF-16 length, for finding words in page text. */
  function foldText(text) {
    var out = "";
    for (var c of text) {
      var f = foldChar(c);
      out += f.length === c.length ? f : c;
    }
    return out;
  }
  function fnv(key, shards) {
    var h = 0x811c9dc5;
    for (var c of key) h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    return h % shards;
  }

  /* -- loading: the manifest once per page view, shards and texts once each (named by content) -- */
  var manifest = null;
  var loaded = new Map();
  function fetchJSON(path, fresh) {
    return fetch(new URL(path, root), fresh ? { cache: "no-cache" } : {}).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  }
  function loadManifest() {
    if (!manifest) {
      manifest = fetchJSON("search/index.json", true).then(function (m) {
        if (m.version !== FORMAT) throw new Error("index format " + m.version);
        return m;
      });
      manifest.catch(function () { manifest = null; });
    }
    return manifest;
  }
  function load(path) {
    if (!loaded.has(path)) {
      var p = fetchJSON(path, false);
      loaded.set(path, p);
      p.catch(function () { loaded.delete(path); });
    }
    return loaded.get(path);
  }

  /* -- the query -- */
  function parse(query) {
    var terms = [];
    var seen = new Set();
    var text = Array.from(query, foldChar).join("");
    text.split(" ").forEach(function (t) {
      var chars = Array.from(t).slice(0, MAX_TERM);
      var key = chars.join("");
      if (chars.length && !seen.has(key) && terms.length < MAX_TERMS) {
        seen.add(key);
        // Pieces of a phrase of four or more characters mean something; pieces of a number do not.
        var loose = chars.length >= 4 && !/[0-9a-z]/.test(key);
        terms.push({ text: key, chars: chars, cover: cover(chars), loose: loose });
      }
    });
    return terms;
  }
  /* Offsets of the pairs that cover a term: 0, 2, 4 ... and the last pair. */
  function cover(chars) {
    if (chars.length === 1) return [{ key: chars[0], at: 0 }];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i += 2) out.push(i);
    if (out[out.length - 1] !== chars.length - 2) out.push(chars.length - 2);
    return out.map(function (i) { return { key: chars[i] + chars[i + 1], at: i }; });
  }
  /* Postings of a key in one segment, added to a Map page -> sorted positions (pairs) or -> count
   * (single characters); the segment's page numbers count from its first page. */
  function decode(flat, single, first, pages) {
    var page = first;
    for (var i = 0; i < flat.length;) {
      page += flat[i];
      var n = flat[i + 1];
      if (single) {
        pages.set(page, n);
        i += 2;
        continue;
      }
      var positions = new Array(n);
      var p = 0;
      for (var k = 0; k < n; k++) {
        p = k === 0 ? flat[i + 2] : p + flat[i + 2 + k];
        positions[k] = p;
      }
      pages.set(page, positions);
      i += 2 + n;
    }
  }
  /* A key's postings over the whole site: one shard from each segment. */
  function postingsOf(m, key) {
    var single = Array.from(key).length === 1;
    return Promise.all(m.segments.map(function (segment) {
      var shards = segment[1];
      return load("search/s/" + shards[fnv(key, shards.length)] + ".json");
    })).then(function (found) {
      var pages = new Map();
      found.forEach(function (s, i) { decode(s[key] || [], single, m.segments[i][0], pages); });
      return pages;
    });
  }
  function contains(sorted, value) {
    var lo = 0;
    var hi = sorted.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] === value) return true;
      if (sorted[mid] < value) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
  /* Per page: {exact: matches, head: matches in the page's names, loose: pieces all present}. */
  function matchTerm(term, postings, m) {
    var out = new Map();
    if (term.chars.length === 1) {
      postings[0].forEach(function (count, page) { out.set(page, { exact: count, head: 0 }); });
      return out;
    }
    var order = postings.map(function (p, i) { return i; });
    order.sort(function (a, b) { return postings[a].size - postings[b].size; });
    postings[order[0]].forEach(function (_, page) {
      if (!order.every(function (i) { return postings[i].has(page); })) return;
      var first = term.cover[0];
      var bodyLength = m.pages[page][2];
      var exact = 0;
      var head = 0;
      postings[0].get(page).forEach(function (p) {
        var start = p - first.at;
        for (var j = 1; j < term.cover.length; j++) {
          if (!contains(postings[j].get(page), start + term.cover[j].at)) return;
        }
        exact += 1;
        if (start >= bodyLength) head += 1;
      });
      if (exact) out.set(page, { exact: exact, head: head });
      else if (term.loose) out.set(page, { exact: 0, head: 0 });
    });
    return out;
  }
  function search(query) {
    var terms = parse(query);
    if (!terms.length) return Promise.resolve({ terms: terms, results: [] });
    return loadManifest().then(function (m) {
      return Promise.all(terms.map(function (t) {
        return Promise.all(t.cover.map(function (c) { return postingsOf(m, c.key); }));
      })).then(function (postings) {
        var perTerm = terms.map(function (t, i) { return matchTerm(t, postings[i], m); });
        return { terms: terms, results: rank(perTerm, m), manifest: m };
      });
    });
  }
  function rank(perTerm, m) {
    var results = [];
    var smallest = perTerm.reduce(function (a, b) { return a.size <= b.size ? a : b; });
    smallest.forEach(function (_, page) {
      var exact = true;
      var head = 0;
      var count = 0;
      for (var t of perTerm) {
        var hit = t.get(page);
        if (!hit) return;
        exact = exact && hit.exact > 0;
        head += hit.head > 0 ? 1 : 0;
        count += Math.min(hit.exact, 50);
      }
      var row = m.pages[page];
      results.push({ page: page, url: row[0], title: row[1], text: row[3], exact: exact, head: head, count: count });
    });
    results.sort(function (a, b) {
      // Among equals, newer numbers first: addresses in descending order.
      return (b.exact - a.exact) || (b.head - a.head) || (b.count - a.count) || (a.url < b.url ? 1 : a.url > b.url ? -1 : 0);
    });
    return results;
  }

  /* -- showing results -- */
  var current = { seq: 0, results: [], shown: 0, terms: [], busy: false };
  function setMeta(text) { meta.textContent = text; }
  function clearList() { while (list.firstChild) list.removeChild(list.firstChild); }
  function summary(found, terms) {
    var words = terms.map(function (t) { return "“" + t.text + "”"; }).join("、");
    var exact = found.filter(function (r) { return r.exact; }).length;
    var loose = found.length - exact;
    if (!found.length) return "没有找到含" + words + "的页面";
    var text = exact ? "找到 " + exact + " 个页面含" + words : "没有页面含完整的" + words;
    return loose ? text + "；另有 " + loose + " 个页面只含其中的部分字词" : text;
  }
  function run(query) {
    var seq = ++current.seq;
    if (!query.trim()) {
      clearList();
      setMeta("输入词语、项目名称或编号即可搜索");
      return Promise.resolve();
    }
    setMeta("正在搜索…");
    return search(query).then(function (found) {
      if (seq !== current.seq) return;
      current = { seq: seq, results: found.results, shown: 0, terms: found.terms, busy: false };
      clearList();
      return more(seq).then(function () {
        if (seq !== current.seq) return;
        setMeta(summary(found.results, found.terms));
        resultBox.dataset.query = query;  // which query the list shows (tests wait for it)
      });
    }).catch(function () {
      if (seq === current.seq) setMeta("搜索索引加载失败，请刷新页面后重试");
    });
  }
  function more(seq) {
    if (current.busy || current.shown >= current.results.length) return Promise.resolve();
    current.busy = true;
    var batch = current.results.slice(current.shown, current.shown + BATCH);
    return Promise.all(batch.map(function (r) { return load("search/t/" + r.text + ".json"); })).then(function (texts) {
      if (seq !== current.seq) return;
      batch.forEach(function (r, i) { list.appendChild(item(r, texts[i], current.terms)); });
      current.shown += batch.length;
      current.busy = false;
    });
  }
  function item(result, text, terms) {
    var where = excerpt(text, terms);
    var li = el("li", "md-search-result__item");
    var a = el("a", "md-search-result__link");
    var url = new URL(result.url, root);
    url.searchParams.set("h", terms.map(function (t) { return t.text; }).join(" "));
    if (where.anchor) url.hash = where.anchor;
    a.href = url.href;
    a.tabIndex = -1;
    var article = el("article", "md-search-result__article md-typeset");
    article.appendChild(el("div", "md-search-result__icon md-icon"));
    article.appendChild(el("h1", "", result.title));
    var path = el("nav", "xt-search-where", where.heading || "页首");
    if (!result.exact) path.appendChild(el("span", "xt-search-partial", "部分匹配"));
    article.appendChild(path);
    var teaser = el("p", "md-search-result__teaser");
    marked(teaser, where.text, terms);
    article.appendChild(teaser);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }
  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  /* Where the first of the words stands: its section and a short piece of text around it. */
  function excerpt(text, terms) {
    var body = text.b;
    var haystack = foldText(body);
    var at = -1;
    var length = 0;
    terms.forEach(function (t) {
      var i = haystack.indexOf(t.text);
      if (i >= 0 && (at < 0 || i < at)) { at = i; length = t.text.length; }
    });
    if (at < 0) {
      terms.forEach(function (t) {
        t.cover.forEach(function (c) {
          var i = haystack.indexOf(c.key);
          if (i >= 0 && (at < 0 || i < at)) { at = i; length = c.key.length; }
        });
      });
    }
    if (at < 0) at = 0;
    var section = text.s[0] || [0, "", ""];
    var end = body.length;
    for (var k = 0; k < text.s.length; k++) {
      if (text.s[k][0] <= at) section = text.s[k];
      else { end = text.s[k][0] - 1; break; }
    }
    var from = Math.max(section[0] + (at >= section[0] + section[2].length ? section[2].length : 0), at - EXCERPT_BEFORE);
    var to = Math.min(end, at + length + EXCERPT_AFTER);
    from = safeEdge(body, from);
    to = safeEdge(body, to);
    var piece = body.slice(from, to).trim();
    if (from > section[0] + section[2].length + 1) piece = "…" + piece;
    if (to < end) piece += "…";
    return { anchor: section[1], heading: section[2], text: piece };
  }
  function safeEdge(text, i) {
    var code = text.charCodeAt(i);
    return code >= 0xdc00 && code <= 0xdfff ? i - 1 : i;
  }
  /* The text as text nodes, the query's words wrapped in <mark>. */
  function marked(parent, text, terms) {
    var haystack = foldText(text);
    var spans = [];
    terms.forEach(function (t) {
      var needles = t.chars.length >= 2 ? [t.text].concat(t.cover.map(function (c) { return c.key; })) : [t.text];
      needles.forEach(function (n) {
        for (var i = haystack.indexOf(n); i >= 0; i = haystack.indexOf(n, i + n.length)) spans.push([i, i + n.length]);
      });
    });
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var at = 0;
    spans.forEach(function (s) {
      if (s[0] < at) return;
      if (s[0] > at) parent.appendChild(document.createTextNode(text.slice(at, s[0])));
      parent.appendChild(el("mark", "", text.slice(s[0], s[1])));
      at = s[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* -- the search box: open, type, move through results, close -- */
  var timer = 0;
  function open() {
    if (!toggle.checked) toggle.checked = true;
    loadManifest().catch(function () {});
  }
  function close() {
    toggle.checked = false;
    input.blur();
  }
  input.addEventListener("focus", open);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 40);
  });
  toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector(".md-search-result__link");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { run(""); input.focus(); }, 0);
  });
  scrollwrap.addEventListener("scroll", function () {
    if (scrollwrap.scrollTop + scrollwrap.clientHeight >= scrollwrap.scrollHeight - 80) more(current.seq);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.metaKey || ev.ctrlKey || ev.altKey || ev.isComposing) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) ||
      document.activeElement.isContentEditable;
    if (!toggle.checked) {
      if (!typing && (ev.key === "/" || ev.key === "s" || ev.key === "f")) {
        ev.preventDefault();
        open();
        input.focus();
      }
      return;
    }
    var links = Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link"));
    var at = links.indexOf(document.activeElement);
    if (ev.key === "Escape") {
      ev.preventDefault();
      close();
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      var next = at + (ev.key === "ArrowDown" ? 1 : -1);
      if (next < 0) input.focus();
      else if (next < links.length) links[next].focus();
      ev.preventDefault();
    }
  });

  /* -- on a page opened from a result: mark the words (?h=) in the page's text -- */
  function highlightPage() {
    var words = new URL(location.href).searchParams.get("h");
    var article = document.querySelector("article.md-content__inner");
    if (!words || !article) return;
    var terms = parse(words);
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    var nodes = [];
    for (var n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    nodes.forEach(function (node) {
      var haystack = foldText(node.data);
      if (!terms.some(function (t) { return haystack.indexOf(t.text) >= 0; })) return;
      var span = document.createDocumentFragment();
      marked(span, node.data, terms.map(function (t) { return { text: t.text, chars: [t.text], cover: [] }; }));
      node.parentNode.replaceChild(span, node);
    });
  }
  highlightPage();

  /* For tests and the benchmark: the pages a query finds, in order, without the result list. */
  window.xietiaoSearch = function (query) {
    return search(query).then(function (found) {
      return found.results.map(function (r) { return { url: r.url, exact: r.exact }; });
    });
  };
})();
