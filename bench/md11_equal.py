"""Every post converted by stock Python-Markdown and with builder/site/markdown_speed.py:
HTML, table of contents tokens and the htmlStash must be the same (issue #15 item 4).

    python bench/md11_equal.py DOCS_DIR [--time N]

Uses the extensions and configuration of the project's mkdocs.yml (the bench project's:
toc with permalinks, admonition, attr_list, md_in_html, pymdownx.details, and MkDocs'
own tables and fenced_code), one
parser each way reset from post to post as in a build. Prints how many posts differ (must
be 0) and, with --time, the mean ms a post each way over N posts, alternating.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import markdown
from mkdocs.utils import meta

from builder.site import markdown_speed

EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "pymdownx.details"]
CONFIGS = {"toc": {"permalink": True}}


def parsers():
    stock = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    fast = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    assert markdown_speed.install(fast)
    return stock, fast


def convert(md, text):
    md.reset()
    html = md.convert(text)
    return html, md.toc_tokens, md.toc, list(md.htmlStash.rawHtmlBlocks)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("docs")
    ap.add_argument("--time", type=int, default=0)
    args = ap.parse_args()
    paths = sorted(Path(args.docs).rglob("*.md"))
    texts = [meta.get_data(p.read_text(encoding="utf-8"))[0] for p in paths]
    stock, fast = parsers()
    differ = 0
    for path, text in zip(paths, texts, strict=True):
        if convert(stock, text) != convert(fast, text):
            differ += 1
            print("DIFFERS", path)
    print(f"{len(texts)} documents, {differ} differ")
    if args.time:
        sample = texts[: args.time]
        times = {"stock": [], "fast": []}
        for _ in range(3):
            for name, md in (("stock", stock), ("fast", fast)):
                t = time.process_time()
                for text in sample:
                    md.reset()
                    md.convert(text)
                times[name].append((time.process_time() - t) / len(sample) * 1e3)
        for name, ms in times.items():
            print(name, " / ".join(f"{m:.3f}" for m in ms), "ms a document")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
