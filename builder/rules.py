"""The declarative rules (boilerplate, bylines, highlights, dates, tags) and their loading.

Defaults live in `default_rules.yml` beside this file; a project's own file extends
them, so an editor adds another source's chrome without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_RULES = Path(__file__).with_name("default_rules.yml")
PROJECT_RULES = "newsbrief-rules.yml"
WHERE = ("anywhere", "header", "footer")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the cause."""


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    reason: str
    where: str = "anywhere"


@dataclass
class Rules:
    lines: dict[str, str] = field(default_factory=dict)  # exact line -> reason
    patterns: list[Pattern] = field(default_factory=list)
    highlights_labels: list[str] = field(default_factory=list)
    bullets: str = "–—-•*"
    bylines: list[re.Pattern] = field(default_factory=list)
    date_order: str = "DMY"
    max_bytes: int | None = 10_000_000
    max_tags: int = 8
    tag_aliases: dict[str, str] = field(default_factory=dict)
    tag_stop: set[str] = field(default_factory=set)
    tag_min_briefs: int = 1
    learn_min_dumps: int = 3
    learn_min_share: float = 0.3
    learn_keep: list[str] = field(default_factory=list)
    near_duplicate_threshold: float = 0.8
    related_max: int = 5
    digest_daily: bool = True
    digest_weekly: bool = True
    signature: list[str] = field(default_factory=list)  # everything merged, for cache keys

    def chrome_reason(self, text: str, where: str) -> str | None:
        """Why a whole line is boilerplate in this zone, or None if it is not."""
        reason = self.lines.get(text)
        if reason:
            return reason
        for p in self.patterns:
            if p.where in ("anywhere", where) and p.regex.fullmatch(text):
                return p.reason
        return None

    def highlights_label(self, text: str) -> str | None:
        label = text.rstrip(":").strip()
        return label if label.casefold() in {h.casefold() for h in self.highlights_labels} else None


def _merge(rules: Rules, data: dict, origin: str) -> None:
    def fail(msg: str) -> RulesError:
        return RulesError(f"{origin}: {msg}")

    if not isinstance(data, dict):
        raise fail("expected a mapping at the top level")
    for item in data.get("lines") or []:
        if not isinstance(item, dict) or "text" not in item:
            raise fail(f"each entry of 'lines' needs a 'text': {item!r}")
        rules.lines[str(item["text"]).strip()] = str(item.get("reason", "boilerplate"))
    for item in data.get("patterns") or []:
        if not isinstance(item, dict) or "regex" not in item:
            raise fail(f"each entry of 'patterns' needs a 'regex': {item!r}")
        where = item.get("where", "anywhere")
        if where not in WHERE:
            raise fail(f"'where' must be one of {', '.join(WHERE)}: {where!r}")
        try:
            rx = re.compile(str(item["regex"]), re.IGNORECASE)
        except re.error as e:
            raise fail(f"bad regex {item['regex']!r}: {e}") from None
        rules.patterns.append(Pattern(rx, str(item.get("reason", "boilerplate")), where))
    rules.highlights_labels += [str(x) for x in data.get("highlights_labels") or []]
    if data.get("bullets"):
        rules.bullets = "".join(dict.fromkeys(rules.bullets + str(data["bullets"])))
    for rx in data.get("bylines") or []:
        try:
            compiled = re.compile(str(rx), re.IGNORECASE)
        except re.error as e:
            raise fail(f"bad byline regex {rx!r}: {e}") from None
        if "credit" not in compiled.groupindex:
            raise fail(f"byline regex needs a (?P<credit>...) group: {rx!r}")
        rules.bylines.append(compiled)
    if "date_order" in data:
        order = str(data["date_order"]).upper()
        if order not in ("DMY", "MDY"):
            raise fail(f"date_order must be DMY or MDY, not {data['date_order']!r}")
        rules.date_order = order
    if "max_bytes" in data:
        rules.max_bytes = int(data["max_bytes"]) if data["max_bytes"] else None
    tags = data.get("tags") or {}
    if "max" in tags:
        rules.max_tags = int(tags["max"])
    rules.tag_aliases.update({str(k): str(v) for k, v in (tags.get("aliases") or {}).items()})
    rules.tag_stop |= {str(s).casefold() for s in tags.get("stop") or []}
    if "min_briefs" in tags:
        rules.tag_min_briefs = int(tags["min_briefs"])
    learn = data.get("learn") or {}
    if "min_dumps" in learn:
        rules.learn_min_dumps = int(learn["min_dumps"])
    if "min_share" in learn:
        rules.learn_min_share = float(learn["min_share"])
    rules.learn_keep += [str(x) for x in learn.get("keep") or []]
    near = data.get("near_duplicates") or {}
    if "threshold" in near:
        rules.near_duplicate_threshold = float(near["threshold"])
    digests = data.get("digests") or {}
    if "daily" in digests:
        rules.digest_daily = bool(digests["daily"])
    if "weekly" in digests:
        rules.digest_weekly = bool(digests["weekly"])
    if "max" in (data.get("related") or {}):
        rules.related_max = int(data["related"]["max"])
    rules.signature.append(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False))


def load_rules(extra: str | Path | None = None, overrides: dict | None = None) -> Rules:
    """Defaults, then the project's rules file (if any), then inline overrides."""
    rules = Rules()
    _merge(rules, yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8")), str(DEFAULT_RULES))
    if extra is not None:
        path = Path(extra)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as e:
            raise RulesError(f"{path}: cannot read rules file ({e.strerror})") from None
        except yaml.YAMLError as e:
            raise RulesError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
        _merge(rules, data, str(path))
    if overrides:
        _merge(rules, overrides, "mkdocs.yml (newsbrief plugin options)")
    return rules
