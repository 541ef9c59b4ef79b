"""Round 10 (the +1 conversion of a long-lived process): convert()'s `memory` (the
conversion cache kept parsed between two calls of one process, output/cache.py Memory)
gives the posts folder and the caches a run without it gives, after additions, edits and
removals; a conversion by another process in between is seen (the memory is dropped, the
files read again); and a run leaves no cycle holding its outcomes for the collector."""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
from pathlib import Path

import orjson
from convert_support import cold_copy, convert_in
from dumpgen import make_dump
from invariants import tree

from builder.model import Outcome
from builder.output import cache as cache_mod
from builder.output import fanout
from builder.output.cache import CACHE_DIR, Memory
from builder.output.store import replace_file
from builder.pipeline import convert
from builder.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]


def _plugin_call(project: Path, memory: Memory | None) -> None:
    """convert() as the MkDocs plugin calls it (absolute paths, the project's root)."""
    result = convert([project / "seeds"], load_rules(None), project / "docs" / "posts", workers=2,
                     cache_dir=project / CACHE_DIR, root=project, memory=memory)
    assert not result.errors


def _caches(project: Path) -> dict:
    """What the cache folder holds, but for the dumps' sizes and mtimes (another project's)."""
    folder = project / CACHE_DIR
    out = {}
    for path in sorted(folder.glob("*-*.json")):
        if path.name.startswith("convert-"):
            raw = orjson.loads(path.read_bytes())
            out[path.name] = {k: v for k, v in raw.items() if k != "index"} | {
                "shas": {src: e[2] for src, e in raw["index"].items()}}
        else:
            out[path.name] = path.read_bytes()
    return out


def _cold(project: Path, dest: Path) -> tuple[dict[str, bytes], dict]:
    cold_copy(project, dest)
    return tree(dest / "docs" / "posts"), _caches(dest)


def _counting_inits(monkeypatch, project: Path) -> list[int]:
    """[how many times the project's cache files were read (a ConvertCache made for them)]."""
    made = [0]
    init = cache_mod.ConvertCache.__init__

    def counted(self, folder, key):
        made[0] += Path(folder).resolve() == (project / CACHE_DIR).resolve()
        init(self, folder, key)

    monkeypatch.setattr(cache_mod.ConvertCache, "__init__", counted)
    return made


def _project(tmp_path: Path, name: str, n: int = 20) -> Path:
    project = tmp_path / name
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    rng = random.Random(10)
    for i in range(n):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    return project


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " Officials said talks would resume.\n",
                    encoding="utf-8")


STEPS = [
    ("add", lambda s: (s / "g-new.txt").write_text(make_dump(random.Random(-8)).text, encoding="utf-8")),
    ("edit", lambda s: _edit(s / "d05.txt")),
    ("edit the new one", lambda s: _edit(s / "g-new.txt")),
    ("remove", lambda s: (s / "d07.txt").unlink()),
    ("nothing", lambda s: None),
    ("the new one goes", lambda s: (s / "g-new.txt").unlink()),
    ("touched, same bytes", lambda s: os.utime(s / "d03.txt", ns=(1, 10**18))),
]


def test_memory_gives_what_a_cold_conversion_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 8)  # a "big" archive at 20 dumps: the +1 paths run
    project = _project(tmp_path, "mem")
    made = _counting_inits(monkeypatch, project)
    memory = Memory()
    _plugin_call(project, memory)
    assert made[0] == 1
    for i, (name, change) in enumerate(STEPS):
        before = tree(project / "docs" / "posts")
        change(project / "seeds")
        _plugin_call(project, memory)
        assert made[0] == 1, name  # the kept cache was used: its files were not read again
        got = tree(project / "docs" / "posts")
        posts, caches = _cold(project, tmp_path / f"cold-{i}")
        assert got.keys() == posts.keys(), (name, sorted(got.keys() ^ posts.keys()))
        assert [rel for rel in got if got[rel] != posts[rel]] == [], name
        assert _caches(project) == caches, name
        assert (got != before) == (name not in ("nothing", "touched, same bytes")), name


def test_a_conversion_by_another_process_in_between_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 8)
    project = _project(tmp_path, "other")
    seeds = project / "seeds"
    made = _counting_inits(monkeypatch, project)
    memory = Memory()
    _plugin_call(project, memory)
    _plugin_call(project, memory)
    assert made[0] == 1
    # Another process converts a change (and undoes one of this process's: the new dump
    # comes and goes), then this process converts the next change.
    (seeds / "g-new.txt").write_text(make_dump(random.Random(-11)).text, encoding="utf-8")
    _edit(seeds / "d02.txt")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    subprocess.run([sys.executable, "-m", "builder.cli", "convert", "-q", "seeds"], cwd=project, env=env,
                   check=True)
    (seeds / "d04.txt").unlink()
    _plugin_call(project, memory)
    assert made[0] == 2  # the kept cache was dropped: the files were read again
    posts, caches = _cold(project, tmp_path / "cold-1")
    assert tree(project / "docs" / "posts") == posts
    assert _caches(project) == caches
    # The same in this process, without the memory (as `newsbrief convert` beside `serve`).
    _edit(seeds / "d06.txt")
    convert_in(project)
    (seeds / "g-new.txt").unlink()
    _plugin_call(project, memory)
    assert made[0] == 4  # (the CLI's, then the memory's, dropped)
    posts, caches = _cold(project, tmp_path / "cold-2")
    assert tree(project / "docs" / "posts") == posts
    assert _caches(project) == caches


def test_a_cache_file_replaced_with_the_same_bytes_drops_the_memory(tmp_path):
    project = _project(tmp_path, "replaced", n=6)
    memory = Memory()
    _plugin_call(project, memory)
    folder = project / CACHE_DIR
    key = next(folder.glob("convert-*.json")).name[len("convert-"):-len(".json")]
    for name in ("convert", "records", "related"):
        _plugin_call(project, memory)  # (kept again)
        path = folder / f"{name}-{key}.json"
        replace_file(path, path.read_bytes())
        assert memory.take(folder, key) is None, name
    _plugin_call(project, memory)
    assert memory.take(folder, "0" * 16) is None  # another fingerprint
    _plugin_call(project, memory)
    assert memory.take(tmp_path, key) is None  # another folder
    _plugin_call(project, memory)
    assert memory.take(folder, key) is not None


def test_a_run_leaves_no_cycle_holding_its_outcomes(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 8)  # the fan-out batch is started
    project = _project(tmp_path, "cycles")
    convert_in(project)
    _edit(project / "seeds" / "d01.txt")
    assert len(list((project / "seeds").glob("*.txt"))) == 20
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        convert_in(project)  # (main() drops the result: freed as it goes, unless a cycle holds it)
        left = sum(isinstance(o, Outcome) for o in gc.get_objects())
    finally:
        if enabled:
            gc.enable()
    # (before: every one of the 20; now at most the first pass's own result, which its
    # finished pool's result object holds until collected: fanout.py's, not the run's)
    assert left <= 1
