"""Work beside MkDocs' main thread made cheap on a build where little changed (issue #15):

- search.FileHashes: a page's (or stored index file's) SHA-256 is taken again only when
  the file may have changed (its device, inode, size or modification time differ from
  when it was last hashed), and never remembered for a file changed within RACY_NS of its
  read. The key of an index is the same whether its pages' hashes are remembered or
  taken afresh, and an index whose page changed is made again, equal to a cold one.
- second_core.Sources: the pages whose source the last build did not render; the copy
  reads only those ahead, and none is forked when fewer than MIN_AHEAD changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest.importorskip("pagefind_bin")

from builder.site import blog_speed, search, second_core

HOUR_NS = 3600 * 10**9


def _age(path: Path, ns: int = HOUR_NS) -> None:
    """Set a file's modification time back (a page written by an earlier build)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - ns))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- FileHashes ----------------------------------------------------------------------------


def test_an_unchanged_file_is_not_read_again(tmp_path: Path):
    f = tmp_path / "a.html"
    f.write_bytes(b"<p>one</p>")
    _age(f)
    hashes = search.FileHashes(None)
    assert hashes.sha256(f) == _sha(f)
    assert hashes.read == 1
    assert hashes.sha256(f) == _sha(f)
    assert hashes.read == 1  # known by its device, inode, size and time
    os.link(f, tmp_path / "b.html")  # a page linked from the previous site: same inode
    assert hashes.sha256(tmp_path / "b.html") == _sha(f) and hashes.read == 1


def test_a_changed_file_is_read_again(tmp_path: Path):
    f = tmp_path / "a.html"
    f.write_bytes(b"<p>one</p>")
    _age(f)
    hashes = search.FileHashes(None)
    first = hashes.sha256(f)
    f.write_bytes(b"<p>two</p>")  # in place, same size: a new modification time
    assert hashes.sha256(f) == _sha(f) != first
    _age(f, 2 * HOUR_NS)  # its time set to another past one: still not the remembered time
    f.write_bytes(b"<p>6ix</p>")
    _age(f, 3 * HOUR_NS)
    assert hashes.sha256(f) == _sha(f)
    g = tmp_path / "g.html"  # a new file in its place (another inode, or the same one reused)
    f.unlink()
    g.write_bytes(b"<p>ten</p>")
    os.replace(g, f)
    assert hashes.sha256(f) == _sha(f) == hashlib.sha256(b"<p>ten</p>").hexdigest()
    assert hashes.read == 4


def test_a_file_just_written_is_hashed_every_time(tmp_path: Path):
    """Written within RACY_NS of its read, it could change again within the same tick
    of the file system's clock, keeping its time: its hash is not remembered."""
    f = tmp_path / "a.html"
    f.write_bytes(b"<p>one</p>")
    hashes = search.FileHashes(None)
    hashes.sha256(f)
    f.write_bytes(b"<p>two</p>")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns))  # whatever the clock's tick
    assert hashes.sha256(f) == _sha(f)
    assert hashes.read == 2 and not hashes.seen


def test_hashes_are_kept_between_builds_and_a_damaged_list_is_not_trusted(tmp_path: Path):
    f = tmp_path / "a.html"
    f.write_bytes(b"<p>one</p>")
    _age(f)
    store = tmp_path / "hashes"
    hashes = search.FileHashes(store)
    hashes.sha256(f)
    hashes.save()
    again = search.FileHashes(store)
    assert again.sha256(f) == _sha(f) and again.read == 0
    text = store.read_text(encoding="ascii")
    store.write_text(text.replace(_sha(f), "0" * 64), encoding="ascii")  # a hand edit
    tampered = search.FileHashes(store)
    assert not tampered.known
    assert tampered.sha256(f) == _sha(f) and tampered.read == 1


# -- the indexes -----------------------------------------------------------------------------

SHARD_SIZE = 3


def _page(site: Path, rel: str, text: str) -> Path:
    path = site / rel / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{rel}</title></head>"
                    f"<body><article data-pagefind-body><h1>{rel}</h1><p>{text}</p></article></body></html>",
                    encoding="utf-8")
    return path


def _site(root: Path) -> Path:
    site = root / "site"
    for i, month in enumerate(["2024/11", "2024/12", "2025/01"]):
        _page(site, f"{month}/budget-{i}", f"The budget talks resumed in month {i}.")
        _page(site, f"{month}/harbour-{i}", f"Harbour cranes stood idle {i}.")
    for p in site.rglob("*.html"):
        _age(p)
    return site


def _index(site: Path, cache: Path | None) -> dict:
    return search.index(SimpleNamespace(site_dir=str(site)), SHARD_SIZE, cache)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _cold(site: Path, tmp: Path) -> dict[str, bytes]:
    cold = tmp / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(search.PAGEFIND_DIR))
    _index(cold, None)
    return _files(cold / search.PAGEFIND_DIR)


def test_a_remembered_key_is_the_key_of_the_bytes(tmp_path: Path):
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    _index(site, cache)
    assert (cache / search.CACHE_SUBDIR / search.HASHES_FILE).is_file()
    for name, folders in search.shards(site, SHARD_SIZE):
        warm = search.ShardCache(cache / search.CACHE_SUBDIR)
        cold = search.ShardCache(tmp_path / "other")
        assert warm.key(site, name, folders) == cold.key(site, name, folders)
        assert warm.hashes.read == 0  # not one page read
        assert cold.hashes.read == 2
        search._hashes.clear()


def test_a_build_with_nothing_changed_reads_no_page_and_no_stored_file(tmp_path: Path, monkeypatch):
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    _index(site, cache)
    for p in (cache / search.CACHE_SUBDIR / "blobs").iterdir():
        _age(p)  # (stored by an earlier build)
    before = _files(site / search.PAGEFIND_DIR)
    shutil.rmtree(site / search.PAGEFIND_DIR)  # a fresh site folder, as `newsbrief build` makes
    _index(site, cache)  # the stored files checked, their hashes remembered
    shutil.rmtree(site / search.PAGEFIND_DIR)
    reads = []
    real = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda f, name: reads.append(f.name) or real(f, name))
    assert _index(site, cache)["reused"] == 3
    assert reads == []
    assert _files(site / search.PAGEFIND_DIR) == before


def test_a_page_changed_with_the_same_size_is_indexed_again(tmp_path: Path):
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    _index(site, cache)
    page = site / "2024/12/harbour-1/index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("stood idle", "moved away"), encoding="utf-8")  # in place, same size
    assert page.stat().st_size == len(text.encode())
    figures = _index(site, cache)
    assert figures["reused"] == 2
    assert _files(site / search.PAGEFIND_DIR) == _cold(site, tmp_path)


def test_a_stored_file_damaged_in_place_is_never_published(tmp_path: Path):
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    _index(site, cache)
    blobs = cache / search.CACHE_SUBDIR / "blobs"
    for p in blobs.iterdir():
        _age(p)
    shutil.rmtree(site / search.PAGEFIND_DIR)
    _index(site, cache)  # every stored file's hash remembered
    assert search.FileHashes(cache / search.CACHE_SUBDIR / search.HASHES_FILE).known
    for blob in blobs.iterdir():  # altered in place, same size (a new modification time)
        data = bytearray(blob.read_bytes())
        data[0] ^= 1
        blob.write_bytes(bytes(data))
    shutil.rmtree(site / search.PAGEFIND_DIR)
    assert _index(site, cache)["reused"] == 0
    assert _files(site / search.PAGEFIND_DIR) == _cold(site, tmp_path)


# -- the second core: what is read ahead ------------------------------------------------------


class _File:
    def __init__(self, i: int, path: Path | None = None, content: str | None = None):
        self.src_uri = f"p{i}.md"
        self.abs_src_path = str(path) if path else None
        self.generated_by = None if path else "test"
        self._content = content
        self.page = SimpleNamespace(file=self, content=None, toc=None)

    @property
    def content_bytes(self) -> bytes:
        return self._content.encode() if self._content is not None else Path(self.abs_src_path).read_bytes()


def _pages(tmp: Path, n: int) -> list[_File]:
    out = []
    for i in range(n):
        if i % 3 == 2:  # a generated page (a view, a tag page)
            out.append(_File(i, content=f"# view {i}"))
        else:
            p = tmp / f"p{i}.md"
            p.write_text(f"# post {i}", encoding="utf-8")
            out.append(_File(i, p))
    return out


def test_sources_name_the_pages_that_changed(tmp_path: Path):
    pages = _pages(tmp_path, 9)
    record = tmp_path / "cache" / second_core.SOURCES_FILE
    first = second_core.Sources(record, "digest", pages, cached=100)
    assert first.changed() is None  # nothing known: every page
    first.save()
    assert second_core.Sources(record, "digest", pages, cached=100).changed() == []
    new = tmp_path / "p4.new"  # the conversion writes a changed page as a new file
    new.write_text("# post 4, edited", encoding="utf-8")
    os.replace(new, tmp_path / "p4.md")
    pages[5]._content = "# view 5, one more brief"
    pages.append(_File(9, content="# a new page"))
    assert second_core.Sources(record, "digest", pages, cached=100).changed() == [4, 5, 9]
    assert second_core.Sources(record, "other", pages, cached=100).changed() is None  # another configuration
    assert second_core.Sources(record, "digest", pages, cached=3).changed() is None  # a cold blog cache
    record.write_text(record.read_text().replace('"pages": ["', '"pages": ["0'), encoding="utf-8")
    assert second_core.Sources(record, "digest", pages, cached=100).changed() is None  # a damaged record


class _Files:
    def __init__(self, files):
        self.files = files

    def documentation_pages(self, inclusion=None):
        return self.files


@pytest.fixture
def fake_populate(monkeypatch):
    import mkdocs.commands.build as build

    speed = SimpleNamespace(cache=blog_speed.Cache(None), digest="d")

    def populate(page, config, files, dirty=False):
        speed.cache.put(f"key-{page.file.src_uri}", ["from the copy", page.file.src_uri])

    monkeypatch.setattr(build, "_populate_page", populate)
    return speed


def _wait(ahead, n: int, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while ahead.received < n and time.monotonic() < end:
        time.sleep(0.01)


def test_the_copy_reads_only_the_changed_pages(fake_populate, tmp_path: Path):
    speed, files = fake_populate, _Files(_pages(tmp_path, 12))
    ahead = second_core.RenderAhead(speed, object(), files, pages=files.files, only=[1, 7, 10])
    _wait(ahead, 3)
    time.sleep(0.1)
    ahead.stop()
    assert set(speed.cache.new) == {"key-p1.md", "key-p7.md", "key-p10.md"}


def test_no_copy_when_few_pages_changed(fake_populate, tmp_path: Path, monkeypatch):
    speed, files = fake_populate, _Files(_pages(tmp_path, 12))
    cache = tmp_path / "cache"
    cache.mkdir()
    speed.cache.index = {f"k{i}": (0, "") for i in range(20)}  # a warm blog cache
    forks = []

    class Ahead:  # what SecondCore forks, and for which pages
        received = 0

        def __init__(self, speedup, config, files, collector, pages, only):
            forks.append(only)

        def stop(self):
            pass

    monkeypatch.setattr(second_core, "_cores", lambda: 2)
    monkeypatch.setattr(second_core, "RenderAhead", Ahead)

    def build() -> second_core.SecondCore:
        core = second_core.SecondCore(speed, object(), files, False, 1000, cache)
        core.populated(object(), files)  # every page read: the record is written
        core.close()
        return core

    build()
    assert forks == [None]  # the first build: nothing known, every page
    build()
    assert forks == [None]  # nothing changed: no copy
    monkeypatch.setattr(second_core, "MIN_AHEAD", 2)
    files.files[3]._content = None
    (tmp_path / "p3.md").unlink()
    files.files[3].abs_src_path = str(tmp_path / "p3-moved.md")
    (tmp_path / "p3-moved.md").write_text("# post 3 again", encoding="utf-8")
    files.files[8]._content = "# view 8, changed"
    build()
    assert forks == [None, [3, 8]]
