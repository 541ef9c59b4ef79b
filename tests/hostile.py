"""The hostile corpus: injection vectors placed in every part of a dump.

`python tests/hostile.py` (re)writes tests/data/hostile/*.txt; the files are committed
so that a reviewer can read exactly what the tests feed the builder. Each dump carries
a marker `NBH-<n>` in its title so a test can find its page in the built site.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "hostile"

# One line each; every one must show literally on the page and run nothing.
VECTORS = [
    # <script> in every casing and split form
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script src=//evil.example/x.js></script>",
    "<script\t>alert(1)</script >",
    "</script><script>alert(1)</script>",
    # event handlers on any tag
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="#" onclick="alert(1)">click me</a>',
    "<details open ontoggle=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    # dangerous URLs in links, reference links, autolinks, images
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click][evil] and [evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "<https://evil.example/steal?c=1>",
    # entities and percent-encoding that decode into markup
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "[click](javascript&#58;alert(1))",
    "[click](java&#x09;script:alert(1))",
    # MathML / SVG
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    # Jinja
    "{{ config }}",
    '{% include "/etc/passwd" %}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{# comment #} {%- raw -%}",
    # extension syntax
    '--8<-- "/etc/passwd"',
    ';--8<-- "/etc/passwd"',
    '{: onclick="alert(1)" }',
    'text {: onmouseover="alert(1)" }',
    '!!! danger "<img src=x onerror=alert(1)>"',
    "??? note",
    ":smile: :fontawesome-brands-github: :material-alert:",
    "text[^1] and [^1]: <script>alert(1)</script>",
    "| <script>alert(1)</script> | x |",
    '<div markdown="1">*x* <script>alert(1)</script></div>',
    "```html",
    "<!-- more -->",
    "<!-- --> <!--",
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<object data=javascript:alert(1)></object>",
    "# heading {: #x onclick=alert(1) }",
    "*[HTML]: <script>alert(1)</script>",
    "    indented code <script>",
]
POSITIONS = ["title", "highlight", "heading", "paragraph", "byline"]
# Multi-line vectors: paragraphs only (they are several lines by nature).
BLOCKS = [
    ["```", "<script>alert(1)</script>", "```"],
    ["--8<--", "/etc/passwd", "--8<--"],
    ["| a | b |", "|---|---|", "| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |"],
    ["<div>", "<script>alert(1)</script>", "</div>"],
    ["[evil]: javascript:alert(1)", "[click][evil]"],
    ["<scr", "ipt>alert(1)</scr", "ipt>"],
]


def dump(n: int, vector: str, position: str) -> str:
    marker = f"NBH-{n:03d}"
    title = f"{marker} {vector}" if position == "title" else f"{marker} hostile input in the {position}"
    highlight = f"– Vector: {vector}" if position == "highlight" else "– Vector: a plain highlight line."
    heading = vector if position == "heading" else "What Was Sent"
    para = (f"The scraper delivered this line inside a paragraph: {vector}" if position == "paragraph"
            else "The scraper delivered a hostile line elsewhere in this dump, and this paragraph is plain.")
    byline = (f"The content is provided by {vector}, Evil Wire" if position == "byline"
              else "The content is provided by Test Author, Evil Wire")
    return "\n".join([
        f"9_-{n}-1", "", title, "", "May 13, 2025", "", "Share", "", "Highlights:", "", highlight, "",
        "Summary", "", "A first paragraph that sets the scene for the hostile content below in this brief.",
        "", heading, "", para, "A second paragraph that closes the section without anything unusual in it.",
        "", "", byline, "", "May 13, 2025", "Sponsored",
    ])


def block_dump(n: int, lines: list[str]) -> str:
    return "\n".join([
        f"9_-{n}-1", "", f"NBH-{n:03d} hostile block in the body", "", "May 13, 2025", "", "Summary", "",
        "A first paragraph that sets the scene for the hostile content below in this brief.", *lines,
        "A closing paragraph of the story after the hostile block of lines.", "", "",
        "The content is provided by Test Author, Evil Wire",
    ])


def corpus() -> dict[str, tuple[str, str, str]]:
    """file name -> (text, vector, position)"""
    out: dict[str, tuple[str, str, str]] = {}
    n = 0
    for vector in VECTORS:
        for position in POSITIONS:
            out[f"h{n:03d}_{position}.txt"] = (dump(n, vector, position), vector, position)
            n += 1
    for lines in BLOCKS:
        out[f"h{n:03d}_block.txt"] = (block_dump(n, lines), "\n".join(lines), "block")
        n += 1
    return out


def write(folder: Path = OUT) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    files = corpus()
    for name, (text, _, _) in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return len(files)


if __name__ == "__main__":
    print(f"wrote {write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)} dumps")
