"""Pages without their template indentation (issue #15: small pages).

A fifth of every page Material writes is the indentation of its templates. The plugin
option ``minify`` (default on) wraps the build's Jinja environment so that every HTML
template's output loses it: each run of whitespace that holds a line break and touches
a tag (``>`` before it or ``<`` after it) becomes one line break. Nothing else changes:
attributes keep their quotes and order, closing tags stay, text keeps its spaces, and
``<pre>``, ``<textarea>``, ``<code>``, ``<script>`` and ``<style>`` are left as they are.
A browser shows the page the same (a run of whitespace with a line break renders as one
space, or as nothing between blocks, whichever it was), and tools that parse the pages
or search them with patterns written for Material's markup keep working.

Why not minify-html: it saves 2.6 KB more a brief (measured) but unquotes and reorders
attributes, with no option to keep them.

The wrapper sits below the page cache (site/page_cache.py), so a stored page is the
compacted one: a page served from the cache costs nothing more, and the bytes are the
same with or without the cache.
"""

from __future__ import annotations

import re

# Elements whose whitespace is content (or code): copied as they are.
_VERBATIM = re.compile(r"(<(pre|textarea|code|script|style)\b.*?</\2\s*>)", re.S | re.I)
# Whitespace with a line break after a tag's end, or before a tag's start, becomes one line
# break. Both patterns start with a literal, which re looks for at C speed: before a tag's
# start, the pattern runs on the reversed text (``<`` then the run read backwards), since
# one that starts with the run itself is tried at every character (that was ~4 % of a cold
# build). Each takes a whole run (maximal whitespace holding a line break) but skips a run
# that is one line break already (nothing to replace), so the order of the two does not
# matter. tests/site/test_misc11_compact.py checks this against the old two patterns.
_RUN = r"(?:[ \t\r\f]+\n|\n(?=[ \t\r\n\f]))[ \t\r\n\f]*"
_AFTER_TAG = re.compile(">" + _RUN)
_BEFORE_TAG_REVERSED = re.compile("<" + _RUN)


def _squeeze(text: str) -> str:
    if "\n" not in text:
        return text
    text = _AFTER_TAG.sub(">\n", text)
    return _BEFORE_TAG_REVERSED.sub("<\n", text[::-1])[::-1]


def compact(html: str) -> str:
    """The page without its indentation; compact(compact(x)) == compact(x)."""
    parts = _VERBATIM.split(html)
    # split() gives [text, element, tag name, text, element, tag name, ..., text]
    out = []
    for i in range(0, len(parts), 3):
        # A verbatim element's own tags bound the text beside it: squeeze as if they were there.
        before, after = (">" if i else ""), ("<" if i + 1 < len(parts) else "")
        squeezed = _squeeze(before + parts[i] + after)
        out.append(squeezed[len(before):len(squeezed) - len(after)])
        if after:
            out.append(parts[i + 1])
    return "".join(out)


class _Compacting:
    """A Jinja template whose render() output is compacted."""

    def __init__(self, template):
        self._template = template

    def render(self, *args, **kwargs) -> str:
        return compact(self._template.render(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self._template, name)


# Besides HTML: the sitemap, one indented <url> a page (whitespace between XML tags is
# no content either; ~26 bytes a page).
_ALSO = ("sitemap.xml",)


def install(env) -> None:
    """Every HTML template the build renders (pages, 404.html), and the sitemap, gives
    compacted output; call before the page cache wraps the environment."""
    get_template = env.get_template

    def compacting_get_template(name, *args, **kwargs):
        template = get_template(name, *args, **kwargs)
        return _Compacting(template) if str(name).endswith(".html") or name in _ALSO else template

    env.get_template = compacting_get_template
