"""The declarative rules (boilerplate, bylines, highlights, dates, tags) and their loading.

Defaults live in `default_rules.yml` beside this file; a project's own file extends
them, so an editor adds another source's chrome without touching code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import re2
import yaml

DEFAULT_RULES = Path(__file__).with_name("default_rules.yml")
PROJECT_RULES = "newsbrief-rules.yml"
WHERE = ("anywhere", "header", "footer")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the cause."""


@dataclass(frozen=True)
class Pattern:
    regex: re2._Regexp  # compile_rule: linear-time matching
    reason: str
    where: str = "anywhere"


@dataclass
class Rules:
    lines: dict[str, str] = field(default_factory=dict)  # exact line -> reason
    patterns: list[Pattern] = field(default_factory=list)
    highlights_labels: list[str] = field(default_factory=list)
    bullets: str = "–—-•*"
    bylines: list[re2._Regexp] = field(default_factory=list)
    date_order: str = "DMY"
    max_bytes: int | None = 10_000_000
    max_tags: int = 8
    tag_aliases: dict[str, str] = field(default_factory=dict)
    tag_stop: set[str] = field(default_factory=set)
    tag_min_briefs: int = 1
    tag_min_briefs_from: int = 0  # archive size from which min_briefs applies
    learn_min_dumps: int = 3
    learn_min_share: float = 0.3
    learn_keep: list[str] = field(default_factory=list)
    near_duplicate_threshold: float = 0.8
    related_max: int = 5
    digest_daily: bool = True
    digest_weekly: bool = True
    digest_min_briefs: int = 2  # a day or week with fewer briefs has no digest
    signature: list[str] = field(default_factory=list)  # everything merged, for cache keys

    def chrome_reason(self, text: str, where: str) -> str | None:
        """Why a whole line is boilerplate in this zone, or None if it is not."""
        reason = self.lines.get(text)
        if reason:
            return reason
        if not self.patterns:
            return None
        zone_set, reasons = self._zone_sets()[where]
        hits = zone_set.Match(text) if reasons else None
        return reasons[min(hits)] if hits else None  # the first rule in file order wins

    def byline_regexes(self, text: str) -> list:
        """The byline regexes that match the whole line, in file order."""
        byline_set, regexes = self._zone_sets()["bylines"]
        hits = byline_set.Match(text) if regexes else None
        return [regexes[i] for i in sorted(hits)] if hits else []

    def _zone_sets(self) -> dict[str, tuple[re2.Set, list]]:
        """Per zone, one RE2 set of the patterns that apply there (and one of the
        bylines): one pass over a line for all of them; a call per pattern cost a
        quarter of the conversion time."""
        sets = self.__dict__.get("_sets")
        if sets is None:
            sets = {}
            groups = {zone: [(p.regex, p.reason) for p in self.patterns if p.where in ("anywhere", zone)]
                      for zone in WHERE}
            groups["bylines"] = [(rx, rx) for rx in self.bylines]
            for name, members in groups.items():
                zone_set = re2.Set.FullMatchSet(_RE2_OPTIONS)
                for rx, _ in members:
                    zone_set.Add(rx.pattern)
                if members:
                    zone_set.Compile()
                sets[name] = (zone_set, [value for _, value in members])
            self.__dict__["_sets"] = sets
        return sets

    def __getstate__(self) -> dict:  # RE2 sets do not pickle; rebuilt on first use
        return {k: v for k, v in self.__dict__.items() if k != "_sets"}

    def highlights_label(self, text: str) -> str | None:
        label = text.rstrip(":").strip()
        return label if label.casefold() in {h.casefold() for h in self.highlights_labels} else None


class _Loader(yaml.SafeLoader):
    """yaml.safe_load without aliases. A rules file needs none, and a few hundred bytes
    of nested aliases stand for billions of nodes: whatever walks them (the merge, the
    cache signature) runs out of memory."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.YAMLError(f"aliases (*name) are not allowed in a rules file (line {mark.line + 1})")
        return super().compose_node(parent, index)


def _read_yaml(path: Path) -> object:
    """A rules file's data; RulesError (one line, naming the file) if it cannot be had."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise RulesError(f"{path}: cannot read rules file ({e.strerror})") from None
    except UnicodeDecodeError as e:
        raise RulesError(f"{path}: not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset {e.start})") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        raise RulesError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    except RecursionError:
        raise RulesError(f"{path}: not valid YAML (nested too deeply)") from None


# --- user regexes: RE2 ------------------------------------------------------------
# Rules are matched against every line of every dump, so a rule that backtracks
# ((a+)+b) would hang a run on one unlucky line. RE2 matches in time linear in the
# line, whatever the pattern, and the same on every machine (a time limit would make
# the output depend on the machine's load). It has no backreferences, lookarounds,
# possessive or atomic groups: a rule that uses them is refused with the reason.
# Its \w \d \s \b are ASCII-only; Python's (Unicode) meaning is spelled out for it
# below, so a rule means what it means in Python. \b has no such spelling: refused.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.case_sensitive = False
_RE2_OPTIONS.log_errors = False
_PY_SPACE = r"\t\n\x{0b}\f\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_CLASSES = {"w": r"\pL\pN_", "d": r"\p{Nd}", "s": _PY_SPACE}


def _to_re2(pattern: str) -> str:
    """Python regex syntax -> RE2 syntax with the same meaning; ValueError with the
    reason for what RE2 cannot express."""
    out: list[str] = []
    in_class, class_start = False, -1
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n in _CLASSES:
                out.append(_CLASSES[n] if in_class else f"[{_CLASSES[n]}]")
            elif n.lower() in _CLASSES:
                if in_class:
                    raise ValueError(f"\\{n} inside [...] is not supported")
                out.append(f"[^{_CLASSES[n.lower()]}]")
            elif n in "bB":
                raise ValueError(f"\\{n} (word boundary) is not supported: a rule matches a whole "
                                 "line; write the separator (a space, \\W) instead")
            elif n == "Z":
                out.append(r"\z")
            elif n in "uU":
                width = 4 if n == "u" else 8
                out.append(f"\\x{{{pattern[i + 2 : i + 2 + width]}}}")
                i += width
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]" and i != class_start:
                in_class = False
        elif c == "[":
            in_class = True
            class_start = i + 1 + (pattern[i + 1 : i + 2] == "^")  # a "]" there is literal
        out.append(c)
        i += 1
    return "".join(out)


def compile_rule(pattern: str) -> re2._Regexp:
    """A user's regex (Python syntax), compiled for linear-time matching; ValueError
    with a one-line reason if it is not valid or uses what RE2 lacks."""
    try:
        re.compile(pattern, re.IGNORECASE)  # Python's syntax check and messages
    except re.error as e:
        raise ValueError(str(e)) from None
    try:
        return re2.compile(_to_re2(pattern), _RE2_OPTIONS)
    except re2.error as e:
        reason = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
        raise ValueError(f"not supported by linear-time matching ({reason}); backreferences, "
                         "lookarounds, possessive and atomic groups are not") from None


# --- the schema -------------------------------------------------------------------

class _Checker:
    """Type and range checks that name the file and the key of what is wrong."""

    def __init__(self, origin: str):
        self.origin = origin

    def fail(self, key: str, msg: str) -> RulesError:
        return RulesError(f"{self.origin}: {key}: {msg}" if key else f"{self.origin}: {msg}")

    @staticmethod
    def _shown(value: object) -> str:
        kind = {dict: "a mapping", list: "a list", type(None): "nothing"}.get(type(value))
        return kind or repr(value)

    def mapping(self, value: object, key: str, known: tuple[str, ...] | None) -> dict:
        """A mapping (None: empty) whose keys are all `known` (None: any key)."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping, got {self._shown(value)}")
        for k in value if known is not None else ():
            if k not in known:
                where = f"{key}.{k}" if key else str(k)
                raise self.fail(where, f"unknown key (known: {', '.join(known)})")
        return value

    def items(self, value: object, key: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {self._shown(value)}")
        return value

    def text(self, value: object, key: str, empty: bool = True) -> str:
        # Numbers are text too in YAML's eyes ("404"); lists, mappings, booleans are not.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, f"expected text, got {self._shown(value)}")
        if not empty and not str(value).strip():
            raise self.fail(key, "must not be empty")
        return str(value)

    def integer(self, value: object, key: str, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.fail(key, f"expected a whole number >= {low}, got {self._shown(value)}")
        return value

    def fraction(self, value: object, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.fail(key, f"expected a number from 0 to 1, got {self._shown(value)}")
        return float(value)

    def flag(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {self._shown(value)}")
        return value


_TOP = ("lines", "patterns", "highlights_labels", "bullets", "bylines", "date_order", "max_bytes",
        "tags", "learn", "near_duplicates", "related", "digests")


def _merge(rules: Rules, data: object, origin: str) -> None:
    """Check the whole of one rules file's data against the schema, then merge it in:
    a file with any error changes nothing."""
    ck = _Checker(origin)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ck.fail("", "expected a mapping at the top level")
    data = ck.mapping(data, "", _TOP)
    new = Rules(**{f: getattr(rules, f) for f in rules.__dataclass_fields__})
    new.lines, new.patterns = dict(rules.lines), list(rules.patterns)
    new.highlights_labels, new.bylines = list(rules.highlights_labels), list(rules.bylines)
    new.tag_aliases, new.tag_stop = dict(rules.tag_aliases), set(rules.tag_stop)
    new.learn_keep, new.signature = list(rules.learn_keep), list(rules.signature)

    for n, item in enumerate(ck.items(data.get("lines"), "lines")):
        key = f"lines[{n}]"
        if not isinstance(item, dict) or "text" not in item:
            raise ck.fail(key, f"each entry of 'lines' needs a 'text': {item!r}")
        ck.mapping(item, key, ("text", "reason"))
        text = ck.text(item["text"], f"{key}.text", empty=False).strip()
        new.lines[text] = ck.text(item.get("reason", "boilerplate"), f"{key}.reason")
    for n, item in enumerate(ck.items(data.get("patterns"), "patterns")):
        key = f"patterns[{n}]"
        if not isinstance(item, dict) or "regex" not in item:
            raise ck.fail(key, f"each entry of 'patterns' needs a 'regex': {item!r}")
        ck.mapping(item, key, ("regex", "reason", "where"))
        where = item.get("where", "anywhere")
        if where not in WHERE:
            raise ck.fail(f"{key}.where", f"'where' must be one of {', '.join(WHERE)}: {where!r}")
        source = ck.text(item["regex"], f"{key}.regex")
        try:
            rx = compile_rule(source)
        except ValueError as e:
            raise ck.fail("", f"bad regex in {key}.regex {source!r}: {e}") from None
        new.patterns.append(Pattern(rx, ck.text(item.get("reason", "boilerplate"), f"{key}.reason"), where))
    new.highlights_labels += [ck.text(x, f"highlights_labels[{n}]", empty=False)
                              for n, x in enumerate(ck.items(data.get("highlights_labels"), "highlights_labels"))]
    if data.get("bullets") is not None:
        new.bullets = "".join(dict.fromkeys(new.bullets + ck.text(data["bullets"], "bullets")))
    for n, source in enumerate(ck.items(data.get("bylines"), "bylines")):
        key = f"bylines[{n}]"
        source = ck.text(source, key)
        try:
            compiled = compile_rule(source)
        except ValueError as e:
            raise ck.fail("", f"bad byline regex in {key} {source!r}: {e}") from None
        if "credit" not in compiled.groupindex:
            raise ck.fail(key, f"byline regex needs a (?P<credit>...) group: {source!r}")
        new.bylines.append(compiled)
    if "date_order" in data:
        order = ck.text(data["date_order"], "date_order").upper()
        if order not in ("DMY", "MDY"):
            raise ck.fail("date_order", f"date_order must be DMY or MDY, not {data['date_order']!r}")
        new.date_order = order
    if "max_bytes" in data:  # 0 or nothing: no limit
        limit = data["max_bytes"]
        new.max_bytes = ck.integer(limit, "max_bytes", 0) or None if limit is not None else None

    tags = ck.mapping(data.get("tags"), "tags", ("max", "aliases", "stop", "min_briefs", "min_briefs_from"))
    if "max" in tags:
        new.max_tags = ck.integer(tags["max"], "tags.max", 0)
    aliases = ck.mapping(tags.get("aliases"), "tags.aliases", None)
    new.tag_aliases.update({ck.text(k, f"tags.aliases.{k}"): ck.text(v, f"tags.aliases.{k}")
                            for k, v in aliases.items()})
    new.tag_stop |= {ck.text(x, f"tags.stop[{n}]").casefold()
                     for n, x in enumerate(ck.items(tags.get("stop"), "tags.stop"))}
    if "min_briefs" in tags:
        new.tag_min_briefs = ck.integer(tags["min_briefs"], "tags.min_briefs", 1)
    if "min_briefs_from" in tags:
        new.tag_min_briefs_from = ck.integer(tags["min_briefs_from"], "tags.min_briefs_from", 0)

    learn = ck.mapping(data.get("learn"), "learn", ("min_dumps", "min_share", "keep"))
    if "min_dumps" in learn:  # 0: learn nothing
        new.learn_min_dumps = ck.integer(learn["min_dumps"], "learn.min_dumps", 0)
    if "min_share" in learn:
        new.learn_min_share = ck.fraction(learn["min_share"], "learn.min_share")
    new.learn_keep += [ck.text(x, f"learn.keep[{n}]") for n, x in enumerate(ck.items(learn.get("keep"), "learn.keep"))]

    near = ck.mapping(data.get("near_duplicates"), "near_duplicates", ("threshold",))
    if "threshold" in near:  # 0: no check
        new.near_duplicate_threshold = ck.fraction(near["threshold"], "near_duplicates.threshold")
    related = ck.mapping(data.get("related"), "related", ("max",))
    if "max" in related:
        new.related_max = ck.integer(related["max"], "related.max", 0)
    digests = ck.mapping(data.get("digests"), "digests", ("daily", "weekly", "min_briefs"))
    if "daily" in digests:
        new.digest_daily = ck.flag(digests["daily"], "digests.daily")
    if "weekly" in digests:
        new.digest_weekly = ck.flag(digests["weekly"], "digests.weekly")
    if "min_briefs" in digests:
        new.digest_min_briefs = ck.integer(digests["min_briefs"], "digests.min_briefs", 1)
    new.signature.append(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False))
    rules.__dict__.update(new.__getstate__())
    rules.__dict__.pop("_sets", None)


def load_rules(extra: str | Path | None = None, overrides: dict | None = None) -> Rules:
    """Defaults, then the project's rules file (if any), then inline overrides."""
    rules = Rules()
    _merge(rules, _read_yaml(DEFAULT_RULES), str(DEFAULT_RULES))
    if extra is not None:
        path = Path(extra)
        _merge(rules, _read_yaml(path), str(path))
    if overrides:
        _merge(rules, overrides, "mkdocs.yml (newsbrief plugin options)")
    return rules
