"""`newsbrief rules suggest`: learned chrome as rules an editor can confirm and paste,
and the headings that recur but were kept (learning counts both: archive/chrome.py)."""

from __future__ import annotations

from ..model import Outcome
from ..rules import Rules
from .chrome import recurring_headings


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest_rules(outcomes: list[Outcome], learned: dict[tuple[str, str], int], rules: Rules) -> str:
    published = [o for o in outcomes if o.article is not None]
    out = [f"# Learned from {len(published)} dumps by `newsbrief rules suggest`.",
           "# Paste the rules you confirm into newsbrief-rules.yml (a confirmed rule also",
           "# removes the line where it recurs too rarely to be learned)."]
    ordered = sorted(learned.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    out.append("lines:" if ordered else "lines: []  # nothing recurs often enough to be chrome")
    for (publisher, text), n in ordered:
        out.append(f"  - {{text: {_quote(text)}, reason: {_quote(f'learned: seen in {n} dumps of {publisher}')}}}")
    # A heading is learned only when it is one publisher's own (a desk's "Summary" is in
    # every brief of several); the others that recur are listed for an editor to judge.
    recurring = sorted(recurring_headings(outcomes, rules).items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    if recurring:
        out.append("# Headings that recur (kept as headings; uncomment the ones that are chrome):")
        for (publisher, text), n in recurring:
            out.append(f"#  - {{text: {_quote(text)}, reason: \"heading seen in {n} dumps of {publisher}\"}}")
    return "\n".join(out) + "\n"
