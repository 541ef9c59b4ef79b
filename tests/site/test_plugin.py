"""The newsbrief MkDocs plugin on small throw-away projects: it converts seeds/ at the start
of `mkdocs build`, reports rejected dumps without failing a normal build, fails a strict
one, and under `mkdocs serve` re-converts when a dump is added (without a rebuild loop).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fixture_dumps import LONG, SAMPLE
from site_support import mkdocs_serve

SAMPLE_SLUG = "trump-tells-putin-to-stop-russian-strikes-on-kyiv"
SECOND = LONG

PLAIN = """\
site_name: plugin test
site_url: http://127.0.0.1:8000/
theme:
  name: material
  font: false
plugins:
  - newsbrief{options}
  - search
"""

WITH_BLOG = """\
site_name: plugin test
site_url: http://127.0.0.1:8000/
theme:
  name: material
  font: false
plugins:
  - newsbrief
  - blog:
      blog_dir: .
      authors_file: "{blog}/posts/.authors.yml"
      authors_profiles: true
      post_url_format: "{date}/{slug}"
      post_url_date_format: yyyy/MM
markdown_extensions:
  - toc
  - admonition
  - attr_list
  - md_in_html
  - tables
"""


def make_project(root: Path, seeds: dict[str, bytes], config: str = PLAIN, options: str = "") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Test\n", encoding="utf-8")
    (root / "seeds").mkdir()
    for name, data in seeds.items():
        (root / "seeds" / name).write_bytes(data)
    (root / "mkdocs.yml").write_text(config.replace("{options}", options), encoding="utf-8")
    return root


def build(root: Path, *, strict_env: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("NEWSBRIEF_STRICT", None)
    if strict_env:
        env["NEWSBRIEF_STRICT"] = "1"
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


def output(p: subprocess.CompletedProcess) -> str:
    return p.stdout + p.stderr


@pytest.fixture
def sample() -> bytes:
    return SAMPLE.read_bytes()  # the real dump in seeds/


def test_build_converts_seeds_into_posts(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample})
    p = build(root)
    assert p.returncode == 0, output(p)
    page = root / "docs" / "posts" / "2025" / "05" / f"{SAMPLE_SLUG}.md"
    assert page.is_file()
    assert (root / "site" / "posts" / "2025" / "05" / SAMPLE_SLUG / "index.html").is_file()
    assert "newsbrief: 1 dump: 1 published, 0 rejected" in output(p)
    assert "WARNING" not in output(p)


def test_second_build_rewrites_nothing(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample})
    assert build(root).returncode == 0
    page = root / "docs" / "posts" / "2025" / "05" / f"{SAMPLE_SLUG}.md"
    mtime = page.stat().st_mtime_ns
    p = build(root)
    assert p.returncode == 0
    assert re.search(r"pages: 0 written, \d+ unchanged, 0 removed", output(p)), output(p)
    assert page.stat().st_mtime_ns == mtime


def test_removed_dump_removes_its_page(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample})
    assert build(root).returncode == 0
    (root / "seeds" / "a.txt").unlink()
    p = build(root)
    assert p.returncode == 0, output(p)
    assert not list((root / "docs" / "posts").rglob(f"{SAMPLE_SLUG}.md"))
    assert not (root / "site" / "posts" / "2025" / "05" / SAMPLE_SLUG).exists()
    assert (root / "docs" / "index.md").is_file()  # hand-written pages are left alone


def test_rejected_dump_is_reported_but_does_not_fail_a_normal_build(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample, "empty.txt": b""})
    p = build(root)
    assert p.returncode == 0, output(p)
    lines = [ln for ln in output(p).splitlines() if "empty.txt" in ln]
    assert lines and all(ln.startswith("INFO") for ln in lines), lines
    assert "rejected" in lines[0] and "empty" in lines[0].split("empty.txt", 1)[1]
    assert "1 published, 1 rejected" in output(p)
    assert (root / "site" / "posts" / "2025" / "05" / SAMPLE_SLUG / "index.html").is_file()


def test_rejected_dump_fails_a_strict_build_option(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample, "empty.txt": b""}, options=":\n      strict: true")
    p = build(root)
    assert p.returncode != 0
    assert "strict" in output(p) and "empty.txt" in output(p)


def test_rejected_dump_fails_a_strict_build_env(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample, "empty.txt": b""})
    p = build(root, strict_env=True)
    assert p.returncode != 0
    assert "empty.txt" in output(p)


def test_strict_build_without_rejections_passes(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample})
    p = build(root, strict_env=True)
    assert p.returncode == 0, output(p)


def test_missing_seeds_folder_is_a_clear_error(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample}, options=":\n      seeds: no-such-folder")
    p = build(root)
    assert p.returncode != 0
    assert "seeds folder not found" in output(p)


def test_unreadable_rules_file_is_a_clear_error(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample}, options=":\n      rules: rules.yml")
    (root / "rules.yml").write_text("- just\n- a list\n", encoding="utf-8")
    p = build(root)
    assert p.returncode != 0
    assert "rules.yml" in output(p)


def test_conversion_runs_before_the_blog_plugin_reads_posts_and_authors(tmp_path, sample):
    # A fresh project: docs/posts/ and its .authors.yml do not exist until the plugin runs.
    root = make_project(tmp_path, {"a.txt": sample}, config=WITH_BLOG)
    p = build(root)
    assert p.returncode == 0, output(p)
    site = root / "site"
    assert (site / "2025" / "05" / SAMPLE_SLUG / "index.html").is_file()
    assert (site / "author" / "harper-eastwood" / "index.html").is_file()
    assert SAMPLE_SLUG in (site / "index.html").read_text(encoding="utf-8")


# -- mkdocs serve ------------------------------------------------------------------------


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except OSError:
        return 0


@pytest.mark.slow
def test_serve_reconverts_when_a_dump_is_added_without_a_rebuild_loop(tmp_path, sample):
    root = make_project(tmp_path, {"a.txt": sample})
    log = tmp_path / "serve.log"
    with mkdocs_serve(root, log) as (proc, base):
        new_page = base + "posts/2025/06/islanders-fear-lifeline-ferry-contract-will-cut-winter-sailings/"
        deadline = time.monotonic() + 60
        while _get(base + f"posts/2025/05/{SAMPLE_SLUG}/") != 200:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        assert _get(new_page) != 200
        shutil.copy2(SECOND, root / "seeds" / SECOND.name)
        deadline = time.monotonic() + 60
        while _get(new_page) != 200:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "new dump never served:\n" + log.read_text()
            time.sleep(0.3)
        # Writing docs/posts/ during the rebuild may cause one more rebuild, not an endless
        # series: the count of builds must settle.
        time.sleep(4)
        settled = log.read_text().count("Building documentation")
        time.sleep(4)
        text = log.read_text()
        assert text.count("Building documentation") == settled, text
        assert settled <= 4, text
        warnings = [ln for ln in text.splitlines() if "WARNING" in ln and "code 404" not in ln]
        assert warnings == [], text  # (404s are this test polling for the new page)


def test_auto_search_switches_to_pagefind_at_the_threshold():
    from builder.model import OK, REJECTED, Outcome
    from builder.pipeline import Result
    from builder.site.search import choose

    def result(n_ok: int) -> Result:
        return Result(outcomes=[Outcome(f"s{i}.txt", status=OK) for i in range(n_ok)]
                      + [Outcome("bad.txt", status=REJECTED)])

    assert choose("auto", 3, result(2), None) == "material"
    assert choose("auto", 3, result(3), None) == "pagefind"
    assert choose("material", 3, result(10), None) == "material"
    assert choose("pagefind", 3, result(0), None) == "pagefind"
