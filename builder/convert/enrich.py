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
# initialism ("U.S.") or a short title ("Mr.", "Dr.").
_SENTENCE_END = re.compile(
    r"(?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z][a-z]\.)(?<!\b[A-Z]\.)(?<=[.!?])[”\"’»)]?\s+(?=[“\"«(]?[^\W\d_])"
)
_SLUG_REPLACEMENTS = [["'", ""], ["’", ""], ["£", ""], ["€", ""], ["$", ""], ["¥", ""], ["&", " and "],
                      ["%", " percent"]]


def base_slug(title: str, article_id: str) -> str:
    """A readable, path-safe slug: lowercase ASCII words joined by '-'.

    Non-Latin titles are transliterated (Unidecode); a title that leaves nothing
    (only punctuation or emoji) falls back to the scraper id.
    """
    slug = slugify(title, max_length=SLUG_MAX, word_boundary=True, save_order=True,
                   replacements=_SLUG_REPLACEMENTS)
    if not slug:
        slug = slugify(f"brief {article_id}", max_length=SLUG_MAX) or "brief"
    if slug in _RESERVED:
        slug += "-brief"
    return slug


def lead_sentence(text: str, limit: int = 300) -> str:
    """The first sentence of the lead paragraph, for `description` and feeds."""
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
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
