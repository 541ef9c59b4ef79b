"""The drawer scripts (site/shell.py, option ``light_drawer``) and the page cache: a page
reused from the cache refers to a drawer script by its content hash. If that script is
gone from ``.newsbrief-cache/drawers/`` or altered there, the page is rendered again
(never an error, never a script that does not match its name), and the site is the same
as a cold build's."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_support import copy_site_sources

pytestmark = pytest.mark.slow

SCRIPT = re.compile(r"nb-nav\.([0-9a-f]{10})\.js")


def _build(project: Path, site: str) -> tuple[Path, str]:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml", "-d", site],
                          cwd=project, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project / site, proc.stderr


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _same_but_stamps(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        if name.endswith((".xml", ".json", ".gz")):
            continue  # feeds and sitemap carry the build's time
        assert a[name] == b[name], name


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("project-drawer-cache")
    copy_site_sources(project)
    return project


def test_a_missing_or_altered_drawer_script_renders_the_page_again(project: Path) -> None:
    cold, _ = _build(project, "site-cold")
    cold_files = _files(cold)
    keys = sorted({k for body in cold_files.values() for k in SCRIPT.findall(body.decode("utf-8", "replace"))})
    assert keys, "the sample site's pages take their drawer from a script"
    store = project / ".newsbrief-cache" / "drawers"
    for key in keys:  # each script in the site is what its name hashes
        js = cold_files[f"assets/javascripts/nb-nav.{key}.js"]
        assert hashlib.sha256(js).hexdigest()[:10] == key

    shutil.rmtree(store)  # gone: pages that refer to a script are rendered again
    again, log = _build(project, "site-gone")
    assert "rendered again" in log or "failed their check" in log
    _same_but_stamps(cold_files, _files(again))

    victim = store / f"nb-nav.{keys[0]}.js"  # altered: never published as it is
    victim.write_text("alert('not the drawer')", encoding="utf-8")
    altered, _ = _build(project, "site-altered")
    altered_files = _files(altered)
    _same_but_stamps(cold_files, altered_files)
    assert b"not the drawer" not in altered_files[f"assets/javascripts/nb-nav.{keys[0]}.js"]
    assert "not the drawer" not in victim.read_text(encoding="utf-8")  # and stored again as it is
