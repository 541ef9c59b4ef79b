"""MkDocs' Page.render of N posts (CPU ms a page), in one process, alternating: a parser
reused from page to page (round 10) without and with site/markdown_speed.py.

    python bench/md11_pages.py PROJECT_DIR [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import markdown
from mkdocs.config import load_config
from mkdocs.structure import pages
from mkdocs.structure.files import File, Files
from mkdocs.utils import meta

from builder.site import cold_speed, markdown_speed
from builder.site.blog_speed import Parsers


def main() -> None:
    project = Path(sys.argv[1]).resolve()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    config = load_config(str(project / "mkdocs.yml"))
    docs = Path(config.docs_dir)
    srcs = sorted(p.relative_to(docs).as_posix() for p in (docs / "posts").rglob("*.md"))[:n]
    files = Files([File(s, str(docs), config.site_dir, True) for s in srcs])
    texts = {s: meta.get_data((docs / s).read_text(encoding="utf-8"))[0] for s in srcs}
    ways = {"reused": Parsers(), "reused+md11": Parsers(markdown_speed.install)}
    out = {}
    for _ in range(3):
        for name, parsers in ways.items():
            pages.markdown = cold_speed._PageMarkdown(markdown, parsers)
            t = time.process_time()
            for s in srcs:
                page = pages.Page(None, files.get_file_from_path(s), config)
                page.markdown = texts[s]
                page.render(config, files)
                out.setdefault(name, {})[s] = (page.content, str(page.toc), page._title_from_render)
            pages.markdown = markdown
            print(f"{name}: {(time.process_time() - t) / len(srcs) * 1e3:.3f} ms a page", flush=True)
    a, b = out.values()
    print(f"{len(srcs)} pages, {sum(a[s] != b[s] for s in srcs)} differ (content, toc, title)")


if __name__ == "__main__":
    main()
