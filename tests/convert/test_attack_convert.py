"""Issue 11, second attack pass: input readers and the conversion, with inputs beyond the
hostile corpus (encodings, characters that XML forbids, special files, races)."""

from __future__ import annotations

from builder.convert import process
from builder.convert.read import read_bytes
from builder.rules import load_rules

RULES = load_rules()


def brief(title: str = "A plain title for this brief", body: str = "A plain paragraph of the brief "
          "with enough words in it to be a real sentence of an article.") -> str:
    return "\n".join(["9_-1-7", "", title, "", "May 13, 2025", "", "Summary", "",
                      "A first paragraph that sets the scene for the content below in this brief.", "",
                      body, "", "", "The content is provided by Test Author, Evil Wire", ""])


# --- noncharacters: U+FFFE and U+FFFF are not allowed in XML 1.0 (feed.xml) -----------

def test_noncharacters_are_removed_at_read():
    nonchars = "\ufffe\uffff\ufdd0\ufdef"
    out = process(brief(title=f"Title{nonchars} with ]]> in it", body=f"Body {nonchars}text of the brief "
                        "with enough words in it to be a real sentence.").encode(), "n.txt", RULES)
    a = out.article
    assert a is not None, out.error
    assert a.title == "Title with ]]> in it"
    text = "\n".join(p for s in a.sections for p in s.paragraphs)
    assert "Body text of the brief" in text
    assert not any(c in text + a.title for c in nonchars)
    assert a.dump.repairs[0].startswith("8 invisible")


def test_noncharacters_removed_in_cp1252_and_utf16_too():
    text = brief(title="Caf\u00e9 \ufffe title")
    dump = read_bytes(b"\xff\xfe" + text.encode("utf-16-le"), "u.txt")
    assert "\ufffe" not in "\n".join(line.text for line in dump.lines)


# --- the dump file between discovery and reading (TOCTOU), special files ---------------

import os  # noqa: E402
import pickle  # noqa: E402
import signal  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import pytest  # noqa: E402

from builder.convert import process_files  # noqa: E402
from builder.convert.discover import discover  # noqa: E402


@contextmanager
def deadline(seconds: int):
    """Fail (not hang) if the block takes longer: a FIFO read would block forever."""
    def boom(*_):
        raise TimeoutError(f"still reading after {seconds} s")
    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def seeds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(brief(title="The dump that was found"), encoding="utf-8")
    (tmp_path / "outside.txt").write_text(brief(title="A file outside the seeds folder"), encoding="utf-8")
    return tmp_path


def read_again(files):
    with deadline(10):
        return process_files(files, RULES, workers=1)[0]


def test_a_link_swapped_in_after_discovery_is_not_read(seeds):
    files, _ = discover(["seeds"])
    os.unlink("seeds/a.txt")
    os.symlink(seeds / "outside.txt", "seeds/a.txt")
    o = read_again(files)
    assert o.status == "rejected" and o.article is None
    assert o.error == "cannot read: the file was replaced after it was found"


def test_a_fifo_swapped_in_after_discovery_does_not_block(seeds):
    files, _ = discover(["seeds"])
    os.unlink("seeds/a.txt")
    os.mkfifo("seeds/a.txt")
    o = read_again(files)
    assert (o.status, o.error) == ("rejected", "cannot read: not a regular file")


def test_a_device_given_on_the_command_line_is_not_read(seeds):
    with deadline(10):
        o = process_files([("zero.txt", __import__("pathlib").Path("/dev/zero"))], RULES, workers=1)[0]
    assert (o.status, o.error) == ("rejected", "cannot read: not a regular file")


def test_a_new_version_written_by_the_scraper_meanwhile_is_read(seeds):
    files, _ = discover(["seeds"])
    (seeds / "seeds" / "a.tmp").write_text(brief(title="The scraper's new version"), encoding="utf-8")
    os.replace("seeds/a.tmp", "seeds/a.txt")  # a new inode, inside the folder
    o = read_again(files)
    assert o.status == "ok" and o.article.title == "The scraper's new version"


def test_the_identity_goes_to_the_process_pool(seeds):
    files, _ = discover(["seeds"])
    path = files[0][1]
    again = pickle.loads(pickle.dumps(path))
    assert (again.ident, again.root, str(again)) == (path.ident, path.root, str(path)) and path.ident


def test_the_cache_check_does_not_read_a_fifo_or_a_larger_file(seeds, tmp_path):
    from builder.output.cache import ConvertCache

    cache = ConvertCache.__new__(ConvertCache)
    cache.index = {"seeds/a.txt": [10, 1, "0" * 64]}
    cache.touched = False
    os.unlink("seeds/a.txt")
    os.mkfifo("seeds/a.txt")
    path = __import__("pathlib").Path("seeds/a.txt")
    with deadline(10):
        st = os.stat(path)
        same_size = os.stat_result((st.st_mode, 0, 0, 1, 0, 0, 10, 0, 2, 0))
        assert cache.unchanged("seeds/a.txt", path, same_size) is False


# --- East Asian legacy encodings were read as Windows-1252 garbage ---------------------

@pytest.mark.parametrize("encoding,title", [
    ("gb18030", "中文标题 北京 新闻 测试"), ("big5", "繁體中文新聞標題 台北"),
    ("shift_jis", "日本語のタイトル 東京 ニュース"), ("euc_jp", "日本語の記事 東京"),
    ("euc_kr", "한국어 기사 제목 서울 뉴스"),
])
def test_east_asian_legacy_encodings_are_decoded(encoding, title):
    # A guess from the bytes: a few characters in a mostly ASCII dump can be ambiguous
    # (short EUC-JP reads as EUC-KR), so the body is in the language too, as in a real dump.
    body = "。".join([title] * 6) + "。"
    data = brief(title=title, body=body).replace("\u2013", "-").encode(encoding)
    out = process(data, "cjk.txt", RULES)
    assert out.article is not None, out.error
    assert out.article.title == title


@pytest.mark.parametrize("text", [
    "Über die Brücke: “Ärger” – café, naïve, façade, Zürich und Köln.",
    "Le garçon était à l’école où il a mangé des crêpes. « Très bien » dit-il.",
    "Œuvre — “À” «É» ÀÉÈ Ñandú",
])
def test_windows_1252_stays_windows_1252(text):
    data = brief(title="Caf\u00e9 cr\u00e8me", body=text * 3).encode("cp1252")
    from builder.convert.read import decode

    assert decode(data)[1] == "cp1252"


# --- UTF-32 with a byte-order mark was read as UTF-16 ----------------------------------

@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_utf32_keeps_every_character(encoding):
    title = "Emoji 😀 and 👨\u200d👩\u200d👧 in café news"
    data = brief(title=title).encode(encoding)
    if encoding == "utf-32-be":
        data = b"\x00\x00\xfe\xff" + data
    out = process(data, "u32.txt", RULES)
    assert out.article is not None, out.error
    assert out.article.title == title
    assert out.article.dump.encoding == "utf-32"


# --- UTF-16 without a byte-order mark was rejected as binary data ----------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(codec):
    title = "Caf\u00e9 news from Z\u00fcrich and \u0126amrun"
    out = process(brief(title=title).encode(codec), "u16.txt", RULES)
    assert out.article is not None, out.error
    assert out.article.title == title


def test_binary_with_nuls_is_still_binary():
    data = bytes(range(256)) * 8
    out = process(data, "bin.txt", RULES)
    assert out.status == "rejected" and out.error.startswith("not text")
    assert process(b"\x00" * 4096, "nul.txt", RULES).status == "rejected"
