"""Small pages, round 2 (issue #15): a digest lists each brief as headline, byline and
lead sentence (builder/output/digests.py); the home page's pages after the first list
titles (builder/site/lists.py); the post's sidebar leaves out the metadata the byline
shows (overrides/blog-post.html, seams.PATCHED_COPIES); the authors' avatars are files
(builder/site/avatars.py), not a data: URI on every page that shows the author; Material's
furniture icons are drawn from one sprite file (builder/site/icons.py)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import random
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from dumpgen import make_dump
from site_support import briefs_meta, copy_site_sources, link_target, site_pages

from builder.output.authors import avatar_svg
from builder.site import avatars, icons, seams

pytestmark = pytest.mark.slow

BRIEF = re.compile(r"^\d{4}/\d{2}/[^/]+/index\.html$")
CARD = '<article class="md-post md-post--excerpt">'
# A title row (overrides/blog-list.html): the headline's link, a line break, the day.
ROW = re.compile(r'<li><a href="([^"]+)">(?:(?!</li>).)*?</a><br>\n<time datetime=', re.S)
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
POST_SIDEBAR = re.compile(r'<div class="md-sidebar md-sidebar--post".*?</nav>\s*</div>\s*</div>\s*</div>', re.S)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample dumps and 40 more over ten days of January 2024 (digests of several
    briefs, a home page that runs to several pages), built as configured."""
    project = tmp_path_factory.mktemp("project-site-size2")
    copy_site_sources(project)
    for i in range(40):
        gen = make_dump(random.Random(100 + i), day=dt.date(2024, 1, 1) + dt.timedelta(days=i % 10),
                        ident=f"1_-{8100000 + i}-1")
        (project / "seeds" / f"size2-{i:03d}.txt").write_text(gen.text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "does not hold" not in proc.stdout + proc.stderr  # no seam fell back to Material's own
    return project


@pytest.fixture(scope="module")
def pages(project: Path) -> dict[str, str]:
    return site_pages(project / "site")




def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- digests: headline, byline, lead sentence; nothing of the brief's body -----------

def test_a_digest_lists_headline_byline_and_lead_sentence_of_each_brief(project, pages):
    meta = briefs_meta(project)
    digests = [n for n in pages if re.match(r"digests/\d{4}/(\d{2}/)?(daily|weekly)-[^/]+/index\.html$", n)]
    assert any("/daily-" in n for n in digests) and any("/weekly-" in n for n in digests)
    lines = 0
    for name in digests:
        article = ARTICLE.search(pages[name]).group(1)
        assert "<h2" not in article, name  # no heading a brief
        assert 'data-md-component="toc"' not in pages[name], name  # no heading a brief: no table of contents
        for item in re.findall(r"<li>(.*?)</li>", article, re.S):
            link = re.match(r'<strong><a href="([^"]+)">(.*?)</a></strong>', item)
            assert link, f"{name}: {item[:120]}"
            brief = meta[link_target(name, link.group(1))]
            text = _text(item)
            assert text.startswith(_text(link.group(2))), name
            if brief.get("publisher"):
                assert html.unescape(str(brief["publisher"])) in text, name
            lead = _text(str(brief.get("description") or ""))
            assert text.endswith(lead), f"{name}: the lead sentence is not the line's end"
            for highlight in brief.get("highlights") or []:  # the brief's page has those
                if _text(str(highlight)) not in lead:
                    assert _text(str(highlight)) not in text, name
            lines += 1
    assert lines >= 40


# --- home: cards on its first page, titles on the others ------------------------------

def test_the_home_page_has_cards_and_its_later_pages_list_titles(project, pages):
    home = pages["index.html"]
    # the first page holds the newest 10 to 19 (lists numbered from the oldest: site/pagination.py)
    cards = home.count(CARD)
    assert 10 <= cards <= 19 and "md-post__content" in home
    later = sorted(n for n in pages if re.match(r"page/\d+/index\.html$", n))
    assert len(later) >= 1  # (fifty titles a page: index_titles_per_page, test_site_size4.py)
    listed: list[str] = []
    for name in later:
        assert CARD not in pages[name] and "md-post__content" not in pages[name], name
        rows = ROW.findall(pages[name])
        assert rows, name
        listed += [link_target(name, h) for h in rows]
    first = [link_target("index.html", h) for h in re.findall(
        r'<div class="md-post__action">\s*<a href="([^"]+)"', home)]
    assert len(first) == cards
    briefs = set(briefs_meta(project))
    assert sorted(first + listed) == sorted(briefs)  # every brief once, cards or titles
    # the digests' index likewise
    digest_later = [n for n in pages if re.match(r"digests/page/\d+/index\.html$", n)]
    # (the digests fill numbered pages only past 19: the first page holds the newest 10 to 19)
    assert all(CARD not in pages[n] and ROW.search(pages[n]) for n in digest_later)
    digests_shown = pages["digests/index.html"].count(CARD)
    assert (10 <= digests_shown <= 19) if digest_later else digests_shown >= 1


# --- the post's sidebar: no second copy of the byline ---------------------------------

def test_the_post_sidebar_does_not_repeat_the_byline(pages):
    briefs = [n for n in pages if BRIEF.match(n)]
    assert len(briefs) > 40
    for name in briefs:
        page = pages[name]
        byline = re.search(r'<div class="nb-byline">(.*?)</div>', page, re.S).group(1)
        assert 'class="nb-byline__date"' in byline and "min read" in byline, name
        sidebar = POST_SIDEBAR.search(page).group(0)
        assert "md-post__meta" not in sidebar and "<time" not in sidebar and "min read" not in sidebar, name
        assert 'aria-label="Metadata"' in sidebar  # still a named region (accessibility)
        assert "md-post__back" in sidebar  # and still the way back
    seams._check_template_overrides()  # the copy is Material's with the declared patches


def test_without_a_byline_the_sidebar_keeps_the_metadata(tmp_path):
    """The patched template leaves the metadata out only when the page has the byline."""
    from jinja2 import DictLoader, Environment

    original = (seams.material_templates() / "blog-post.html").read_text(encoding="utf-8")
    patched = seams._LEADING_COMMENT.sub("", (seams._OVERRIDES / "blog-post.html").read_text(encoding="utf-8"))
    main = "{% block container %}{% endblock %}"
    for content, shown in (("<h1>T</h1><p>x</p>", True), ('<h1>T</h1><div class="nb-byline">d</div>', False)):
        env = Environment(loader=DictLoader({"blog-post.html": patched, "main.html": main,
                                             "partials/nav-item.html": "{% macro render() %}{% endmacro %}",
                                             "partials/content.html": "{{ page.content }}"}))
        env.filters["url"] = env.filters["date"] = lambda v: str(v)
        page = SimpleNamespace(parent=SimpleNamespace(url="/"), authors=[], categories=[SimpleNamespace(
            url="p/", title="Pub")], content=content, config=SimpleNamespace(
            date=SimpleNamespace(created="2025-01-01", updated=None), readtime=3, links=None))
        env.globals.update(lang=SimpleNamespace(t=lambda k: k), features=[])
        env.loader.mapping.update({f".icons/material/{i}.svg": "<svg/>" for i in (
            "arrow-left", "calendar", "calendar-clock", "bookshelf", "clock-outline")})
        out = env.get_template("blog-post.html").render(page=page)
        assert ("2025-01-01</time>" in out and "Pub</a>" in out and "readtime.other" in out) == shown
    assert original.count("{% if page.config.readtime %}") == 1


# --- avatars: files, not data: URIs -------------------------------------------------------

def test_avatars_are_files_of_the_site(project, pages):
    site = project / "site"
    authors = yaml.safe_load((project / "docs/posts/.authors.yml").read_text(encoding="utf-8"))["authors"]
    wanted = {base64.b64decode(a["avatar"].split(",", 1)[1]) for a in authors.values()}
    assert all(a["avatar"] == avatar_svg(a["name"]) for a in authors.values())  # the builder's own
    seen = set()
    for name, page in pages.items():
        assert "data:image/svg+xml" not in page, name
        for src in re.findall(r'<img src="([^"]+)"', page):
            path = link_target(name, src)
            assert path.startswith(avatars.AVATAR_DIR + "/") and path.endswith(".svg"), (name, src)
            seen.add((site / path).read_bytes())
    assert seen == wanted  # every author's own avatar, and no other image


def test_as_files_turns_data_avatars_into_files_once():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    a1, a2 = SimpleNamespace(avatar=uri), SimpleNamespace(avatar=uri)
    other = SimpleNamespace(avatar="https://example.org/a.png")
    broken = SimpleNamespace(avatar="data:image/svg+xml;base64,!!not base64!!")
    blogs = [SimpleNamespace(authors={"a": a1, "o": other}), SimpleNamespace(authors={"a": a2, "b": broken})]

    class Files(list):
        def get_file_from_path(self, path):
            return next((f for f in self if f.src_uri == path), None)

    files = Files()
    config = SimpleNamespace(docs_dir="/nonexistent", site_dir="/tmp/site", use_directory_urls=True,
                             plugins=SimpleNamespace(_current_plugin=None))
    avatars.as_files(blogs, files, config)
    assert len(files) == 1 and files[0].content_bytes == svg
    assert a1.avatar == a2.avatar == files[0].src_uri and a1.avatar.startswith("assets/avatars/")
    assert other.avatar == "https://example.org/a.png" and broken.avatar.startswith("data:")


# --- icons: one sprite file, the same drawing -----------------------------------------------

def test_furniture_icons_come_from_the_sprite_and_draw_what_material_draws(project, pages):
    site = project / "site"
    sprites = list((site / "assets").glob("icons.*.svg"))
    assert len(sprites) == 1
    sprite = sprites[0].read_text(encoding="utf-8")
    symbols = dict(re.findall(r'<symbol id="([^"]+)" viewBox="[^"]+">(.*?)</symbol>', sprite))
    material = seams.material_templates() / ".icons"
    for sid, inner in symbols.items():  # each symbol is the installed icon's drawing
        name = sid if sid.startswith(("fontawesome-", "octicons-", "simple-")) else f"material/{sid}"
        path = material / (name.replace("fontawesome-", "fontawesome/").replace("brands-", "brands/")
                           .replace("regular-", "regular/").replace("solid-", "solid/") + ".svg")
        assert inner in path.read_text(encoding="utf-8"), sid
    used = 0
    for name, page in pages.items():
        if not BRIEF.match(name) and name not in ("index.html", "404.html"):
            continue
        for href in re.findall(r'<use href="([^"]+)"', page):
            file, _, sid = href.partition("#")
            assert (site / link_target(name, file)) == sprites[0] or name == "404.html", (name, href)
            assert sid in symbols, (name, href)
            used += 1
        # what is left inline: the pagination's arrows (imported by the template, so cached
        # across pages: no page-relative URL there) and nothing of the header
        header = page.split('<div class="md-container"', 1)[0]
        assert "<path" not in header, name
    # (the palette's and the search dialog's icons are in the light pages' script: site/shell.py)
    assert used > 4 * 40


def test_the_sprite_leaves_css_and_imported_icons_inline():
    from jinja2 import ChoiceLoader, DictLoader, Environment, TemplateNotFound

    sprite = icons.Sprite({"material/menu", "material/close"}, [seams.material_templates()])
    env = Environment(loader=ChoiceLoader([sprite.loader(), DictLoader({
        "inc": '{% include ".icons/material/menu.svg" %}',
        "imp": '{% import ".icons/material/menu.svg" as i %}{{ i | string }}'})]))
    env.filters["url"] = lambda v: "../" + v
    assert env.get_template("inc").render(page=object(), base_url="..") == (
        f'<svg viewBox="0 0 24 24"><use href="../{sprite.path}#menu"/></svg>')
    menu = (seams.material_templates() / ".icons/material/menu.svg").read_text(encoding="utf-8").strip()
    assert env.get_template("imp").render(page=object(), base_url="..") == menu  # no page context: inline
    with pytest.raises(TemplateNotFound):  # an icon outside the sprite: the theme's own file
        sprite.loader().get_source(env, ".icons/material/magnify.svg")
    theme = {"icon": {"logo": "material/library", "admonition": {"note": "material/menu"}},
             "palette": [{"toggle": {"icon": "material/brightness-7"}}]}
    names = icons.icon_names(theme, [seams.material_templates()])
    assert {"material/library", "material/brightness-7", "material/magnify"} <= names
    assert "material/menu" not in names  # partials/icons.html turns admonition icons into CSS
    assert "material/chevron-left" not in names  # partials/pagination.html imports it
