"""Stage 4, enrich: derived metadata (tags, description, slug) for a cleaned Article."""

from __future__ import annotations

import re

from slugify import slugify

from ..model import Article
from ..rules import Rules
from .parse import headline_parts
from .tags import extract_tags

SLUG_MAX = 80
# Names Windows refuses as file names, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# A sentence ends at . ! ? (plus a closing quote) before a capital, but not after an
# initialism ("U.S.") or a short title ("Mr.", "Dr."). Matched from the stop, the
# lookbehinds asked after it: a pattern that opens with a character class is searched for
# as that class, one that opens with lookbehinds (as this one did, the stop in a
# lookbehind too) is tried at every character. The sentence ends after the stop.
_SENTENCE_END = re.compile(
    r"[.!?](?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z][a-z]\.)(?<!\b[A-Z]\.)[”\"’»)]?\s+(?=[“\"«(]?[^\W\d_])"
)
_SLUG_REPLACEMENTS = [["'", ""], ["’", ""], ["£", ""], ["€", ""], ["$", ""], ["¥", ""], ["&", " and "],
                      ["%", " percent"]]


# Kana: a Japanese title (Han alone could be Chinese, whose pinyin is a true reading).
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")


def _transliterated(title: str) -> str:
    return slugify(title, max_length=SLUG_MAX, word_boundary=True, save_order=True,
                   replacements=_SLUG_REPLACEMENTS)


def base_slug(title: str, article_id: str) -> str:
    """A readable, path-safe slug: lowercase ASCII words joined by '-'.

    Non-Latin titles are transliterated (Unidecode), except Japanese ones: Unidecode reads
    kanji as Mandarin ("大阪" -> "da-ban"), which no Japanese reader would recognise, so
    they take the scraper-id slug ("brief-3-1702231455-4"; the URL has the year and month
    before it), as does a title that leaves nothing (only punctuation or emoji).
    """
    slug = "" if _KANA.search(title) else _transliterated(title)
    if not slug:
        slug = slugify(f"brief {article_id}", max_length=SLUG_MAX) or "brief"
    if slug in _RESERVED:
        slug += "-brief"
    return slug


def earlier_slugs(title: str, article_id: str) -> tuple[str, ...]:
    """Base slugs an earlier version gave this brief, whose pages it keeps
    (archive/pages.py): the Mandarin transliteration of a Japanese headline."""
    headline = headline_parts(title)[1]
    old = _transliterated(headline) if _KANA.search(headline) else ""
    return (old,) if old and old != base_slug(headline, article_id) else ()


def lead_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of the lead paragraph, for `description` and feeds."""
    end = _SENTENCE_END.search(text)
    first = (text[: end.start() + 1] if end else text).strip()
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + " …"
    return first


def enrich(article: Article, rules: Rules) -> Article:
    article.local_tags = extract_tags(article, rules)
    article.tags = list(article.local_tags)  # archive-wide normalisation may respell them
    lead = next(iter(article.paragraphs), None) or next(iter(article.highlights), "") or article.title
    article.description = lead_sentence(lead)
    # the page's address names the story, not the scraper's label ("*Updated* ...")
    article.slug = base_slug(headline_parts(article.title)[1], article.id)
    return article
