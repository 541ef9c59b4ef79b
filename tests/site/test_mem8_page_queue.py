"""site/page_cache.py (issue #15 item 4, memory): pages stored from a thread wait in its
queue (or are being stored) at most page_cache.PENDING at a time; past that, the build waits for the thread
instead of holding every rendered page until it catches up."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from builder.site import page_cache


class _Template:
    def render(self, context):
        return f"<html>{context['page'].url}</html>"


def _context(n: int) -> dict:
    page = SimpleNamespace(url=f"2025/05/p{n}/", title="X", content="<p>x</p>", toc=[], meta={}, previous_page=None,
                           next_page=None, ancestors=[], canonical_url=None, edit_url=None, is_homepage=False)
    return {"page": page, "config": {}, "nav": None}


def test_the_build_waits_for_the_storing_thread_past_pending_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(page_cache, "PENDING", 2)
    stored, go = [], threading.Event()
    write = page_cache.atomic_write

    def slow_write(path, data):
        go.wait()
        write(path, data)
        stored.append(path)

    monkeypatch.setattr(page_cache, "atomic_write", slow_write)
    env = SimpleNamespace(get_template=lambda name: _Template())
    pc = page_cache.PageCache(tmp_path, env, config=None, is_post=lambda page: True, background=True)
    pc.site = "site"
    template = env.get_template("main.html")
    rendered: list[str] = []

    def build():
        for n in range(5):
            rendered.append(template.render(_context(n)))

    builder = threading.Thread(target=build, daemon=True)
    builder.start()
    try:
        builder.join(1.0)
        # the page being stored and the one after it hold the room: the third render waits
        assert builder.is_alive() and len(rendered) == 2 and stored == []
    finally:
        go.set()
    builder.join()
    pc.close()
    assert len(rendered) == 5 and len(stored) == 5
    assert len(list((tmp_path / "pages").glob("*.html"))) == 5
