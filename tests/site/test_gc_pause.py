"""The cycle collector is off from the conversion's end to the first page, and on again
after (mkdocs_plugin._pause_gc): a build that left it off would hold every cycle the pages
make; one that never paused it walks the whole heap several times before the pages."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from site_support import REPO, seeded_project

# Run in a child: the build patches MkDocs for its duration, and the spies below stay.
SPY = textwrap.dedent("""
    import gc, json, sys
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from material.plugins.blog.plugin import BlogPlugin
    from builder.mkdocs_plugin import NewsbriefPlugin

    seen = {}
    files_event, page_event = BlogPlugin.on_files, NewsbriefPlugin.on_page_markdown

    def on_files(self, files, **kw):
        seen.setdefault("blog on_files", gc.isenabled())
        if sys.argv[2] == "fail":
            raise RuntimeError("a plugin failed")
        return files_event(self, files, **kw)

    def on_page_markdown(self, markdown, **kw):
        seen.setdefault("first page", gc.isenabled())
        return page_event(self, markdown, **kw)

    BlogPlugin.on_files, NewsbriefPlugin.on_page_markdown = on_files, on_page_markdown
    seen["before"] = gc.isenabled()
    config = load_config(sys.argv[1] + "/mkdocs.yml", site_dir=sys.argv[1] + "/site")
    config.plugins.on_startup(command="build", dirty=False)  # (as `mkdocs build` does)
    try:
        build(config)
    except Exception as e:
        seen["error"] = str(e)
    config.plugins.on_shutdown()
    seen["after"] = gc.isenabled()
    print(json.dumps(seen))
""")


def _run(project, mode: str) -> dict:
    p = subprocess.run([sys.executable, "-c", SPY, str(project), mode], cwd=project, capture_output=True,
                       text=True, timeout=600, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_collector_paused_before_pages_and_on_after(tmp_path):
    seen = _run(seeded_project(tmp_path / "p", n=6), "ok")
    assert seen == {"before": True, "blog on_files": False, "first page": True, "after": True}


def test_collector_on_again_after_a_failed_build(tmp_path):
    seen = _run(seeded_project(tmp_path / "p", n=6), "fail")
    assert seen["blog on_files"] is False
    assert "a plugin failed" in seen["error"]
    assert seen["after"] is True
