"""Material's inline SVG icons from one sprite file (issue #15, small pages).

Material writes every icon of its page furniture inline (logo, menu, the three palette
toggles, search, clear, back, "back to top", ...): ~2.6 KB on every page, the same bytes
on each. With the plugin option ``icon_sprite`` (default on) those icons are drawn from
one file the browser caches, ``assets/icons.<hash>.svg`` (named by its content: never
a stale cached sprite after an upgrade), each as ``<svg viewBox><use href/></svg>``.

No Material template is overridden: the templates include an icon as a template of its
own (``{% include ".icons/material/menu.svg" %}``), and a Jinja loader put in front of
the theme's answers for the icons of the sprite. Which icons: every icon name written in
the theme's templates (Material's and overrides/) and every icon the configuration names
(``theme.icon``, the palette toggles), taken from Material's installed icon files. Any
other icon (a page's own, from its front matter) is written inline as before; so are
those Material's partials/icons.html imports into CSS (``theme.icon.admonition``,
``tag``, ``annotation``: a CSS data: URL cannot use a sprite), and any icon file not of
the plain form ``<svg xmlns viewBox>…</svg>``.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from jinja2 import BaseLoader, TemplateNotFound

SPRITE_DIR = "assets"
_NAME = re.compile(r'(?:"|\.icons/)((?:material|fontawesome/(?:brands|regular|solid)|octicons|simple)/[a-z0-9-]+)'
                   r'(?:"|\.svg)')
_ICON = re.compile(r'\A\s*<svg xmlns="http://www.w3.org/2000/svg" viewBox="([0-9. -]+)">(.*)</svg>\s*\Z', re.S)
_INCLUDED = re.compile(r"\.icons/(.+)\.svg")
_IMPORTED = re.compile(r'\{%-?\s*import\s+"\.icons/([^"]+)\.svg"')


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def for_theme(theme) -> Sprite:
    """The sprite of this theme (mkdocs config.theme)."""
    dirs = [Path(d) for d in theme.dirs]
    return Sprite(icon_names(theme, dirs), dirs)


def icon_names(theme, template_dirs: list[Path]) -> set[str]:
    """Icons the furniture may include: named in the templates or in the theme's config,
    less those partials/icons.html turns into CSS."""
    names: set[str] = set()
    imported: set[str] = set()
    for folder in template_dirs:
        for f in folder.rglob("*.html"):
            if ".icons" not in f.parts:
                text = f.read_text(encoding="utf-8", errors="replace")
                names |= set(_NAME.findall(text))
                imported |= set(_IMPORTED.findall(text))
    icon = dict(theme.get("icon") or {})
    css = _strings(icon.get("admonition")) | _strings(icon.get("tag")) | _strings(icon.get("annotation"))
    names |= _strings({k: v for k, v in icon.items() if k not in ("admonition", "tag", "annotation")})
    palette = theme.get("palette") or []
    for option in palette if isinstance(palette, list) else [palette]:
        if isinstance(option, dict):
            names |= _strings((option.get("toggle") or {}).get("icon"))
    return names - css - imported


class Sprite:
    """The sprite's symbols (name -> viewBox, markup) and its file name."""

    def __init__(self, names: set[str], theme_dirs: list[Path]):
        """`theme_dirs`: the theme's template folders in the order Jinja searches them
        (custom_dir first), so that an icon is the one the page would have inlined."""
        self.symbols: dict[str, tuple[str, str]] = {}
        for name in sorted(names):
            path = next((d / ".icons" / f"{name}.svg" for d in theme_dirs
                         if (d / ".icons" / f"{name}.svg").is_file()), None)
            try:
                m = _ICON.match(path.read_text(encoding="utf-8")) if path else None
            except (OSError, UnicodeDecodeError):
                continue
            if m and "{" not in m.group(0):  # (written into a template below, inside {% raw %})
                self.symbols[name] = (m.group(1), m.group(2))
        digest = hashlib.sha256(self.svg().encode("utf-8")).hexdigest()[:10]
        self.path = f"{SPRITE_DIR}/icons.{digest}.svg"

    @staticmethod
    def symbol_id(name: str) -> str:
        """"menu" for material/menu (most icons), "fontawesome-brands-github" for others."""
        return name.removeprefix("material/").replace("/", "-")

    def svg(self) -> str:
        body = "".join(f'<symbol id="{self.symbol_id(n)}" viewBox="{vb}">{inner}</symbol>'
                       for n, (vb, inner) in self.symbols.items())
        return f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>\n'

    def loader(self) -> BaseLoader:
        return _SpriteLoader(self)


class _SpriteLoader(BaseLoader):
    """``.icons/<name>.svg`` for the sprite's icons: a <use> of the sprite (URL relative
    to the page through MkDocs' ``url`` filter); every other template: not here. An
    icon imported rather than included (``{% import %}``: no page in its context, and
    cached across pages) is the inline icon, as Material's own file gives it."""

    def __init__(self, sprite: Sprite):
        self.sprite = sprite

    def get_source(self, environment, template):
        m = _INCLUDED.fullmatch(template)
        if not m or m.group(1) not in self.sprite.symbols:
            raise TemplateNotFound(template)
        view_box, inner = self.sprite.symbols[m.group(1)]
        href = html.escape(f"#{Sprite.symbol_id(m.group(1))}")
        # (no xmlns: an <svg> in HTML is SVG without it; kept on the inline fallback, which
        # partials/icons.html-like imports may put into a CSS data: URL)
        source = ("{%- if page is defined and base_url is defined -%}"
                  f'<svg viewBox="{view_box}"><use href="{{{{ "{self.sprite.path}" | url }}}}{href}"/></svg>'
                  f'{{%- else -%}}{{% raw %}}<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}">'
                  f"{inner}</svg>{{% endraw %}}{{%- endif -%}}")
        return source, None, lambda: True
