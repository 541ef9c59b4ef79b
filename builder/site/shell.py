"""The header's palette toggles and search dialog from one cached script (issue #15,
small pages).

Every page Material writes carries, in its header, the colour-palette form (three radio
buttons and their toggles), the inline script that restores the reader's palette, and
the search dialog: ~3.7 KB, the same bytes on every page but for the relative URLs, and
of no use without JavaScript (the palette is switched, and search is run, by scripts).
With the plugin option ``light_pages`` (default on) a page carries instead
``<script src="…/assets/javascripts/nb-shell.<hash>.js"></script>`` where the palette
was, and ``<script>__nb_search()</script>`` where the dialog was: the script (named by
its content, so never a stale copy in a browser cache) inserts the same markup at the
same places while the page is parsed, before Material's bundle looks for it, and runs
the palette script where Material runs it, so the page is the same once loaded.

No Material template is overridden or copied. The markup is rendered once a build from
the theme's own partials (``partials/palette.html``, ``partials/javascripts/palette.html``,
``partials/search.html``, whichever the theme's loader serves), with a placeholder for
the site's root; a page's rendered output is then searched for exactly that markup (its
URLs relative to the page). A page where it is not found exactly (another template, a
Material that writes the header otherwise) is left as it was written: the check is the
match itself.

The drawer (the primary navigation, ~1.8 KB a page; plugin option ``light_drawer``)
comes from a script too, but its markup differs by page (the section that is expanded,
the active item, the current page's table of contents): each page's own drawer, its URLs
written from the site's root, is a *variant*, and the page carries
``<script src="…/assets/javascripts/nb-nav.<hash>.js"></script>`` in its place: the
variant's script, named by the variant's content, so that the thousands of pages with
the same drawer (every brief's page, every page of a list) share one cached file. A
drawer that lists the page itself as the current one (a month of the archive, a
publisher, a page of the menu) is that page's alone and stays as written. The
script puts the markup back where it stands, its URLs relative to the page again (from
the script's own ``src``), byte for byte. A page whose drawer has a URL not relative to
the site's root (an external link, a page's link to itself) is left as written. Without
JavaScript the page has no drawer: the stylesheet then shows the header's tabs on phones
and hides the drawer's button (``.no-js``, which Material's bundle removes).

The same script carries the rest of what every page repeats for its scripts only
(issue #15: ~1.2 KB a page): Material's inline script in the head that defines
``__md_scope`` and its storage helpers, the script of ``partials/javascripts/content.html``,
the hidden "Back to top" button, an empty footer (no copyright, no links: a bar with
nothing in it), the dialog Material's scripts write their messages in and the page
configuration ``<script id="__config">`` that Material's
bundle reads. Each is rendered from the theme's own partials (the configuration from
``base.html``'s block ``config``) and replaced by a call (``<script>__nb_cfg()</script>``)
that puts the same markup, its URLs relative to the page as MkDocs writes them, where it
stood, before Material's bundle runs. Each is taken out only where the page holds exactly
that markup once; the head's script only when nothing between it and the shell's script
uses it. Without JavaScript a reader loses nothing: these parts are hidden, empty or
scripts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.utils import htmlsafe_json_dumps
from mkdocs.structure.files import File

from ..output.store import replace_file

SHELL_DIR = "assets/javascripts"
_BASE = "@NB_BASE@"
_SPLIT = "\x00nb-shell\x00"
# Rendered with the page's own context names (MkDocs' `url` filter reads page and base_url).
_TEMPLATE = ('{%- import "partials/language.html" as lang with context -%}'
             "{%- set features = config.theme.features or [] -%}"
             '{%- include "partials/palette.html" -%}' + _SPLIT
             + '{%- include "partials/javascripts/palette.html" -%}' + _SPLIT
             + '{%- include "partials/search.html" -%}' + _SPLIT
             + '{%- include "partials/javascripts/base.html" -%}' + _SPLIT
             + '{%- include "partials/javascripts/content.html" -%}' + _SPLIT
             + '{%- if "navigation.top" in features %}{% include "partials/top.html" %}{% endif -%}' + _SPLIT
             + '{%- include "partials/footer.html" -%}')
# The page's parts only its scripts use, by the name of the call that puts each back.
TAIL = ("js", "top", "foot", "cfg", "dlg")
# Material's dialog (for its scripts' messages: "Copied to clipboard"), markup written in base.html.
_DIALOG = re.compile(r'<div class="md-dialog" data-md-component="dialog">\s*'
                     r'<div class="md-dialog__inner md-typeset"></div>\s*</div>')
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
_SCRIPT = re.compile(r"\A<script>(.*)</script>\Z", re.S)
# Material's head script (partials/javascripts/base.html): expressions only, no markup.
_SCOPE = re.compile(r"<script>__md_scope=(?:(?!</script).)*</script>", re.S)
# A URL the page writes relative to itself: "../../../x", "./x" or "x" at the site's root.
_RELATIVE_BASE = r"(?:\./|(?:\.\./)*)"
_RUNTIME = """\
/* newsbrief: the header's palette toggles and search dialog, and the parts of a page only
   its scripts use (generated: builder/site/shell.py). */
(function () {
  /* the page's base as MkDocs writes it ("../.." or "."), from this script's own src */
  var rel = document.currentScript.getAttribute("src").replace(/assets\\/javascripts\\/nb-shell\\.[0-9a-f]+\\.js$/, "");
  var bare = rel.replace(/\\/$/, "") || ".", prefix = bare === "." ? "" : bare + "/";
  if (!window.__md_scope) {
%(scope)s
  }
  var root = __md_scope.href;
  function put(at, html) {
    var t = document.createElement("template");
    t.innerHTML = html.split(%(base)s).join(root);
    t.content.querySelectorAll("script").forEach(function (old) {
      var s = document.createElement("script");
      for (var i = 0; i < old.attributes.length; i++) s.setAttribute(old.attributes[i].name, old.attributes[i].value);
      s.text = old.text;
      if (old.defer && document.readyState === "loading") {
        /* (a script inserted by a script runs when loaded; deferred, it waits for the page) */
        old.remove();
        document.addEventListener("DOMContentLoaded", function () { document.body.append(s); });
      } else {
        old.replaceWith(s);
      }
    });
    at.before(t.content);
  }
  put(document.currentScript, %(palette)s);
  (function () {
%(palette_script)s
  })();
  window.__nb_search = function () { put(document.currentScript, %(search)s); };
  function relative(html) { return html.split(%(base)s).join(prefix).split(%(bare)s).join(bare); }
  var tail = %(tail)s;
  Object.keys(tail).forEach(function (name) {
    window["__nb_" + name] = function () { put(document.currentScript, relative(tail[name])); };
  });
})();
"""


class Shell:
    """The shell's markup (palette, palette script, search), the parts only scripts use
    (``tail``: name -> markup, ``scope``: the head's script), its script and the patterns
    that find the markup in a page."""

    def __init__(self, palette: str, palette_script: str, search: str, scope: str = "",
                 tail: dict[str, str] | None = None):
        self.tail = dict(tail or {})
        self.scope = scope
        code = scope[len("<script>"):-len("</script>")].replace(json.dumps(_BASE), "bare") if scope else ""
        self.js = _RUNTIME % {"base": json.dumps(_BASE + "/"), "bare": json.dumps(_BASE),
                              "palette": json.dumps(palette), "palette_script": palette_script,
                              "search": json.dumps(search), "scope": code, "tail": json.dumps(self.tail)}
        digest = hashlib.sha256(self.js.encode("utf-8")).hexdigest()[:10]
        self.path = f"{SHELL_DIR}/nb-shell.{digest}.js"
        self._palette = _pattern(palette + "<script>" + palette_script + "</script>")
        self._search = _pattern(search)

    def apply(self, html: str, base_url: str) -> str:
        """The page with the shell's markup replaced by the script; the page as it was
        unless each part is found exactly once."""
        palette = self._palette.findall(html)
        search = self._search.findall(html)
        if len(palette) != 1 or len(search) != 1:
            return html
        src = f"{base_url}/{self.path}"
        tag = f'<script src="{src}"></script>'
        # (whether the page has Material's search is read before its dialog is taken out)
        html = html if 'data-md-component="search"' in html else lighter_config(html)
        html = self._palette.sub(lambda _: tag, html, count=1)
        html = self._search.sub(lambda _: "<script>__nb_search()</script>", html, count=1)
        if not _RELATIVE_ROOT.fullmatch(base_url):  # (404.html: absolute URLs, parts kept)
            return html
        for name, markup in self.tail.items():
            written = drawer_back(markup, base_url)
            if html.count(written) == 1:
                html = html.replace(written, f"<script>__nb_{name}()</script>", 1)
        # The head's script goes only when nothing before the shell's script uses what it defines.
        scope = drawer_back(self.scope, base_url) if self.scope else None
        if scope and html.count(scope) == 1 and "__md_" not in html[html.index(scope) + len(scope):html.index(tag)]:
            html = html.replace(scope + "\n" if scope + "\n" in html else scope, "", 1)
        return html

    def file(self, config) -> File:
        return File.generated(config, self.path, content=self.js)


def lighter_config(html: str) -> str:
    """Material's page configuration without what only its own search reads (the
    worker's URL, the result strings: Material mounts its search on an element
    ``data-md-component="search"`` and reads them there only), on a page that has no
    such element (Pagefind's dialog is ``data-nb-search``). Keys stay sorted, as
    Jinja's ``tojson`` writes them."""
    if 'data-md-component="search"' in html:
        return html
    found = _CONFIG.findall(html)
    if len(found) != 1:
        return html
    try:
        data = json.loads(found[0])
    except ValueError:
        return html
    if not isinstance(data, dict) or not isinstance(data.get("translations"), dict):
        return html
    data.pop("search", None)
    data["translations"] = {k: v for k, v in data["translations"].items() if not k.startswith("search.")}
    light = htmlsafe_json_dumps(data, dumps=json.dumps, sort_keys=True)
    return _CONFIG.sub(lambda _: f'<script id="__config" type="application/json">{light}</script>', html, count=1)


def _pattern(markup: str) -> re.Pattern:
    parts = [re.escape(p) for p in markup.split(_BASE + "/")]
    text = _RELATIVE_BASE.join(parts)
    # (the palette form and its script: whatever whitespace the page has between them)
    text = text.replace(re.escape("</form><script>"), r"</form>\s*<script>")
    return re.compile(text)


def render(env, config, squeeze=None) -> Shell | None:
    """The shell for this build's theme, or None when its markup is not of the expected
    form (no palette, no search dialog, a palette script that is not one plain script).
    A part only scripts use that is not of its expected form is left in the pages."""
    try:
        out = env.from_string(_TEMPLATE).render(config=config, page=None, base_url=_BASE)
        out += _SPLIT + _config_block(env, config)
        dialog = _DIALOG.findall(env.loader.get_source(env, "base.html")[0])
        out += _SPLIT + (dialog[0] if len(dialog) == 1 else "")
    except Exception:  # (a theme without these partials: pages stay as written)
        return None
    parts = [p.strip() for p in out.split(_SPLIT)]
    if squeeze is not None:  # the pages' compaction (site/compact.py), when on
        parts = [squeeze(p) for p in parts]
    if len(parts) != 4 + len(TAIL):
        return None
    palette, script, search, scope, *rest = parts
    m = _SCRIPT.match(script)
    if not (palette.startswith("<form") and palette.endswith("</form>") and m and "</script" not in m.group(1)
            and search.startswith("<div class=\"md-search\"")):
        return None
    tail = dict(zip(TAIL, rest, strict=True))
    if 'data-md-component="search"' not in search:  # (the pages' configuration is lightened)
        tail["cfg"] = lighter_config(tail["cfg"])
    # (the footer only while it shows nothing: a copyright or links stay for readers without JavaScript)
    if re.sub(r"<[^>]*>", "", tail["foot"]).strip() or not tail["foot"].startswith("<footer"):
        del tail["foot"]
    tail = {k: v for k, v in tail.items() if v and v.startswith("<")}
    s = _SCOPE.fullmatch(scope)
    return Shell(palette, m.group(1), search, scope if s else "", tail)


def _config_block(env, config) -> str:
    """base.html's block ``config`` (the page configuration Material's bundle reads), for
    a page at the placeholder's base: the block as the page renders it, with the names
    base.html sets before it."""
    base = env.get_template("base.html")
    lang = env.get_template("partials/language.html").make_module({"config": config})
    context = base.new_context({"config": config, "base_url": _BASE, "page": None,
                                "features": config.theme.get("features") or [], "lang": lang})
    return "".join(base.blocks["config"](context))


class _Shelled:
    """A Jinja template whose rendered page has the shell's markup (and its drawer)
    replaced."""

    def __init__(self, template, shell: Shell | None, drawers: Drawers | None = None):
        self._template = template
        self._shell = shell
        self._drawers = drawers

    def render(self, *args, **kwargs) -> str:
        out = self._template.render(*args, **kwargs)
        context = args[0] if args and isinstance(args[0], dict) else kwargs
        base_url = context.get("base_url")
        if not isinstance(base_url, str):
            return out
        if self._shell is not None:
            out = self._shell.apply(out, base_url)
        return self._drawers.apply(out, base_url) if self._drawers is not None else out

    def __getattr__(self, name):
        return getattr(self._template, name)


def install(env, shell: Shell | None, drawers: Drawers | None = None) -> None:
    """Every HTML page the build renders carries the shell's script instead of its
    markup (and its drawer's script instead of the drawer); call after site/compact.py's
    install and before the page cache wraps the environment (it stores the pages as
    written)."""
    if shell is None and drawers is None:
        return
    get_template = env.get_template

    def shelled_get_template(name, *args, **kwargs):
        template = get_template(name, *args, **kwargs)
        return _Shelled(template, shell, drawers) if str(name).endswith(".html") else template

    env.get_template = shelled_get_template


# -- the drawer -------------------------------------------------------------------------

_SIDEBAR = '<div class="md-sidebar md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation"'
_SIDEBAR_TO_NAV = re.compile(r'[^<>]*>\s*<div class="md-sidebar__scrollwrap">\s*<div class="md-sidebar__inner">\s*')
_CURRENT = "md-nav__link--active"
_RELATIVE_ROOT = re.compile(r"\.|\.\.(?:/\.\.)*")  # a page's base_url as MkDocs writes it
_NAV_TAG = re.compile(r"<(/?)nav\b")
_URL = re.compile(r'\b(href|src)="([^"]*)"')
_DRAWER_REF = re.compile(r"nb-nav\.([0-9a-f]{10})\.js")
_DRAWER_RUNTIME = """\
/* newsbrief: a page's drawer (generated: builder/site/shell.py). */
(function (s, html) {
  var root = s.getAttribute("src").replace(/assets\\/javascripts\\/nb-nav\\.[0-9a-f]+\\.js$/, "");
  var t = document.createElement("template");
  t.innerHTML = html.split(%(base)s).join(root).split(%(bare)s).join(root.replace(/\\/$/, "") || ".");
  s.replaceWith(t.content);
})(document.currentScript, %(markup)s);
"""


def drawer_span(html: str) -> tuple[int, int] | None:
    """Where the page's drawer is (the <nav> in Material's primary sidebar, nested <nav>s
    included); None unless there is exactly one such sidebar holding just that."""
    if html.count(_SIDEBAR) != 1:
        return None
    at = html.index(_SIDEBAR)
    start = html.find("<nav", at)
    if start < 0 or not _SIDEBAR_TO_NAV.fullmatch(html, at + len(_SIDEBAR), start):
        return None
    depth = 0
    for m in _NAV_TAG.finditer(html, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return start, html.index(">", m.end()) + 1
    return None


def from_root(markup: str, base_url: str) -> str | None:
    """The markup with each URL written as MkDocs writes a page's URL to the site's
    root and a path (``base_url`` + "/" + path) made a placeholder and the path, so that
    pages at other depths share it; other URLs (fragments, links to a page near this
    one) stay as they are, so the markup comes back byte for byte. None if the markup
    has the placeholder itself or a script."""
    prefix = "" if base_url == "." else base_url + "/"
    if _BASE in markup or "<script" in markup:
        return None

    def url(m: re.Match) -> str:
        value = m.group(2)
        if value == base_url:
            return f'{m.group(1)}="{_BASE}"'
        rest = value[len(prefix):] if value.startswith(prefix) else None
        if rest is None or rest.startswith(("../", "./", "/", "#")) or rest in ("..", ".") \
                or ":" in rest.split("/", 1)[0]:
            return m.group(0)
        return f'{m.group(1)}="{_BASE}/{rest}"'

    return _URL.sub(url, markup)


def drawer_js(markup: str) -> str:
    """The script of one drawer variant (markup from the root's placeholder)."""
    return _DRAWER_RUNTIME % {"base": json.dumps(_BASE + "/"), "bare": json.dumps(_BASE),
                              "markup": json.dumps(markup)}


def drawer_back(markup: str, base_url: str) -> str:
    """The variant's markup as the script puts it back on a page of this base_url."""
    prefix = "" if base_url == "." else base_url + "/"
    return markup.replace(_BASE + "/", prefix).replace(_BASE, prefix.rstrip("/") or ".")


class Drawers:
    """The drawer variants of a build: learned from the pages as they are rendered,
    kept in ``store`` (so that a page reused from the page cache finds its variant in a
    later build), and written into the site for the pages that use them."""

    def __init__(self, store: Path):
        self.store = store
        self.known: dict[str, str] = {}  # hash -> script
        self.used: set[str] = set()

    def apply(self, html: str, base_url: str) -> str:
        span = drawer_span(html) if _RELATIVE_ROOT.fullmatch(base_url) else None
        if span is None:  # (404.html: its URLs are absolute)
            return html
        start, end = span
        # (a drawer that lists the page itself, marked as the current one, is that page's
        # own: a month's, a publisher's; a script for each would weigh more than it saves)
        markup = from_root(html[start:end], base_url) if _CURRENT not in html[start:end] else None
        if markup is None:
            return html
        js = drawer_js(markup)
        key = hashlib.sha256(js.encode("utf-8")).hexdigest()[:10]
        if key not in self.known:
            self.known[key] = js
            path = self.store / f"nb-nav.{key}.js"
            try:
                stored = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                stored = None
            if stored != js:  # missing, or altered: stored again
                self.store.mkdir(parents=True, exist_ok=True)
                # (a temporary file of its own: the second core's copy may store the same one)
                replace_file(path, js.encode("utf-8"))
        prefix = "" if base_url == "." else base_url + "/"
        return f'{html[:start]}<script src="{prefix}{SHELL_DIR}/nb-nav.{key}.js"></script>{html[end:]}'

    def available(self, output: str) -> bool:
        """Whether every drawer script a stored page refers to can be published: made in
        this build, or in ``store`` with the content its name hashes (the page cache asks
        before it reuses a page; a page whose script is gone or altered is rendered again)."""
        for key in _DRAWER_REF.findall(output):
            if key in self.known:
                continue
            try:
                js = (self.store / f"nb-nav.{key}.js").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return False
            if hashlib.sha256(js.encode("utf-8")).hexdigest()[:10] != key:
                return False
            self.known[key] = js
        return True

    def note(self, output: str) -> None:
        """A page as written (rendered now or reused from the page cache): its variant."""
        self.used.update(_DRAWER_REF.findall(output))

    def write(self, site_dir: str) -> list[str]:
        """The scripts of the variants the pages use, into the site; the ones not found."""
        missing = []
        folder = Path(site_dir, SHELL_DIR)
        for key in sorted(self.used):
            js = self.known.get(key) if self.available(f"nb-nav.{key}.js") else None
            if js is None:
                missing.append(key)
                continue
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"nb-nav.{key}.js").write_text(js, encoding="utf-8")
        return missing


# -- the theme's templates compiled once, not once a build ------------------------------

TEMPLATES_DIR = "templates"  # under newsbrief's cache folder: a folder a Python and Jinja
TEMPLATES_KEEP = 400  # compiled templates kept (the least recently used others deleted)


def template_cache(env, cache_dir: Path | None) -> None:
    """Jinja's compiled templates (bytecode) kept between builds in newsbrief's cache
    folder (~0.6 s of every build compiled Material's ~100 templates again). Jinja itself
    compares a stored template's source checksum with the source it loads, and the
    bytecode's format with its own and the Python's. What else the compiled code depends
    on is in each template's key (``_TemplateCache``): the environment's syntax and
    options and the filters and tests it knows at the time, with how each is called; the
    folder is named by Jinja's and Python's versions, and the folders of other versions
    are deleted. An environment with an option whose effect cannot be said exactly (an
    autoescape or finalize function) compiles the stock way. Set before any template is
    loaded (the newsbrief plugin's on_env runs first)."""
    from . import seams

    if cache_dir is None or env.bytecode_cache is not None or not seams.usable("template-cache") \
            or _options(env) is None:
        return
    root = Path(cache_dir) / TEMPLATES_DIR
    name = hashlib.sha256(f"{jinja2.__version__}\0{sys.version}\0{sys.implementation.cache_tag}".encode())
    folder = root / name.hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other != folder:
                _remove(other)
        stored = sorted(folder.glob("*.cache"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in stored[TEMPLATES_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return  # (no folder to keep them in: compiled the stock way)
    env.bytecode_cache = _TemplateCache(str(folder))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _options(env) -> str | None:
    """What Jinja's parser and code generator read of the environment besides a
    template's source, as text; None if something of it has no exact text."""
    from jinja2.utils import _PassArg

    if type(env.autoescape) is not bool or env.finalize is not None:
        return None
    syntax = [env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
              env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
              env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
              env.keep_trailing_newline, env.optimized, env.autoescape, env.is_async,
              getattr(env, "newstyle_gettext", None)]
    classes = [env.code_generator_class, env.lexer.__class__, *(type(e) for e in env.extensions.values())]
    calls = [[kind, name, str(_PassArg.from_obj(f))] for kind, known in (("f", env.filters), ("t", env.tests))
             for name, f in sorted(known.items())]
    return json.dumps([[repr(v) for v in syntax], [f"{c.__module__}.{c.__qualname__}" for c in classes],
                       sorted(env.extensions), calls])


class _TemplateCache(FileSystemBytecodeCache):
    """jinja2.FileSystemBytecodeCache with each template's key over its name, its file
    and the environment's options now (``_options``: a filter added or changed between
    builds is another key)."""

    def get_bucket(self, environment, name, filename, source):
        options = _options(environment)
        key = hashlib.sha256(json.dumps([name, filename, options]).encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        if options is not None:
            self.load_bytecode(bucket)
            if bucket.code is not None:
                with contextlib.suppress(OSError):  # (used: kept by template_cache's pruning)
                    os.utime(self._get_cache_filename(bucket))
        return bucket

    def set_bucket(self, bucket) -> None:
        if _options(bucket.environment) is not None:
            with contextlib.suppress(OSError):  # (not stored: compiled again next build)
                super().set_bucket(bucket)
