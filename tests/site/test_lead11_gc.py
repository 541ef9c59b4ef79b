"""The second core's Collector (site/second_core.py) when its caller paused the cyclic
collector (mkdocs_plugin._pause_gc) and when the process ends after the build: the young
objects of the pause are collected once, without the older heap, and a `mkdocs build`
leaves its heap frozen at the end instead of walking it again."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

from test_cold_build_speed import _project

from builder.site import second_core


class _Cycle:
    def __init__(self):
        self.me = self


def _clean_start():
    gc.unfreeze()
    gc.enable()
    assert gc.get_freeze_count() == 0


def test_made_in_a_pause_it_collects_the_pause_s_garbage_and_freezes_the_rest():
    _clean_start()
    old_garbage = _Cycle()  # older than the pause and garbage only later: no full collection for it
    gc.collect()  # (now in the oldest generation)
    old_gone = weakref.ref(old_garbage)
    del old_garbage
    gc.disable()  # the plugin's pause
    try:
        kept = _Cycle()
        garbage = _Cycle()
        gone = weakref.ref(garbage)
        del garbage
        collector = second_core.Collector(paused=True)
        assert collector.on and gc.get_freeze_count() > 0
        assert gone() is None  # the pause's cycle is freed
        assert kept.me is kept
        # The older heap was not walked (a full collection would have freed it): the price
        # of not walking it is that it stays, frozen, to the end of the build.
        assert old_gone() is not None
        collector.close()
        assert gc.get_freeze_count() == 0  # not the process's last build: unfrozen
    finally:
        gc.enable()
        gc.unfreeze()
        gc.collect()


def test_not_in_a_pause_it_stands_aside_when_the_collector_is_off():
    _clean_start()
    gc.disable()
    try:
        collector = second_core.Collector()
        assert not collector.on and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_the_last_build_of_a_process_leaves_its_heap_frozen():
    _clean_start()
    try:
        collector = second_core.Collector(last=True)
        assert collector.on
        frozen = gc.get_freeze_count()
        collector.close()
        assert gc.get_freeze_count() >= frozen // 2 > 0
        # ... and a later full collection does not walk it: a cycle made before stays.
        gc.unfreeze()
        collector = second_core.Collector()
        collector.close()
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


HOOK = """
import gc, os
def on_shutdown(**kwargs):
    with open(os.environ["FROZEN_OUT"], "w") as f:
        f.write(str(gc.get_freeze_count()))
"""

IN_PROCESS = (
    "from mkdocs.commands.build import build; from mkdocs.config import load_config; import gc, sys\n"
    "config = load_config('mkdocs.yml', site_dir='site2')\n"
    "config.plugins.on_startup(command='serve', dirty=False)\n"
    "build(config)\n"
    "open(sys.argv[1], 'w').write(str(gc.get_freeze_count()))\n")


def test_mkdocs_build_ends_frozen_and_a_serve_build_does_not(tmp_path: Path):
    # `mkdocs build` (on_startup's command "build"): the process ends after it, the heap
    # stays frozen. Under `mkdocs serve` the process builds again: it gets its heap back.
    root = _project(tmp_path / "p", "")
    (root / "frozen_hook.py").write_text(HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - frozen_hook.py\n", encoding="utf-8")
    out = tmp_path / "frozen.txt"
    env = dict(os.environ, FROZEN_OUT=str(out), NO_MKDOCS_2_WARNING="1")
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert int(out.read_text()) > 10_000
    out2 = tmp_path / "frozen2.txt"
    p = subprocess.run([sys.executable, "-c", IN_PROCESS, str(out2)], cwd=root, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert int(out2.read_text()) == 0
