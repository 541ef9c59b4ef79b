"""Rules on a paragraph's shape that hold whatever reader found the paragraph.

Both readers use them: the whole-page text reader (`pagetext`) on the lines of its
article run, the HTML reader (`html`) on the paragraphs trafilatura kept. Each rule
reads plain text (a line's words, its end, its case, its neighbours), never a site's
words, and comes with the reason a removed line is listed under, so both readers
explain a removal the same way.

- `labelled_link`: "Related: Title In Title Case", "READ MORE: …", "Source: file_name";
- `dash_links`: a run of dash- or chevron-led headlines ("— Title In Title Case");
- `caption_pairs`: a caption printed twice near itself, once with its credit;
- `cookie_runs`: three or more lines in a row about a site's cookies;
- `embed_credit`: an embedded post's credit "— Name (@handle) DATE";
- `tail_note`: the author's bio or a dated "originally published" note at the end.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import re
from collections.abc import Callable, Sequence
from pathlib import Path

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
TERMINAL = re.compile(r"[.!?…:;]['\"’”)\]»]*$")  # ends like a sentence or a clause
SENTENCE_END = re.compile(r"[.!?…]['\"’”)\]»]*$")
CODE_TOKEN = re.compile(r"[^\W_]_[^\W_]|[^\W_]{26}")  # identifiers, encoded data: not words
EMBED = re.compile(r"\(@\w+\)")  # an embedded post's credit: "— Name (@handle) December 22, 2023"

# A tiny fallback when jusText's lists are not installed (English function words).
_FALLBACK_WORDS = (
    "a about after all also an and any are as at be been but by can could did do for from "
    "had has have he her his how i if in into is it its just more most my no not of on one "
    "or our out over she so some than that the their them then there these they this to up "
    "was we were what when which who will with would you your")
_FALLBACK_STOP = frozenset(_FALLBACK_WORDS.split())
_LANGS = ("English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
          "Swedish", "Danish", "Norwegian_Bokmal", "Finnish", "Polish", "Czech", "Romanian",
          "Hungarian", "Turkish", "Indonesian", "Russian", "Ukrainian", "Greek", "Catalan")


@functools.cache
def _stoplists() -> dict[str, frozenset[str]]:
    """jusText's stop-word lists (read as data, without importing the package, whose
    import needs lxml's html cleaner); a small English list when it is missing."""
    spec = importlib.util.find_spec("justext")
    lists: dict[str, frozenset[str]] = {}
    if spec and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
        for lang in _LANGS:
            f = folder / f"{lang}.txt"
            if f.is_file():
                words = f.read_text(encoding="utf-8").split("\n")
                lists[lang] = frozenset(w.strip().casefold() for w in words if w.strip())
    return lists or {"English": _FALLBACK_STOP}


@functools.cache
def _stop_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for lang, words in _stoplists().items():
        for w in words:
            index.setdefault(w, []).append(lang)
    return {w: tuple(v) for w, v in index.items()}


def pick_stoplist(tokens: list[str]) -> frozenset[str]:
    """The language whose function words cover most of the page's words."""
    index = _stop_index()
    hits: dict[str, int] = {}
    for t in tokens:
        for lang in index.get(t, ()):
            hits[lang] = hits.get(lang, 0) + 1
    lists = _stoplists()
    if not hits:
        return lists.get("English") or next(iter(lists.values()))
    return lists[max(sorted(hits), key=hits.__getitem__)]


LABELLED_LINK = "boilerplate: labelled link to another story (Related:, Read more:)"
RELATED_LINK = "boilerplate: related link"
CAPTION_WITH_CREDIT = "boilerplate: caption (with its credit, printed again)"
CAPTION_COPY = "boilerplate: caption (a copy of the captioned line)"
COOKIE_NOTICE = "boilerplate: cookie notice"
EMBED_CREDIT = "boilerplate: embedded post (credit)"
EMBED_POST = "boilerplate: embedded post"
CREDIT_CAPTION = "boilerplate: caption or photo credit"
NO_SENTENCE = "boilerplate: not a sentence inside the article (image description, caption, teaser)"
AUTHOR_BIO = "metadata: author bio after the article"
PUBLICATION_NOTE = "metadata: publication note after the article"

TAIL_LINES = 3  # how far from the article's end an author's bio or a publication note is looked for


def titlecase_share(text: str) -> float:
    ws = [w for w in WORD.findall(text) if w[0].isalpha()]
    if not ws:
        return 0.0
    return sum(1 for w in ws if w[0].isupper()) / len(ws)


# "Related: Title Of Another Story", "READ MORE: another story", "Source: file_name": a
# short label, a colon, and a headline or a file name, not a sentence.
_LABELLED = re.compile(r"^(?P<label>[^\W\d_][^\W\d_'’ -]{0,15}(?: [^\W\d_]{1,15})?)\s*:\s*(?P<tail>\S.*)$")


def labelled_link(text: str) -> bool:
    m = _LABELLED.match(text)
    if not m or TERMINAL.search(text):
        return False
    label, tail = m["label"], m["tail"]
    tail_words = len(WORD.findall(tail))
    if CODE_TOKEN.search(tail) and tail_words <= 3:
        return True  # a file name
    # A shouted label ("READ MORE") or a headline in title case after it.
    return tail_words >= 3 and ((label.isupper() and len(label) >= 4) or titlecase_share(tail) > 0.6)


# A caption ends with its credit: "Photo: NAME/AGENCY", "(Image credit: …)", "NAME/Getty
# Images", "… [+]" (an expandable caption).
CREDIT_TAIL = re.compile(
    r"(?:\b(?:photo(?:graph)?|image|illustration|picture|video|credit|courtesy)s?(?:\s+credit)?\s*(?:by|:)\s*[^.!?]{2,80}"
    r"|\(\s*(?:[\w.&’'-]+\s+){0,3}(?:photo|image|credit|illustration)[^)]{0,80}\)"
    r"|\bvia getty images|/\s*getty images|\bgetty images\b[^.!?]{0,40}"
    r"|\.\.\.\s*\[\+\]\s*.*)$",
    re.IGNORECASE,
)


_CREDIT_HINT = re.compile(r"(?i)photo|image|illustr|picture|video|credit|courtesy|getty|\[\+\]")


def credit_caption(text: str) -> bool:
    """A caption or a photo credit, told by the credit at its end (a long sentence that
    ends so is a paragraph)."""
    return bool(_CREDIT_HINT.search(text) and CREDIT_TAIL.search(text)
                and not (SENTENCE_END.search(text) and len(WORD.findall(text)) > 40))


def labelled_run(texts: Sequence[str], k: int) -> bool:
    """A "Label: value" line next to another one is an item of a list of facts (a spec
    sheet, a game's time and place), not a link set alone between paragraphs."""
    return any(0 <= j < len(texts) and _LABELLED.match(texts[j]) for j in (k - 1, k + 1))


_DASH_LED = re.compile(r"^\s*[—–»>]\s+(?P<tail>\S.*)$")
_SPEECH = re.compile(r"^[\"“”„«»‘’'‹›]|\s[—–]\s")  # quoted speech, or a dash around an attribution


def dash_links(texts: Sequence[str]) -> list[int]:
    """Indexes of links to other stories set in the text as a list under a dash or a
    chevron ("— Title In Title Case"): a run of such lines of which at least half read
    as headlines (title case). Speech set off by a dash (quoted, or with "— she said"
    inside) and a list of sentence-case points are the article's."""
    out: list[int] = []
    k = 0
    while k < len(texts):
        group = []
        while k < len(texts) and _DASH_LED.match(texts[k]):
            group.append(k)
            k += 1
        if not group:
            k += 1
            continue
        tails = [_DASH_LED.match(texts[j])["tail"] for j in group]
        if any(_SPEECH.search(t) or EMBED.search(t) or not 3 <= len(WORD.findall(t)) <= 25 for t in tails):
            continue
        if 2 * sum(1 for t in tails if titlecase_share(t) > 0.6) >= len(group):
            out += group
    return out


_PAIR_GAP = 3  # lines at most between a caption and its copy (credit and toggle lines between)
_PAIR_TAIL_WORDS = 8


def caption_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(captioned line, its copy) pairs: a caption printed twice near itself, once with a
    short tail: "TEXT. Name/Agency hide caption" and "TEXT." (the image's caption with its
    credit and the widget's toggle word, then the plain caption). TEXT ends like a
    sentence, the tail does not: a paragraph is not printed again with a tail."""
    out: list[tuple[int, int]] = []
    for k, t in enumerate(texts):
        for j in itertools.chain(range(k + 1, min(len(texts), k + 1 + _PAIR_GAP)), range(max(0, k - _PAIR_GAP), k)):
            c = texts[j]
            if len(c) < 25 or len(t) <= len(c) or not t.startswith(c) or not SENTENCE_END.search(c):
                continue  # the caption is a sentence: a headline and its longer copy are not this
            tail = t[len(c):]
            if (tail[:1].isalnum() or SENTENCE_END.search(tail)
                    or not 1 <= len(WORD.findall(tail)) <= _PAIR_TAIL_WORDS):
                continue
            out.append((k, j))
            break
    return out


_COOKIE_RUN = 3
COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
# A cookie of the consent kind, not of the kitchen: it is about a site, a browser, visitors.
_COOKIE_CONTEXT = re.compile(r"\b(?:websites?|site|browser|consent|visitors?|users?|analytics|advert\w*|gdpr|"
                             r"preferences|track\w*|third[- ]party|session)\b", re.IGNORECASE)


def cookie_runs(texts: Sequence[str]) -> list[int]:
    """Indexes of lines in runs of several lines in a row that each speak of a site's
    cookies: a consent notice or its table of cookies (names, durations, purposes),
    however long and sentence-like."""
    out: list[int] = []
    k = 0
    while k < len(texts):
        j = k
        while (j < len(texts) and ("ookie" in texts[j] or "OOKIE" in texts[j])
               and COOKIE.search(texts[j]) and _COOKIE_CONTEXT.search(texts[j])):
            j += 1
        if j - k >= _COOKIE_RUN:
            out += range(k, j)
        k = max(j, k + 1)
    return out


_EMBED_CREDIT = re.compile(r"^\s*[—–-]+\s*[^\n]{0,60}\(@\w+\)")  # "— Name (@handle) December 22, 2023"


def embed_credit(text: str, has_date: Callable[[str], bool]) -> bool:
    """An embedded post's credit line; the post's own text is the line above it."""
    return len(WORD.findall(text)) <= 25 and bool(_EMBED_CREDIT.match(text)) and has_date(text)


# A short bio: "NAME is a reporter …", "NAME writes about …", "NAME NAME is the senior editor …".
_BIO_VERB = re.compile(r"^\s*(?:,\s*)?(?:is|was|writes|covers|reports|has been|joined|lives)\b")
_ROLE_NOUN = re.compile(r"\b(?:editor|reporter|writer|correspondent|journalist|columnist|contributor|producer|"
                        r"critic|author|freelancer)s?\b", re.IGNORECASE)


def bio(text: str, authors: Sequence[str], named_only: bool = False) -> bool:
    """A short bio: the byline's name and a verb; or, unless `named_only`, any name, a
    verb and a newsroom role."""
    for name in authors:
        rest = text[len(name):] if text.startswith(name) else None
        if rest is not None:
            rest = rest[len(name) + 1:] if rest.startswith(" " + name) else rest  # "NAME NAME is"
            if _BIO_VERB.match(rest):
                return True
    if named_only:
        return False
    m = re.match(r"^(?:[A-Z][\w’'.-]+\s+){1,3}", text)
    return bool(m and _BIO_VERB.match(text[m.end():]) and _ROLE_NOUN.search(text[:160]))


def tail_note(text: str, authors: Sequence[str], has_date: Callable[[str], bool] | None) -> str | None:
    """The reason a paragraph among the article's last TAIL_LINES is not its text: the
    author's bio, or a short dated note ("This story was originally published DATE.").
    Without `has_date` only a bio that names the byline's author counts (the HTML
    reader's paragraphs are an extractor's pick, where a dated sentence is the text's)."""
    words = len(WORD.findall(text))
    if words <= 120 and bio(text, authors, named_only=has_date is None):
        return AUTHOR_BIO
    if has_date is not None and words <= 20 and has_date(text):
        return PUBLICATION_NOTE
    return None


NO_SENTENCE_WORDS = 30  # from this many words a line is a paragraph on its length alone
_NO_SENTENCE_STOP = 0.30  # jusText's lower share of function words: running text, not a list of names


def no_sentence(text: str, stop_share: float) -> bool:
    """A line of running words (function words ≥ 30 %) that does not end like a sentence
    and is too short to be a paragraph on its length alone: an image's description ("A
    screenshot of the game, depicting …"), a caption or a teaser inside the text."""
    words = len(WORD.findall(text))
    return (not TERMINAL.search(text) and 10 <= words < NO_SENTENCE_WORDS and stop_share >= _NO_SENTENCE_STOP)


def stop_share(text: str, stop: frozenset[str]) -> float:
    toks = [t.casefold() for t in WORD.findall(text)]
    return sum(1 for t in toks if t in stop) / len(toks) if toks else 0.0
