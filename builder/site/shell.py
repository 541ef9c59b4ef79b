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
"""

from __future__ import annotations

import hashlib
import json
import re

from jinja2.utils import htmlsafe_json_dumps
from mkdocs.structure.files import File

SHELL_DIR = "assets/javascripts"
_BASE = "@NB_BASE@"
_SPLIT = "\x00nb-shell\x00"
# Rendered with the page's own context names (MkDocs' `url` filter reads page and base_url).
_TEMPLATE = ('{%- import "partials/language.html" as lang with context -%}'
             "{%- set features = config.theme.features or [] -%}"
             '{%- include "partials/palette.html" -%}' + _SPLIT
             + '{%- include "partials/javascripts/palette.html" -%}' + _SPLIT
             + '{%- include "partials/search.html" -%}')
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
_SCRIPT = re.compile(r"\A<script>(.*)</script>\Z", re.S)
# A URL the page writes relative to itself: "../../../x", "./x" or "x" at the site's root.
_RELATIVE_BASE = r"(?:\./|(?:\.\./)*)"
_RUNTIME = """\
/* newsbrief: the header's palette toggles and search dialog (generated: builder/site/shell.py). */
(function () {
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
})();
"""


class Shell:
    """The shell's markup (palette, palette script, search), its script and the patterns
    that find the markup in a page."""

    def __init__(self, palette: str, palette_script: str, search: str):
        self.js = _RUNTIME % {"base": json.dumps(_BASE + "/"), "palette": json.dumps(palette),
                              "palette_script": palette_script, "search": json.dumps(search)}
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
        # (whether the page has Material's search is read before its dialog is taken out)
        html = html if 'data-md-component="search"' in html else lighter_config(html)
        html = self._palette.sub(lambda _: f'<script src="{src}"></script>', html, count=1)
        return self._search.sub(lambda _: "<script>__nb_search()</script>", html, count=1)

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
    form (no palette, no search dialog, a palette script that is not one plain script)."""
    try:
        out = env.from_string(_TEMPLATE).render(config=config, page=None, base_url=_BASE)
    except Exception:  # (a theme without these partials: pages stay as written)
        return None
    parts = [p.strip() for p in out.split(_SPLIT)]
    if squeeze is not None:  # the pages' compaction (site/compact.py), when on
        parts = [squeeze(p) for p in parts]
    if len(parts) != 3:
        return None
    palette, script, search = parts
    m = _SCRIPT.match(script)
    if not (palette.startswith("<form") and palette.endswith("</form>") and m and "</script" not in m.group(1)
            and search.startswith("<div class=\"md-search\"")):
        return None
    return Shell(palette, m.group(1), search)


class _Shelled:
    """A Jinja template whose rendered page has the shell's markup replaced."""

    def __init__(self, template, shell: Shell):
        self._template = template
        self._shell = shell

    def render(self, *args, **kwargs) -> str:
        out = self._template.render(*args, **kwargs)
        context = args[0] if args and isinstance(args[0], dict) else kwargs
        base_url = context.get("base_url")
        return self._shell.apply(out, base_url) if isinstance(base_url, str) else out

    def __getattr__(self, name):
        return getattr(self._template, name)


def install(env, shell: Shell) -> None:
    """Every HTML page the build renders carries the shell's script instead of its
    markup; call after site/compact.py's install and before the page cache wraps the
    environment (it stores the pages as written)."""
    get_template = env.get_template

    def shelled_get_template(name, *args, **kwargs):
        template = get_template(name, *args, **kwargs)
        return _Shelled(template, shell) if str(name).endswith(".html") else template

    env.get_template = shelled_get_template
