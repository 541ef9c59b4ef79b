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
