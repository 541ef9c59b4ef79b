"""The conversion memory of `newsbrief serve` (output/cache.py Memory) is kept when the
same cache folder is named another way: `mkdocs serve` gives its first build the
configuration file's path as written (relative) and its rebuilds an absolute one, and the
first change after the server started read the whole cache again (~1.5 s at 10k)."""

from __future__ import annotations

import os
from pathlib import Path

from test_conv10_memory import _plugin_call, _project

from builder.output.cache import CACHE_DIR, Memory


def test_the_same_folder_relative_absolute_or_through_a_link_is_the_same_memory(tmp_path: Path):
    project = _project(tmp_path, "paths", n=6)
    memory = Memory()
    _plugin_call(project, memory)
    folder = project / CACHE_DIR
    key = next(folder.glob("convert-*.json")).name[len("convert-"):-len(".json")]
    here = os.getcwd()
    os.chdir(project)
    try:
        assert memory.take(Path(CACHE_DIR), key) is not None  # relative, as the first serve build names it
    finally:
        os.chdir(here)
    _plugin_call(project, memory)
    link = tmp_path / "link"
    link.symlink_to(project, target_is_directory=True)
    assert memory.take(link / CACHE_DIR, key) is not None  # the project through a link
    _plugin_call(project, memory)
    assert memory.take(tmp_path / CACHE_DIR, key) is None  # another folder is still another
