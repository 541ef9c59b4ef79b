"""Shared pieces of the page-text reader's tests (tests/convert/test_readers_pagetext*.py):
a made-up site's menu, footer and article, a page dump built from them, and what an
article publishes and removes."""

from __future__ import annotations

from builder.convert.read import read_bytes

MENU = ["Skip to content", "Home", "World", "Business", "Sport", "Culture", "Search", "Sign in"]
FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use", "© 2024 The Daily Example"]
BODY = [
    "The regional water board approved a plan on Monday to replace the oldest pipes under the town centre "
    "over the next four years, after a winter in which three mains burst within a week.",
    "Engineers told the board that most of the cast-iron network was laid before the war and that repairs "
    "now cost more each year than a steady programme of renewal would.",
    "Residents will see the first roadworks in the spring, when crews start on the streets around the "
    "market square and the railway station, where the pressure is highest.",
    "The board said it would publish a map of the affected streets and keep at least one lane open on every "
    "main road while the work is under way, so that buses can keep to their timetables.",
]
TITLE = "Water board approves four-year plan to replace old town-centre pipes"


def page(*head: str, body: list[str] | None = None, tail: tuple[str, ...] = (), name: str = "site/a.txt"):
    lines = [*MENU, *head, *(BODY if body is None else body), *tail, *FOOTER]
    return read_bytes(("\n\n".join(lines) + "\n").encode(), name)


def published(article) -> list[str]:
    """The texts an article publishes, in order: highlights, then headings and paragraphs."""
    out = list(article.highlights)
    for s in article.sections:
        out += ([s.heading] if s.heading else []) + s.paragraphs
    return out


def reasons(article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}
