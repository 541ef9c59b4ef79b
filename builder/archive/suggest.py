"""`newsbrief rules suggest`: learned chrome as rules an editor can confirm and paste."""

from __future__ import annotations

from collections import Counter

from ..pipeline import Result
from ..rules import Rules


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest_rules(result: Result, rules: Rules) -> str:
    published = [o for o in result.outcomes if o.article is not None]
    out = [f"# Learned from {len(published)} dumps by `newsbrief rules suggest`.",
           "# Paste the rules you confirm into newsbrief-rules.yml (a confirmed rule also",
           "# removes the line where it recurs too rarely to be learned)."]
    learned = sorted(result.learned.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    out.append("lines:" if learned else "lines: []  # nothing recurs often enough to be chrome")
    for (publisher, text), n in learned:
        out.append(f"  - {{text: {_quote(text)}, reason: {_quote(f'learned: seen in {n} dumps of {publisher}')}}}")
    # Headings are never learned (every brief of a desk may have a "Summary"); list the
    # ones that recur, for an editor to judge.
    per_pub: Counter[str] = Counter()
    headings: Counter[tuple[str, str]] = Counter()
    for o in published:
        pub = o.article.publisher or ""
        per_pub[pub] += 1
        for h in {s.heading for s in o.article.sections if s.heading}:
            headings[(pub, h)] += 1
    recurring = sorted(((k, n) for k, n in headings.items()
                        if n >= max(rules.learn_min_dumps, 2) and n >= rules.learn_min_share * per_pub[k[0]]),
                       key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    if recurring:
        out.append("# Headings that recur (kept as headings; uncomment the ones that are chrome):")
        for (publisher, text), n in recurring:
            out.append(f"#  - {{text: {_quote(text)}, reason: \"heading seen in {n} dumps of {publisher}\"}}")
    return "\n".join(out) + "\n"
