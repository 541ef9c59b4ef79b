"""`newsbrief serve` loads the conversion's language model while it waits for changes
(pipeline.warm_up, started from the plugin's on_serve), so that the first change after
the server starts does not wait ~0.65 s for it (bench/serve.py measures the first change)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from mkdocs.config import load_config

from builder import mkdocs_plugin, pipeline
from builder.convert import lang

REPO = Path(__file__).resolve().parents[1]


def test_warm_up_loads_the_language_model(monkeypatch):
    monkeypatch.setattr(lang, "_identifier", None)
    pipeline.warm_up()
    assert lang._identifier is not None
    assert lang.detect("Le gouvernement a annoncé mardi une réforme des retraites.") == "fr"


class _Server:
    def __init__(self):
        self.watched = []

    def watch(self, path, *args, **kwargs):
        self.watched.append(path)


def _plugin(tmp_path: Path, command: str):
    root = tmp_path / "p"
    root.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("docs", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("posts"))
    (root / "seeds").mkdir()
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["newsbrief"]
    plugin.on_startup(command=command, dirty=False)
    return plugin, config


def test_serve_warms_up_in_the_background_and_build_does_not(tmp_path: Path, monkeypatch):
    started = threading.Event()
    monkeypatch.setattr(mkdocs_plugin, "warm_up", started.set)
    plugin, config = _plugin(tmp_path / "serve", "serve")
    plugin.config.fast_render = False  # (the fake server is not MkDocs' LiveReloadServer)
    plugin.on_serve(_Server(), config=config, builder=None)
    assert started.wait(10)
    started.clear()
    plugin, config = _plugin(tmp_path / "build", "build")  # (on_serve is never called there; nor
    plugin.config.fast_render = False                      # does a build keep a conversion memory)
    plugin.on_serve(_Server(), config=config, builder=None)
    assert not started.wait(0.5)
