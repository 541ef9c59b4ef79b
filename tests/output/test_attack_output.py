"""Issue 11, second attack pass: what the rendered Markdown must withstand beyond the
hostile corpus. Pages are rendered through Python-Markdown with the extension list MkDocs
really uses (mkdocs.yml's plus MkDocs' built-ins: toc, tables, fenced_code)."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

from builder.convert import process
from builder.output.render import escape_md, render_page
from builder.rules import load_rules

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def md():
    config = load_config(str(REPO / "mkdocs.yml"))
    assert "fenced_code" in config.markdown_extensions  # MkDocs adds it whatever mkdocs.yml says
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def html(md, text: str) -> str:
    md.reset()
    return md.convert(text)


def brief(body: list[str]) -> str:
    return "\n".join(["9_-1-7", "", "A brief about fences", "", "May 13, 2025", "", "Summary", "",
                      "A first paragraph that sets the scene for the content below in this brief.",
                      *body, "A closing paragraph that ends the section without anything unusual in it.",
                      "", "", "The content is provided by Test Author, Evil Wire", ""])


@pytest.mark.parametrize("fence", ["~~~", "~~~~~~~~", "~~~python", "~~~ python", "~~~ .html"])
def test_tilde_fence_in_dump_text_is_not_code(md, fence):
    """Three tildes opening a line start fenced code (MkDocs' built-in fenced_code): the
    lines between two of them would show as code, character references and all."""
    body = ["A long first sentence of this paragraph that is surely a real paragraph.", fence,
            "Inside <b>the</b> fence & *stars* here.", fence]
    o = process(brief(body).encode(), "seeds/t.txt", load_rules())
    assert o.article is not None, o.error
    page = render_page(o.article, "seeds/t.txt").split("\n---\n", 1)[1]
    out = html(md, page)
    assert "<pre>" not in out and "<code" not in out
    assert "&amp;#" not in out  # no character reference shown as text
    assert "Inside &#60;b&#62;the&#60;/b&#62; fence &#38; *stars* here." in out
    assert f"<p>{fence}</p>" in out.replace("&#126;", "~")


@pytest.mark.parametrize("line", ["~~~", "~~~ {: .x onclick=alert(1) }", "~", "~~", "a ~~~ b"])
def test_escaped_tildes_show_literally(md, line):
    out = html(md, "\n\n".join(["x", escape_md(line), "inner", escape_md(line), "y"]))
    assert "<pre>" not in out and "<code" not in out
    assert out.replace("&#126;", "~").replace("&#123;", "{").replace("&#125;", "}").replace(
        "&#58;", ":").count(line) == 2


# --- one long block: Python-Markdown's inline pass is quadratic in its escapes ----------

LONG = "*x* <a> {b} | c: [l](javascript:x) &amp; " * 10_000  # 410 KB: minutes before the fix


@pytest.mark.parametrize("where", ["paragraph", "title", "highlight"])
def test_a_long_block_renders_in_linear_time_and_literally(md, where):
    import html as html_mod
    import re
    import time

    title = LONG if where == "title" else "A title for the long block brief"
    highlight = f"– {LONG}" if where == "highlight" else "– A plain highlight line."
    para = LONG if where == "paragraph" else "A plain paragraph of the brief with enough words in it to read."
    text = "\n".join(["9_-1-7", "", title, "", "May 13, 2025", "", "Highlights:", "", highlight, "",
                      "– A second highlight.", "", "Summary", "",
                      "A first paragraph that sets the scene for the content below in this brief.", "",
                      para, "", "", "The content is provided by Test Author, Evil Wire", ""])
    o = process(text.encode(), "seeds/long.txt", load_rules())
    assert o.article is not None, o.error
    page = render_page(o.article, "seeds/long.txt").split("\n---\n", 1)[1]
    start = time.process_time()
    out = html(md, page)
    assert time.process_time() - start < 5  # ~0.2 s; before: 17 s for half of it, quadratic
    tag = {"paragraph": "p", "title": "h1", "highlight": "li"}[where]
    blocks = re.findall(f"<{tag}[^>]*>(.*?)</{tag}>", out, re.S)
    shown = [html_mod.unescape(b) for b in blocks]
    assert LONG.strip() in shown
    assert "<a>" not in out and 'href="javascript' not in out and "<em>" not in out
    assert "A second highlight." in out and "A first paragraph that sets the scene" in out


@pytest.mark.parametrize("url", ["javascript://x/%0aalert(1)", "data:text/html,x", "ftp://example.org/",
                                 "//example.org/", "https://exa mple.org/", 'https://example.org/"onmouseover='])
def test_a_site_url_that_is_not_plain_http_is_refused(url, tmp_path, monkeypatch, capsys):
    """It ends up in every feed item's link: a `javascript:` one would run in feed readers."""
    from builder import cli
    from builder.site.build import check_site_url

    assert check_site_url(url)
    assert check_site_url("https://news.example.org/briefs/") is None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert cli.main(["build", "--site-url", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and any(w in err for w in ("must be", "holds", "not a URL"))
