"""Conversions run through the CLI inside a project folder, as a user runs them: shared by
the tests that compare an incremental conversion with a cold one."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

from invariants import tree

from builder.cli import main


def convert_in(project: Path, *extra: str, workers: int = 2) -> None:
    """`newsbrief convert seeds` in `project`; it must succeed."""
    with contextlib.chdir(project):
        assert main(["convert", "-q", "--workers", str(workers), *extra, "seeds"]) == 0


def export_of(project: Path) -> str:
    """`newsbrief export seeds` in `project`: its JSON text."""
    out = io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(out):
        assert main(["export", "-q", "--workers", "1", "seeds"]) == 0
    return out.getvalue()


def cold_copy(project: Path, dest: Path) -> Path:
    """`project`'s seeds copied to `dest` and converted there without a cache, in one
    worker: the reference an incremental conversion must equal."""
    shutil.copytree(project / "seeds", dest / "seeds")
    convert_in(dest, "--no-cache", workers=1)
    return dest


def cold(project: Path, dest: Path) -> tuple[dict[str, bytes], str]:
    """The posts folder and export of a cold conversion of `project`'s seeds."""
    cold_copy(project, dest)
    return tree(dest / "docs" / "posts"), export_of(dest)
