"""`newsbrief build`: run MkDocs so that an interrupted build never breaks the live site.

MkDocs writes into its site folder as it goes; killed half way, the folder is half old,
half new. So the build goes into a fresh sibling folder and replaces site/ only once it
has succeeded. The swap is two renames; a run killed between them leaves the previous
site as site.previous/, which the next run puts back before doing anything else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PARTIAL = ".partial"
PREVIOUS = ".previous"


def recover(site: Path) -> None:
    """Undo what an interrupted run left: a half-built folder, a half-done swap."""
    previous = site.with_name(site.name + PREVIOUS)
    if previous.is_dir():
        if site.is_dir():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(previous, site)
    for partial in site.parent.glob(site.name + PARTIAL + "-*"):
        shutil.rmtree(partial, ignore_errors=True)


def build(config_file: str, site_dir: str, env: dict[str, str], strict: bool = True) -> int:
    """mkdocs build into a temporary folder, then swap it in. Returns mkdocs' exit code."""
    site = Path(site_dir)
    recover(site)
    partial = site.with_name(f"{site.name}{PARTIAL}-{os.getpid()}")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", config_file, "-d", str(partial.resolve())]
    if strict:
        cmd.append("--strict")
    code = subprocess.call(cmd, env=env)
    if code != 0:
        shutil.rmtree(partial, ignore_errors=True)
        return code
    previous = site.with_name(site.name + PREVIOUS)
    if site.exists():
        os.replace(site, previous)
    os.replace(partial, site)
    shutil.rmtree(previous, ignore_errors=True)
    return 0


def serve(config_file: str, dev_addr: str, env: dict[str, str]) -> int:
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", config_file, "--dev-addr", dev_addr, "--livereload"]
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
