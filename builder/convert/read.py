"""Stage 1, read: raw bytes -> Dump (decoded, repaired, whitespace-normalised lines).

Decoding order: BOM, strict UTF-8, strict Windows-1252 (the usual scraper fallback),
then charset-normalizer's best guess. Mojibake ("Trumpâ€™s") is repaired with ftfy,
but only when ftfy's cheap badness check says there is some: a full ftfy pass costs
~1 MB/s, which would dominate the conversion time of a clean archive.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import os
import re
import stat

from ..model import Dump, Line, Rejected


@functools.cache
def _ftfy():
    """ftfy's fixer, its configuration and its badness check, imported when a text first
    needs them (most runs read no dump at all, and most dumps need no repair)."""
    import ftfy
    from ftfy.badness import is_bad

    # Keep the dump's words and punctuation as written: no curly-quote flattening, no
    # full-width folding (CJK text uses it), no entity decoding (`&lt;script&gt;` is text).
    config = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False,
                                  fix_latin_ligatures=False, unescape_html=False)
    return ftfy.fix_text, config, is_bad

# Spaces of every kind become one ASCII space.
# A lone ASCII space is left alone (matching it would rewrite every word gap).
_SPACE_CHARS = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x0b\x0c"
_SPACES = re.compile(f"[ {_SPACE_CHARS}]{{2,}}|[{_SPACE_CHARS}]")
# Invisible characters that only get in the way: zero-width space, word joiner, BOM,
# soft hyphen, other C0/C1 controls. ZWJ/ZWNJ stay: scripts and emoji need them.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u180e\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The fingerprint of UTF-8 read as Windows-1252/Latin-1 ("â€™", "Ã©", "Â£"): a lead byte
# Â-ô followed by a continuation byte shown as Latin-1 or as a cp1252 symbol. Only
# text that has one goes through ftfy's costlier check.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# Characters that change what a reader sees without being text: bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069; "Invoice<U+202E>gnp.exe" shows
# as "Invoiceexe.png"), and private-use characters, which mean nothing to a reader and
# two of which the site uses as internal markers (blog_speed.MAIN, ANCHOR). The marks
# LRM, RLM and ALM only give neutral characters a direction: they stay, RTL text needs them.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# And the BMP's noncharacters (U+FDD0-U+FDEF, U+FFFE, U+FFFF): never text, and U+FFFE and
# U+FFFF are not allowed in XML 1.0, so one in a title would make feed.xml unparsable.
# (All are three UTF-8 bytes led by 0xEF: _PRIVATE_USE_LEADS covers them.)
_HIDDEN = re.compile(f"[{_BIDI_CONTROLS}\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U000f0000-\U0010ffff]")
# Every private-use character starts with one of these bytes in UTF-8: a memchr each on
# the raw bytes spares the regex pass (~5 ns a character) for almost every dump.
_PRIVATE_USE_LEADS = (b"\xee", b"\xef", b"\xf3", b"\xf4")
# Bytes that never appear in text files: NUL and most C0 controls (counted as the bytes
# bytes.translate deletes: a C loop, a third of a regex findall's time).
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_MAGIC = {
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
}


# Chinese, Japanese and Korean legacy encodings (GB18030, Shift-JIS, EUC, Big5) are not
# UTF-8 but decode as Windows-1252 without an error, into Latin-1 garbage ("ÖÐÎÄ" for
# "中文"): a character is a high byte and a second byte, often high too. Text where at
# least a quarter of the high bytes stand in adjacent pairs (cp1252 text has them one at
# a time: "café", "naïve") is given to charset-normalizer (only then: it costs ~10x the
# rest of reading), and its answer is taken if it is one of those encodings.
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_DOUBLE_BYTE_HINT = re.compile(rb"[\x80-\xff]{2}")
_EAST_ASIAN = ("gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp932", "shift_jis",
               "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213",
               "iso2022_jp", "euc_kr", "cp949", "johab", "iso2022_kr")


def _east_asian(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding not in _EAST_ASIAN:
        return None
    return str(best), best.encoding


def _utf16_without_bom(data: bytes, sample: bytes) -> str | None:
    """UTF-16 written without a byte-order mark (its NUL bytes would make it "binary"):
    Latin text has a NUL in every other byte, on one side only. Decoded strictly."""
    if len(data) % 2 or len(sample) < 16:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls * 2 > half and other * 50 < half:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Return (text, encoding, repairs). Raises Rejected for data that is not text."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise Rejected(f"not text: looks like a {kind}")
    repairs: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        repairs.append("UTF-8 byte-order mark removed")
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        try:
            return data.decode("utf-32"), "utf-32", ["decoded as UTF-32"]
        except UnicodeDecodeError as e:
            raise Rejected(f"not text: broken UTF-32 ({e.reason})") from None
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", ["decoded as UTF-16"]
        except UnicodeDecodeError as e:
            raise Rejected(f"not text: broken UTF-16 ({e.reason})") from None
    sample = data[:65536]
    utf16 = _utf16_without_bom(data, sample)
    if utf16 is not None:
        return utf16, "utf-16", ["decoded as UTF-16 (no byte-order mark)"]
    if sample and len(sample) - len(sample.translate(None, _BINARY_BYTES)) > max(2, len(sample) // 200):
        raise Rejected("not text: binary data (control bytes)")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
            pairs = len(_DOUBLE_BYTE_HINT.findall(data))
            if pairs >= 4 and pairs * 8 > len(_HIGH_BYTE.findall(data)):
                text, encoding = _east_asian(data) or (text, encoding)
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes  # the last resort, rarely reached

            best = from_bytes(data).best()
            if best is None:
                raise Rejected("not text: no character encoding fits") from None
            text, encoding = str(best), best.encoding
        repairs.append(f"decoded as {encoding}")
    # (UTF-8 writes each of the hint's lead characters as 0xC3 and a second byte: text
    # decoded as UTF-8 without that byte has none, and is spared the regex pass)
    if (encoding != "utf-8" or b"\xc3" in data) and _MOJIBAKE_HINT.search(text) and _ftfy()[2](text):
        fix_text, config, _ = _ftfy()
        fixed = fix_text(text, config)
        if fixed != text:
            text = fixed
            repairs.append("mojibake repaired")
    return text, encoding, repairs


# Everything the two patterns above can match: most dumps have none of it, and ~85
# substring searches (C speed) cost a tenth of one regex pass that tests every character.
# (Both classes lie below U+3001 but for U+FEFF; tests/convert/test_stages.py checks the BMP.)
_TRIGGERS = ["  ", *re.findall(f"{_SPACES.pattern}|{_INVISIBLE.pattern}",
                                "x".join(map(chr, [*range(0x3001), 0xFEFF])))]


# ASCII text can only hold the ASCII ones: a double space, or a byte that bytes.translate
# does not delete from it.
_ASCII_PLAIN = bytes([0x0A, 0x0D, *range(0x20, 0x7F)])


def normalise_whitespace(text: str, utf8: bytes | None = None) -> str:
    """Whitespace repair only: invisible characters out, runs of spaces to one. Line
    breaks stay; run on the whole text at once (a regex pass per file, not per line).
    `utf8`: the UTF-8 bytes `text` was decoded from, a leading byte-order mark aside,
    if it was (a faster check)."""
    if text.isascii():
        if "  " not in text and not text.encode("ascii").translate(None, _ASCII_PLAIN):
            return text
    elif utf8 is not None:
        # The bytes that are not plain ASCII, decoded: every character of the text that
        # could be a trigger, and few others (~8 µs, where ~85 searches of a non-ASCII
        # text took ~90). A byte-order mark left in `utf8` only sends the text the long way.
        if b"  " not in utf8:
            odd = utf8.translate(None, _ASCII_PLAIN).decode("utf-8")
            if not any(t in odd for t in _TRIGGERS):
                return text
    elif not any(t in text for t in _TRIGGERS):
        return text
    return _SPACES.sub(" ", _INVISIBLE.sub("", text))


def remove_hidden(text: str, utf8: bytes | None = None) -> tuple[str, int]:
    """Text without bidi controls and private-use characters, and how many went.
    `utf8`: the bytes `text` was decoded from as UTF-8, if it was (a faster check)."""
    maybe_private = utf8 is None or any(b in utf8 for b in _PRIVATE_USE_LEADS)
    if not maybe_private and not any(c in text for c in _BIDI_CONTROLS):
        return text, 0
    return _HIDDEN.subn("", text)


def split_lines(text: str) -> list[str]:
    """The lines of whitespace-normalised text: split at CR LF, CR, LF, U+2028 and U+2029,
    with an empty last line after a final break. str.splitlines (4x a regex split) also
    splits at VT, FF, U+001C-U+001E and U+0085, but normalisation has turned those into
    spaces or removed them as invisible (tests/convert/test_speedups.py checks it)."""
    lines = text.splitlines()
    if not text or text[-1] in _BREAK_ENDS:
        lines.append("")
    return lines


_BREAK_ENDS = "\r\n\u2028\u2029"


def too_large(size: int, max_bytes: int | None) -> str | None:
    """The one size check (on a file's size before it is read, and on bytes given): the
    cause of the rejection, or None."""
    if max_bytes is not None and size > max_bytes:
        return f"too large: {size:,} bytes (limit {max_bytes:,})"
    return None


def _opened_inside(fd: int, root: str | None) -> bool:
    """Does the open file lie inside the folder `root` (a scraper's new version of a
    dump, written while the run was going), not outside it through a link? Known where
    /proc/self/fd tells (Linux); elsewhere a replaced file is refused."""
    try:
        where = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False
    return bool(root) and where.startswith(root.rstrip(os.sep) + os.sep)


# O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused by fstat).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_to_end(fd: int, size: int, limit: int | None) -> bytes:
    """The bytes from `fd` up to its end or `limit`, asked for in reads of the size fstat
    gave (a buffered read of `limit` bytes sets aside that much, 10 MB, for each dump)."""
    parts: list[bytes] = []
    total, want = 0, size + 1
    while limit is None or total < limit:
        part = os.read(fd, want if limit is None else min(want, limit - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
        want = max(want, 1 << 20)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def read_file(path: str | os.PathLike, max_bytes: int | None) -> bytes:
    """A dump's bytes, read through one descriptor: a regular file (never a FIFO or a
    device, which could block forever), the very file discovery found or one inside the
    same folder (a dump replaced by a link to a file outside it between discovery and
    reading is refused),
    and never more than max_bytes + 1 bytes (a file that grows while read)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Rejected("cannot read: not a regular file")
        ident = getattr(path, "ident", None)
        if ident is not None and (st.st_dev, st.st_ino) != ident and not _opened_inside(fd, path.root):
            raise Rejected("cannot read: the file was replaced after it was found")
        if cause := too_large(st.st_size, max_bytes):
            raise Rejected(cause)
        data = _read_to_end(fd, st.st_size, None if max_bytes is None else max_bytes + 1)
    finally:
        os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:
        raise Rejected(f"too large: more than {max_bytes:,} bytes (limit {max_bytes:,})")
    return data


def read_bytes(data: bytes, source_path: str, max_bytes: int | None = None) -> Dump:
    """Turn a dump's bytes into a Dump, or raise Rejected with a one-line cause."""
    sha = hashlib.sha256(data).hexdigest()
    if too_big := too_large(len(data), max_bytes):
        raise Rejected(too_big)
    if not data:
        raise Rejected("empty file")
    text, encoding, repairs = decode(data)
    # Not listed in `removed` (that lists lines left out): the line is published, every
    # word of it; like the whitespace repair, this only drops what no reader sees.
    utf8 = data if encoding == "utf-8" and "mojibake repaired" not in repairs else None
    text, hidden = remove_hidden(text, utf8)
    if hidden:
        repairs.append(f"{hidden} invisible control character{'s' * (hidden != 1)} removed "
                       "(bidi override/isolate or private use)")
    # (the bytes only while they are the text's: nothing hidden was taken out of it)
    text = normalise_whitespace(text, None if hidden else utf8)
    lines = [Line(i, raw.strip(" ")) for i, raw in enumerate(split_lines(text), start=1)]
    if not any(line.text for line in lines):
        raise Rejected("empty file: only whitespace")
    return Dump(source_path=source_path, sha256=sha, size=len(data), lines=lines,
                encoding=encoding, repairs=repairs)
