/* newsbrief: Material's search dialog driven by Pagefind (see builder/site/search.py).
   Pagefind indexes (years or months grouped, or the parts of a big month) under
   pagefind/<name>/ are listed newest first in pagefind/shards.json. A query searches the newest index
   first and merges older ones (Pagefind's mergeIndex: 1, then 2, 4, ...) only while it has
   fewer results than a page shows, or one when the reader asks for earlier years: what a query
   fetches stays that of one index however many years the archive holds. All requests
   go to this site. Results use Material's own result markup and classes.
   Languages: Pagefind builds, in each index, one index per page language (<html lang>)
   and on its own searches only the current page's. pagefind/languages.json lists each
   index's languages (most pages first); every one of them is merged (mergeIndex with
   `language`), so a reader on an English page finds a Russian or Japanese brief. Each
   language's words were stemmed or segmented (Japanese, Chinese) when indexed; the
   query is read with the page language's rules (Pagefind loads one WebAssembly module). */
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
  /* Results are shown once typing pauses, and from two characters on: Pagefind matches
     the last word as a prefix, so "b", "bu", "bud" would each fetch the index chunks of
     every word they begin, most of the bytes a query costs on a big archive; and each
     page of results shown fetches its fragments. */
  var PAUSE_MS = 80;
  var MIN_CHARS = 2;
  /* From four characters on, the index chunks of the word typed so far are fetched at
     once, while typing goes on (Pagefind's preload), and the query is searched then too
     (see `search`): the word's own chunks are nearly always among those, so neither
     fetches anything the search after the pause would not. Fewer characters would
     match too many words ("bu": every word in bu-). */
  var PRELOAD_CHARS = 4;
  /* Results shown at a time (each fetches its fragment); data-nb-search-page may say. */
  function pageSize() { return Number(root.dataset.nbSearchPage) || 10; }
  var names = []; /* index names, newest first */
  var langs = {}; /* index name -> its languages, most pages first (absent: unknown) */
  var pageLang = (document.documentElement.getAttribute("lang") || "unknown").toLowerCase();
  var merged = 0; /* how many of them the search covers */
  var merging = null;
  var shown = 0;

  function dir(name) { return new URL("pagefind/" + name + "/", base).href; }

  function json(path, fallback) {
    return fetch(new URL(path, base)).then(function (r) { return r.ok ? r.json() : fallback; })
      .catch(function () { return fallback; });
  }

  /* The language Pagefind itself picks for the current page in an index that has
     `list`: the page's, else its primary subtag, else the one with the most pages. */
  function pagefindLang(list) {
    if (list.indexOf(pageLang) >= 0) return pageLang;
    var short = pageLang.split("-")[0];
    return list.indexOf(short) >= 0 ? short : list[0];
  }

  /* Index `name` joins the search in every language it has but `skip` (already in). */
  function mergeLanguages(pf, name, skip) {
    var list = langs[name];
    if (!list || !list.length) return pf.mergeIndex(dir(name), { baseUrl: siteRoot }); /* languages unknown */
    return Promise.all(list.filter(function (l) { return l !== skip; }).map(function (l) {
      return pf.mergeIndex(dir(name), { baseUrl: siteRoot, language: l });
    }));
  }

  function load() {
    if (!ready) {
      ready = Promise.all([json("pagefind/shards.json", []), json("pagefind/languages.json", {})])
        .then(function (got) {
          names = got[0];
          langs = got[1] && typeof got[1] === "object" ? got[1] : {};
          if (!names.length) return null;
          return import(dir(names[0]) + "pagefind.js").then(function (pf) {
            return pf.options({ basePath: dir(names[0]), baseUrl: siteRoot })
              .then(function () { return pf.init(); })
              .then(function () {
                return (langs[names[0]] || []).length ? mergeLanguages(pf, names[0], pagefindLang(langs[names[0]])) : null;
              })
              .then(function () { merged = 1; return pf; });
          });
        });
      /* Searches start once Pagefind's WebAssembly and page list are in (an empty query
         returns as soon as they are, fetching nothing): until then only the newest query
         is kept, not every prefix typed meanwhile. */
      running = ready.then(function (pf) { return pf && pf.search(""); }).catch(function () {});
    }
    return ready;
  }

  /* The next `count` older indexes join the search (fetched side by side); callers at
     the same time share one merge. */
  function widen(pf, count) {
    if (!merging) {
      var next = names.slice(merged, merged + (count || 1));
      merging = Promise.all(next.map(function (name) { return mergeLanguages(pf, name, null); }))
        .then(function () { merged += next.length; merging = null; });
    }
    return merging;
  }

  /* One search at a time: Pagefind runs them one after another in its worker, and one
     for a query typed over since would hold up the one the reader waits for. A search
     whose turn comes once the box holds another query is not run. The newest search
     issued is remembered (`pending`), so that the search the pause asks for is the one
     already running or done for the same query, not a second one.
     From PRELOAD_CHARS on, the query is searched as it is typed, not after the pause
     (its chunks are the preload's: no byte more; only its results wait for the pause,
     as they fetch fragments): the search for the last key starts with it, and the
     page's first search, several times slower than later ones (Pagefind's WebAssembly
     is not yet optimised: ~0.2 s against ~0.05 s for 1,000 matching pages), runs while
     the reader types. */
  var running = Promise.resolve();
  var pending = null; /* {key, run}: the newest search issued */
  function search(pf, query) {
    var key = query + "\n" + merged;
    if (pending && pending.key === key) return pending.run;
    var entry = { key: key };
    entry.run = running.then(function () {
      return query === input.value.trim() ? pf.search(query) : null;
    }).then(function (found) {
      if (!found && pending === entry) pending = null; /* skipped: the box moved on */
      return found;
    }, function (e) {
      if (pending === entry) pending = null;
      throw e;
    });
    running = entry.run.catch(function () {});
    pending = entry;
    return entry.run;
  }

  /* Fewer results than a page: older indexes join, 1, then 2, 4, ... at a time, so that a
     word found only years back costs a few round trips, not one per index. */
  function find(pf, query, mine, step) {
    return search(pf, query).then(function (found) {
      if (!found || mine !== seq) return null;
      if (found.results.length < pageSize() && merged < names.length) {
        return widen(pf, step || 1).then(function () {
          return mine === seq ? find(pf, query, mine, (step || 1) * 2) : null;
        });
      }
      return found;
    });
  }

  /* Index names: "2019", "2025-07" (a month), "2021_2024" (oldest_newest), "2025-12~2"
     (the second part of a month too big for one index). */
  function ends(name) { return name.split("_"); }

  /* A month's part: [month, part, parts], else null. */
  function part(name) {
    var m = /^(.+)~(\d+)$/.exec(name);
    if (!m) return null;
    var parts = names.filter(function (n) { return n.indexOf(m[1] + "~") === 0; }).length;
    return [m[1], Number(m[2]), parts];
  }

  /* "2025-12 (1/2)" for a part, else the name's period ("2021–2024"). */
  function label(name) {
    var p = part(name);
    return p ? p[0] + " (" + p[1] + "/" + p[2] + ")" : ends(name).join("\u2013");
  }

  /* "2021–2026": the period the loaded indexes cover; a month whose parts are not all
     loaded says which are ("2025-12 (1/2)"). */
  function span() {
    var newest = ends(names[0]).pop();
    var oldest = ends(names[merged - 1])[0];
    var p = part(newest);
    if (p) newest = p[0];
    p = part(oldest);
    var shown = p && p[1] < p[2] ? label(oldest) : p ? p[0] : oldest;
    if ((p ? p[0] : oldest) === newest) return shown;
    return shown + "\u2013" + newest;
  }

  function text(n) {
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

  /* The last row: the next page of results, or else the next older index. */
  function more(pf, query, label, action) {
    var li = document.createElement("li");
    li.className = "md-search-result__item nb-search-more";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-search-result__link";
    button.textContent = label;
    button.addEventListener("click", function () {
      var mine = ++seq;
      button.disabled = true;
      action().then(function (from) { return show(pf, query, mine, from); })
        .catch(function (e) { console.warn("search:", e); });
    });
    li.append(button);
    return li;
  }

  /* Each result is shown as soon as its fragment (Pagefind's text of the page) and those
     of the results above it are in, not once all of the page's are: the first result
     waits for one fragment. `from`: results already listed for this query (the reader
     asked for more), kept as they are. */
  function show(pf, query, mine, from) {
    return find(pf, query, mine).then(function (found) {
      if (!found) return;
      from = from || 0;
      var page = found.results.slice(from, shown);
      var datas = [];
      var next = 0;
      var started = false;
      function flush() {
        if (mine !== seq) return;
        if (!started) {
          started = true;
          delete result.dataset.nbComplete;
          var partial = merged < names.length;
          meta.textContent = text(found.results.length) +
            (partial ? " " + root.dataset.nbSearchScope.replace("#", span()) : "");
          if (from) {
            var old = list.querySelector(".nb-search-more");
            if (old) old.remove();
          } else {
            list.replaceChildren();
          }
        }
        while (next < page.length && datas[next]) list.append(item(datas[next++]));
        if (next === page.length) {
          result.dataset.nbComplete = query; /* every result of the page is listed */
          if (found.results.length > shown) {
            list.append(more(pf, query, root.dataset.nbSearchNext, function () {
              var before = shown;
              shown += pageSize();
              return Promise.resolve(before);
            }));
          } else if (merged < names.length) {
            list.append(more(pf, query, root.dataset.nbSearchEarlier.replace("#", label(names[merged])),
              function () { return widen(pf, 1).then(function () { return 0; }); }));
          }
        }
        result.dataset.nbQuery = query; /* which query the list answers (benchmarks wait on it) */
      }
      if (!page.length) return flush();
      return Promise.all(page.map(function (r, i) {
        return r.data().then(function (data) { datas[i] = data; if (i === next) flush(); });
      }));
    });
  }

  /* Typing paused: the results of the box's query are shown. */
  function paused() {
    var query = input.value.trim();
    var mine = ++seq;
    shown = pageSize();
    if (query.length < MIN_CHARS) {
      meta.textContent = root.dataset.nbSearchPlaceholder;
      list.replaceChildren();
      return;
    }
    load().then(function (pf) {
      if (!pf || mine !== seq) return null;
      return show(pf, query, mine);
    }).catch(function (e) { console.warn("search:", e); });
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    ++seq; /* a search still running for an older query shows nothing */
    var query = input.value.trim();
    if (query.length >= PRELOAD_CHARS) {
      load().then(function (pf) {
        if (!pf) return null;
        var chunks = pf.preload(query);
        search(pf, query).catch(function () {}); /* ahead of the pause; shown by paused() */
        return chunks;
      }).catch(function (e) { console.warn("search:", e); });
    }
    timer = setTimeout(paused, query.length < MIN_CHARS ? 0 : PAUSE_MS);
  });
  input.form.addEventListener("submit", function (e) { e.preventDefault(); });
  input.form.addEventListener("reset", function () { setTimeout(paused, 0); });
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
