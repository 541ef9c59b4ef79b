/* newsbrief: Material's search dialog driven by Pagefind (see builder/search.py).
   Pagefind indexes (years grouped, see builder/search.py) under pagefind/<name>/,
   listed in pagefind/shards.json, merged with mergeIndex; all
   requests go to this site. Results use Material's own result markup and classes. */
(function () {
  "use strict";
  var root = document.querySelector('[data-nb-search="search"]');
  if (!root) return;
  var input = root.querySelector('[data-nb-search="query"]');
  var result = root.querySelector('[data-nb-search="result"]');
  var meta = result.querySelector(".md-search-result__meta");
  var list = result.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");
  var base = new URL(root.dataset.nbSearchBase, document.baseURI);
  var siteRoot = base.pathname;
  var ready = null;
  var seq = 0;
  var timer = null;
  /* Search once typing pauses, and from two characters on: Pagefind matches the last
     word as a prefix, so "b", "bu", "bud" would each fetch the index chunks of every
     word they begin, most of the bytes a query costs on a big archive. */
  var PAUSE_MS = 120;
  var MIN_CHARS = 2;

  function load() {
    if (!ready) {
      ready = fetch(new URL("pagefind/shards.json", base)).then(function (r) { return r.json(); })
        .then(function (shards) {
          if (!shards.length) return null;
          var first = new URL("pagefind/" + shards[0] + "/", base).href;
          return import(first + "pagefind.js").then(function (pf) {
            return pf.options({ basePath: first, baseUrl: siteRoot }).then(function () {
              return Promise.all(shards.slice(1).map(function (y) {
                return pf.mergeIndex(new URL("pagefind/" + y + "/", base).href, { baseUrl: siteRoot });
              }));
            }).then(function () { return pf.init(); }).then(function () { return pf; });
          });
        });
    }
    return ready;
  }

  function text(key, n) {
    if (n === 0) return root.dataset.nbSearchNone;
    if (n === 1) return root.dataset.nbSearchOne;
    return root.dataset.nbSearchOther.replace("#", String(n));
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.tabIndex = -1;
    a.href = data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var h1 = document.createElement("h1");
    h1.textContent = (data.meta && data.meta.title) || data.url;
    var p = document.createElement("p");
    p.innerHTML = data.excerpt; /* Pagefind's excerpt: escaped text with <mark> only */
    article.append(icon, h1, p);
    a.append(article);
    li.append(a);
    return li;
  }

  function search() {
    var query = input.value.trim();
    var mine = ++seq;
    if (query.length < MIN_CHARS) {
      meta.textContent = root.dataset.nbSearchPlaceholder;
      list.replaceChildren();
      return;
    }
    load().then(function (pf) {
      if (!pf || mine !== seq) return null;
      return pf.search(query).then(function (found) {
        if (mine !== seq) return null;
        return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }))
          .then(function (datas) {
            if (mine !== seq) return;
            meta.textContent = text("", found.results.length);
            list.replaceChildren.apply(list, datas.map(item));
            result.dataset.nbQuery = query; /* which query the list answers (benchmarks wait on it) */
          });
      });
    }).catch(function (e) { console.warn("search:", e); });
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    ++seq; /* a search still running for an older query shows nothing */
    timer = setTimeout(search, input.value.trim().length < MIN_CHARS ? 0 : PAUSE_MS);
  });
  input.form.addEventListener("submit", function (e) { e.preventDefault(); });
  input.form.addEventListener("reset", function () { setTimeout(search, 0); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { toggle.checked = false; input.blur(); }
    if (e.key === "Enter") {
      var first = list.querySelector("a");
      if (first) { e.preventDefault(); location.href = first.href; }
    }
  });
  input.addEventListener("click", function () { toggle.checked = true; });
  toggle.addEventListener("change", function () {
    if (toggle.checked) { input.focus(); load(); }
  });
  document.addEventListener("keydown", function (e) {
    if ((e.key === "/" || e.key === "s" || e.key === "f") && !toggle.checked &&
        !(e.target instanceof HTMLInputElement) && !(e.target instanceof HTMLTextAreaElement)) {
      e.preventDefault(); toggle.checked = true; input.focus();
    }
  });
})();
