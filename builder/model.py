"""The data model that the stages pass along: convert (read -> parse -> clean -> enrich)
-> archive (decisions over many dumps) -> output (pages).

Each stage takes the object of the previous one and fills in more of it; none of them
touch the file system except reading the dumps and writing the output. What only the
conversion cache needs stays in its own records (output/cache.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# A BCP 47 language tag as a page's `lang` attribute takes it ("ru", "pt-BR", "zh-Hant"):
# what convert/lang.py writes and the only form the site puts into a page.
LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}")


@dataclass(frozen=True)
class Line:
    """One line of a dump after decoding and whitespace repair."""

    number: int  # 1-based line number in the raw file
    text: str  # normalised text; "" for a blank line


@dataclass(frozen=True)
class Removed:
    """A non-blank line that is not published, and why (the export's `removed`)."""

    line: int
    text: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class Section:
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the dump line of each paragraph
    heading_line: int | None = None

    def as_dict(self) -> dict:
        return {"heading": self.heading, "paragraphs": list(self.paragraphs)}


class Rejected(Exception):
    """A dump that cannot be published; the message is the one-line cause."""


@dataclass
class Dump:
    """A raw file as read: its text lines plus provenance."""

    source_path: str  # as given by the user (relative when possible), POSIX separators
    sha256: str
    size: int
    lines: list[Line] = field(default_factory=list)
    encoding: str = "utf-8"
    repairs: list[str] = field(default_factory=list)  # what decoding had to fix
    lang: str | None = None  # the language the source declares (a reader that knows sets it)


@dataclass
class Article:
    """A parsed, cleaned and enriched article; what the writer turns into a page."""

    dump: Dump
    id: str
    title: str
    date: dt.date
    date_text: str
    highlights_label: str | None = None
    highlights: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    removed: list[Removed] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # after archive-wide normalisation
    local_tags: list[str] = field(default_factory=list)  # as found in this dump alone
    copies: list[dict] = field(default_factory=list)  # near-duplicates published as this one
    learned: list[str] = field(default_factory=list)  # lines removed as learned chrome
    author_keys: list[str] = field(default_factory=list)  # .authors.yml keys, unique per spelling
    category: str | None = None  # the publisher's blog category: its name, told apart if it slugs alike
    slug: str = ""
    description: str = ""
    base_slug: str = ""  # the slug before a clash suffix (-2, -3) was added
    content_key: str = ""  # hash of the published text: same id + same key = duplicate
    kind: str = "family"  # the reader that made it: "family", "page-text" or "html" (convert/readers/detect.py)
    lang: str = ""  # BCP 47 tag (convert/lang.py); "" = unknown: the site's language applies

    @property
    def paragraphs(self) -> list[str]:
        return [p for s in self.sections for p in s.paragraphs]

    @property
    def body_text(self) -> str:
        """The text a content hash is taken over: what a reader would see."""
        parts = [self.title, *self.highlights]
        for s in self.sections:
            if s.heading:
                parts.append(s.heading)
            parts.extend(s.paragraphs)
        return "\n".join(parts)


OK = "ok"
REJECTED = "rejected"
DUPLICATE = "duplicate"
SUPERSEDED = "superseded"
NEAR_DUPLICATE = "near-duplicate"


@dataclass
class Outcome:
    """What became of one dump: the unit of the export and of the summary."""

    source_path: str
    status: str = OK
    error: str | None = None
    article: Article | None = None
    duplicate_of: str | None = None
    superseded_by: str | None = None
    page: str | None = None  # path of the written page, relative to the project
    sha256: str | None = None  # of the raw bytes, when they were read
    near_duplicate_of: str | None = None
    similarity: float | None = None
    features: object | None = None  # convert.features.ArticleFeatures, for the archive-wide steps
    related: list[str] = field(default_factory=list)  # pages of related briefs

    def as_record(self) -> dict:
        """The export contract (one JSON object a line); see shared/dump-format.md."""
        a = self.article
        rec: dict = {
            "id": a.id if a else None,
            "source_path": self.source_path,
            "status": self.status,
            "error": self.error,
        }
        if a is not None:
            rec.update(
                title=a.title,
                date=a.date.isoformat(),
                authors=list(a.authors),
                publisher=a.publisher,
                tags=list(a.tags),
                highlights=list(a.highlights),
                sections=[s.as_dict() for s in a.sections],
                removed=[r.as_dict() for r in a.removed],
                slug=a.slug,
                description=a.description,
                sha256=a.dump.sha256,
                kind=a.kind,
            )
        if self.duplicate_of:
            rec["duplicate_of"] = self.duplicate_of
        if self.superseded_by:
            rec["superseded_by"] = self.superseded_by
        if self.near_duplicate_of:
            rec["near_duplicate_of"] = self.near_duplicate_of
            rec["similarity"] = round(self.similarity or 0.0, 3)
        if a is not None and a.copies:
            rec["copies"] = list(a.copies)
        if self.related:
            rec["related"] = list(self.related)
        rec["page"] = self.page
        return rec
