"""Make dumps of the family described in shared/dump-format.md, with their answers.

Used by the tests (variations the fixtures don't cover) and by bench/ (big corpora).
Deterministic for a given random.Random.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

FIRST = ["Harper", "Dana", "Ines", "Priya", "Owen", "Marcus", "Aputi", "Felix", "Анна", "Gabriel", "Lorna",
         "Tomás", "Mei", "Kwame", "Sofia", "Jonas"]
LAST = ["Eastwood", "Whitcombe", "Carvalho", "Natarajan", "Fletcher", "Lindqvist", "Kilabuk", "Armitage",
        "Ortiz", "McAllister", "Okafor", "Brennan", "Novak", "Haddad", "Lindgren", "Mensah"]
PUBLISHERS = ["Scopewires", "Civic Wire", "Capitol Ledger", "Ferrous Weekly", "Aviation Desk",
              "Millbrook Gazette", "Northern Lights Radio", "Harbourside Times"]
PLACES = ["Halbrook", "Millbrook", "Kelsey Bridge", "Teslin Crossing", "Harrowgate", "Castlemoor",
          "Westfield", "Ravenshead", "Oakmere", "Quay Street"]
ORGS = ["Northern Grid Authority", "Caledon Air", "Hollis Steel", "Westfield County Court",
        "Cabin Crew Union", "Flood Resilience Fund", "Andean Space Agency"]
HEADINGS = ["Summary", "Background", "Reaction", "What Happens Next", "The Vote", "Cost and Funding",
            "Market Reaction", "Local Impact", "Outlook", "Timeline of Talks", "Legal Questions"]
WORDS = """council said would plan new money water power court ruling vote residents officials budget
report week month year city region government agency workers prices costs talks deal strike
forecast record pressure support opposition members union airline flights passengers""".split()  # noqa: SIM905
TEASERS = ["Explore exclusive content on {topic} below.", "Discover more coverage of {topic} below."]
TOPICS = ["local government", "energy security", "courts and city hall", "labour disputes"]
BULLETS = ["–", "—", "-", "•", "*"]


def date_formats(d: dt.date) -> list[str]:
    return [
        f"{d:%B} {d.day}, {d:%Y}",
        f"{d.day} {d:%B %Y}",
        d.isoformat(),
        f"{d:%A}, {d:%B} {d.day}, {d:%Y}",
        f"{d:%B} {d.day}, {d:%Y} 10:42 AM",
        f"{d:%d/%m/%Y}",
    ]


@dataclass
class GenDump:
    """A generated dump and what the builder must make of it."""

    text: str
    id: str
    title: str
    date: dt.date
    authors: list[str]
    publisher: str | None
    highlights: list[str]
    sections: list[tuple[str | None, list[str]]]
    boilerplate: list[str] = field(default_factory=list)

    def encode(self, encoding: str = "utf-8", crlf: bool = False, bom: bool = False) -> bytes:
        text = self.text.replace("\n", "\r\n") if crlf else self.text
        data = text.encode(encoding)
        return (b"\xef\xbb\xbf" + data) if bom else data


def sentence(rng: random.Random, n: int | None = None) -> str:
    n = n or rng.randint(12, 30)
    words = [rng.choice(WORDS) for _ in range(n)]
    for _ in range(rng.randint(1, 3)):
        prep = rng.choice(["in", "at", "for", "with", "from", "by"])
        words.insert(rng.randrange(1, len(words)), f"{prep} {rng.choice(PLACES + ORGS)}")
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def make_dump(rng: random.Random, *, n_sections: int | None = None, paragraph_sentences: int = 3,
              day: dt.date | None = None, ident: str | None = None) -> GenDump:
    d = day or dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 2200))
    ident = ident or f"{rng.randint(1, 3)}_-{rng.randint(10**8, 10**10)}-{rng.randint(1, 9)}"
    place = rng.choice(PLACES)
    title = (f"{rng.choice(ORGS)} {rng.choice(['warns', 'backs', 'rejects', 'delays', 'reviews'])} {place} "
             f"{rng.choice(['plan', 'deal', 'budget', 'project', 'report'])} "
             f"{rng.choice(['after', 'before', 'amid'])} {rng.randint(2, 90)} {rng.choice(['days', 'hours'])} "
             f"of {rng.choice(['talks', 'protests', 'delays', 'debate', 'silence'])}")
    n_authors = rng.choice([1, 1, 1, 2])
    authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(n_authors)]
    authors = list(dict.fromkeys(authors))
    publisher = rng.choice([*PUBLISHERS, None])
    date_line = rng.choice(date_formats(d))
    lines = [ident, "", title, ""]
    boiler = [ident, title]
    lines += [date_line]
    if rng.random() < 0.5:
        lines += [date_line]
        boiler.append(date_line)
    lines += ["", title, "", "Share", ""]
    boiler += ["Share"]
    highlights: list[str] = []
    if rng.random() < 0.6:
        bullet = rng.choice(BULLETS)
        lines += ["Highlights:", ""]
        for _ in range(rng.randint(2, 4)):
            h = f"{rng.choice(['Key Vote', 'Funding', 'Reaction', 'Outlook'])}: {sentence(rng, 14)}"
            highlights.append(h)
            lines += [f"{bullet} {h}", ""]
    if rng.random() < 0.7:
        teaser = rng.choice(TEASERS).format(topic=rng.choice(TOPICS))
        lines += [teaser, ""]
        boiler.append(teaser)
    sections: list[tuple[str | None, list[str]]] = []
    for k in range(n_sections or rng.randint(1, 5)):
        heading = HEADINGS[k % len(HEADINGS)] if k or rng.random() < 0.8 else None
        paras = [" ".join(sentence(rng) for _ in range(paragraph_sentences))
                 for _ in range(rng.randint(1, 4))]
        sections.append((heading, paras))
        if heading:
            lines += [heading, ""]
        lines += [*paras, ""]
    lines += [""]
    credit = " and ".join(authors) + (f", {publisher}" if publisher else "")
    byline = rng.choice(["The content is provided by {c}", "By {c}"]).format(c=credit)
    lines += [byline, "", authors[0].split()[0], "", date_line]
    boiler += [byline, authors[0].split()[0]]
    for w in rng.sample(["Breaking News", "Sponsored", "Featured", "[post_author]"], rng.randint(0, 4)):
        lines.append(w)
        boiler.append(w)
    return GenDump("\n".join(lines), ident, title, d, authors, publisher, highlights, sections, boiler)
