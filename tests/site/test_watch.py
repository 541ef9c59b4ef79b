"""`mkdocs serve` watches docs/ but not the posts folder each build writes (site/watch.py)."""

from __future__ import annotations

import os

from builder.site.watch import watch_docs_except


class FakeServer:
    """MkDocs' LiveReloadServer's watch bookkeeping (counts per path, KeyError on unwatch)."""

    def __init__(self):
        self.watched: dict[str, bool] = {}

    def watch(self, path, recursive=True):
        self.watched[os.path.abspath(path)] = recursive

    def unwatch(self, path):
        del self.watched[os.path.abspath(path)]


def test_everything_in_docs_but_the_posts_folder_is_watched(tmp_path):
    docs = tmp_path / "docs"
    for d in ("posts/2024", "archive", "stylesheets/x"):
        (docs / d).mkdir(parents=True)
    server = FakeServer()
    server.watch(str(docs))
    assert watch_docs_except(server, str(docs), str(docs / "posts"))
    assert server.watched == {str(docs): False, str(docs / "archive"): True, str(docs / "stylesheets"): True}


def test_a_nested_posts_folder_keeps_its_siblings_watched(tmp_path):
    docs = tmp_path / "docs"
    for d in ("blog/posts", "blog/extra", "about"):
        (docs / d).mkdir(parents=True)
    server = FakeServer()
    server.watch(str(docs))
    assert watch_docs_except(server, str(docs), str(docs / "blog" / "posts"))
    assert server.watched == {str(docs): False, str(docs / "about"): True, str(docs / "blog"): False,
                              str(docs / "blog" / "extra"): True}


def test_a_posts_folder_outside_docs_leaves_the_watch_alone(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "elsewhere").mkdir()
    server = FakeServer()
    server.watch(str(docs))
    assert not watch_docs_except(server, str(docs), str(tmp_path / "elsewhere"))
    assert not watch_docs_except(server, str(docs), str(docs))
    assert server.watched == {str(docs): True}


# -- the seeds folder through the system's file events ------------------------------------

class _Flag:
    """What MkDocs' LiveReloadServer's watch callback sets: the rebuild flag under its condition."""

    def __init__(self):
        import threading

        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False

    def wait(self, timeout: float) -> bool:
        with self._rebuild_cond:
            self._rebuild_cond.wait_for(lambda: self._want_rebuild, timeout=timeout)
            seen, self._want_rebuild = self._want_rebuild, False
            return seen


def test_a_dump_written_changed_or_removed_asks_for_a_rebuild_and_a_read_does_not(tmp_path):
    import time

    from builder.site.watch import native_observer_class, watch_natively

    assert native_observer_class() is not None  # (Linux: inotify)
    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    (seeds / "batch").mkdir()
    (seeds / "batch" / "b.txt").write_text("b", encoding="utf-8")
    old = seeds / "old.txt"
    old.write_text("old", encoding="utf-8")
    server = _Flag()
    observer = watch_natively(server, str(seeds))
    assert observer is not None

    def rebuilds(action) -> bool:
        """Whether `action` alone asks for a rebuild (what earlier steps set off is let pass first)."""
        time.sleep(0.3)
        server.wait(0)
        action()
        return server.wait(3)

    try:
        # The conversion reads every changed dump: no rebuild for that.
        assert not rebuilds(lambda: old.read_text(encoding="utf-8"))
        assert rebuilds(lambda: (seeds / "new.txt").write_text("new", encoding="utf-8"))
        assert rebuilds(lambda: old.write_text("edited", encoding="utf-8"))
        assert rebuilds(lambda: (seeds / "sub" / "deep.txt").write_text("deep", encoding="utf-8"))  # (recursive)
        assert rebuilds(old.unlink)
        assert rebuilds(lambda: (seeds / "new.txt").rename(seeds / "renamed.txt"))
        # A folder moved out takes its dumps with it: inotify says so by the folder's event alone.
        assert rebuilds(lambda: (seeds / "batch").rename(tmp_path / "batch"))
        # A new folder alone is not a change (MkDocs' callback skips folders too).
        assert not rebuilds(lambda: (seeds / "empty").mkdir())
    finally:
        observer.stop()
        observer.join()


def test_no_file_events_leaves_the_folder_to_mkdocs_polling(tmp_path, caplog):
    from builder.site.watch import watch_natively

    class NoEvents:
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

        def stop(self):
            pass

    with caplog.at_level("INFO", logger="mkdocs.plugins.newsbrief"):
        assert watch_natively(_Flag(), str(tmp_path), observer_class=NoEvents) is None
    assert "polled for changes" in caplog.text and "inotify watch limit" in caplog.text


def test_the_native_watch_seam_holds_for_mkdocs_own_server_only(tmp_path):
    from mkdocs.livereload import LiveReloadServer

    from builder.site import seams

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        assert seams.check("serve-native-watch", server=server) is None
        server._want_rebuild = 0  # another type: the flag is not the one checked
        assert "rebuild flag" in seams.check("serve-native-watch", server=server)
        server._want_rebuild = False
        del server._rebuild_cond
        assert "rebuild flag" in seams.check("serve-native-watch", server=server)
    finally:
        server.server_close()
    assert "not MkDocs' LiveReloadServer" in seams.check("serve-native-watch", server=_Flag())
