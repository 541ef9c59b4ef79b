"""A headline's scraped label shown apart from it ("*Updated* Steelmakers brace ..." is
read as a badge UPDATED, then the headline "Steelmakers brace ...").

The title stays the dump's everywhere it is data (export, front matter, the text of the
brief's <h1>). The builder writes the split it found into the front matter
(``title_label``, ``title_headline``: output/render.py); here it is only checked against
the title (front matter is untrusted) and turned into HTML:

- where a reader sees the title as HTML (the brief's <h1>, cards, related briefs,
  digests, tag listings: every link whose whole text is the title), the decoration's
  punctuation goes into ``nb-deco`` spans (display: none, so neither seen nor read
  aloud) and the label into an ``nb-label`` badge; the element's text is unchanged;
- where the title is plain text (<title>, both feeds, search results, tag listings), the
  post's title becomes ``Label: headline`` ("Updated: Steelmakers brace ..."): feed
  readers show an item's title and hardly ever its categories, so a category would hide
  the label; a prefix and a colon is how news copy labels a headline in plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_H1 = re.compile(r"(<h1\b[^>]*>)([^<]*)(</h1>)")
_LINK = re.compile(r"(<a\b[^>]*>)([^<]+)(</a>)")


@dataclass(frozen=True)
class Label:
    title: str     # the dump's title
    label: str     # "Updated"
    headline: str  # "Steelmakers brace ..."
    before: str    # the decoration around the label: "*", "---", "[" or ""
    after: str     # "*", "---", "]", ":" or ""
    gap: str       # the blank between the decoration and the headline
    first: bool    # the label before the headline (else after it)

    @property
    def plain(self) -> str:
        """The title as plain text: "Updated: Steelmakers brace ..."."""
        label = self.label.capitalize() if self.label.isupper() else self.label
        return f"{label}: {self.headline}"


def from_meta(meta: dict) -> Label | None:
    """The label of a post whose front matter has one that fits its title, else None."""
    title, label, headline = (meta.get(k) for k in ("title", "title_label", "title_headline"))
    if not (isinstance(title, str) and isinstance(label, str) and isinstance(headline, str)
            and label.strip() and headline.strip() and len(headline) < len(title)):
        return None
    if title.endswith(headline):
        deco, first = title[: len(title) - len(headline)], True
    elif title.startswith(headline):
        deco, first = title[len(headline) :], False
    else:
        return None
    core = deco.strip()
    at = core.find(label)
    if at < 0 or any(c.isalnum() for c in core[:at] + core[at + len(label) :]):
        return None
    gap = deco[len(deco.rstrip()) :] if first else deco[: len(deco) - len(deco.lstrip())]
    if deco.strip(" \t") != core or (first and deco[: len(deco) - len(deco.lstrip())]) \
            or (not first and deco[len(deco.rstrip()) :]):
        return None  # blanks only between the decoration and the headline
    return Label(title, label, headline, core[:at], core[at + len(label) :], gap, first)


def _deco(text: str) -> str:
    return f'<span class="nb-deco">{html.escape(text)}</span>' if text else ""


def labelled_html(lab: Label, text: str) -> str:
    """HTML whose text is `text` (the dump's title, or lab.plain) with the label as a badge."""
    if text == lab.title:
        before, after, gap = lab.before, lab.after, lab.gap
    else:
        before, after, gap = "", ":", " "
    label = lab.label if text == lab.title else lab.plain[: -len(lab.headline) - 2]
    first = text != lab.title or lab.first
    css = "nb-label" if first else "nb-label nb-label--after"
    badge = f'<span class="{css}">{_deco(before)}{html.escape(label)}{_deco(after)}</span>'
    headline = html.escape(lab.headline)
    return f"{badge}{html.escape(gap)}{headline}" if first else f"{headline}{html.escape(gap)}{badge}"


def _wrapped(inner: str, labels: dict[str, Label]) -> str | None:
    text = html.unescape(inner)
    lab = labels.get(text.strip())
    if lab is None:
        return None
    lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return html.escape(lead) + labelled_html(lab, text.strip()) + html.escape(tail)


def with_labels(page_html: str, labels: dict[str, Label], heading: Label | None = None) -> str:
    """A built page with each labelled title shown with its badge: the brief's own <h1>
    (`heading`), and every link whose whole text is a labelled title (either form)."""
    if heading is not None:
        m = _H1.search(page_html)
        if m and html.unescape(m[2]).strip() == heading.title:
            page_html = page_html[: m.start(2)] + _wrapped(m[2], {heading.title: heading}) + page_html[m.end(2) :]
    if not labels:
        return page_html

    def link(m: re.Match) -> str:
        got = _wrapped(m[2], labels)
        return m[0] if got is None else m[1] + got + m[3]

    return _LINK.sub(link, page_html)


def register(labels: dict[str, Label], lab: Label) -> None:
    """Both forms of a labelled title, for the links that show either."""
    labels[lab.title] = labels[lab.plain] = lab
