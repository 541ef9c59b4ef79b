"""A dump's path in the front matter and the export is the same whichever command
converted: `newsbrief build`/`convert` pass `seeds` as the user wrote it, the MkDocs
plugin passes the project's absolute path to it. With `seeds/` a link to a folder
outside the project (a shared mount, the benchmark's corpus), the two once differed
(`seeds/x.txt` against `/abs/project/seeds/x.txt`), so alternating the two commands
rewrote every page of the archive."""

from __future__ import annotations

import os
from pathlib import Path

from builder.convert.discover import discover, display_path

DUMP = "1_-1-1\n\nHarbour wall repairs finish early\n\nMay 13, 2025\n\nThe wall is done.\n"


def _project(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "mount" / "dumps"
    elsewhere.mkdir(parents=True)
    (elsewhere / "a.txt").write_text(DUMP, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "seeds").symlink_to(elsewhere, target_is_directory=True)
    return project


def test_a_linked_seeds_folder_is_shown_relative_either_way(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    as_cli = dict(discover(["seeds"], [], project)[0])
    as_plugin = dict(discover([project / "seeds"], [], project)[0])
    assert list(as_cli) == list(as_plugin) == ["seeds/a.txt"]


def test_outside_the_project_the_path_stays_as_given(tmp_path):
    project = _project(tmp_path)
    outside = tmp_path / "mount" / "dumps" / "a.txt"
    assert display_path(outside, project) == outside.as_posix()
    # a path inside the project as resolved (not as written) is still relative
    (project / "docs").mkdir()
    os.symlink(project / "docs", tmp_path / "docs-link")
    assert display_path(tmp_path / "docs-link" / "x.md", project) == "docs/x.md"
