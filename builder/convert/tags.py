"""Tags: the people, places and organisations a brief is about.

Offline and deterministic: no model download. Named entities in news copy are
capitalised runs of words ("Caledon Air", "Volodymyr Zelenskyy", "Новосибирск");
the work is in rejecting the capitals that are not entities (sentence starts, job
titles, chrome) and in giving each entity one spelling (surname -> full name, aliases).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from functools import lru_cache

from ..model import Article
from ..rules import Rules
from .language import MONTHS, WEEKDAYS, is_calendar_word, is_country
from .parse import headline_parts

# Does a text end in an initialism ("U.S.") or a short title ("Dr.")? Only ever searched,
# so two letter-dot pairs say as much as {2,}: and unlike {2,}, a try that fails is over
# after four characters (a 160 KB "Zx.a.a.a..." word took a minute: quadratic).
_SHORT_TITLES = ("Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Gen", "Gov", "Sen", "Rep", "Prof", "No", "Mt", "Ft", "Lt",
                 "Col", "Capt")
_ABBREV = re.compile(rf"(?:[^\W\d_]\.){{2}}$|(?:{'|'.join(_SHORT_TITLES)})\.$")
# What a text must end in for _ABBREV to match it: a dot two places before its last
# character, or a title's dot (so most sentence ends are cleared without the regex).
_ABBREV_ENDS = tuple(f"{t}." for t in _SHORT_TITLES)
# Lower-case words inside a name ("Bank of England", "Ludwig van Beethoven"). Not "for"
# or "and": "... said Caledon Air for Glasgow" is two entities, not one.
_CONNECTORS = {"of", "de", "del", "da", "van", "von", "der", "la", "le", "du", "al", "bin"}
# Generic heads of institutions' names: a name only as part of a longer one ("State
# Senate", "White House", "Millbrook District Council"); alone ("goes to the House",
# "the Council said") the word is the common noun that stands for one by context.
_GENERIC = {
    "house", "senate", "congress", "parliament", "government", "council", "court", "ministry", "commission",
    "committee", "agency", "authority", "department", "police", "army", "navy", "union", "assembly", "cabinet",
    "treasury", "party", "board", "state", "city", "county", "region", "province", "district", "company",
    "bank", "office", "administration", "chamber", "legislature", "coalition", "opposition",
}
# Demonyms and other adjectives of place ("Russian missile strikes") name no entity.
_ADJECTIVE_SUFFIXES = ("ian", "ean", "ese", "ish")
# Words that open a run in front of a name ("Russian President Vladimir Putin").
_TITLES = {
    "president", "former", "prime", "minister", "senator", "sen.", "judge", "justice", "councillor",
    "councilor", "mayor", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "chief", "executive",
    "secretary", "governor", "gov.", "sir", "lord", "lady", "king", "queen", "pope", "general", "leader",
    "chancellor", "premier", "ambassador", "envoy", "spokesperson", "spokesman", "spokeswoman",
    "commissioner", "director", "chair", "chairman", "chairwoman", "ceo", "professor", "prof.", "captain",
    "coach", "manager", "officer", "inspector", "sergeant", "detective", "bishop", "archbishop", "rev.",
    "representative", "rep.", "congressman", "congresswoman", "vice", "deputy", "acting", "then",
    "majority", "minority", "head", "founder", "analyst", "researcher", "security", "council", "mediator",
    "negotiator", "lawyer", "attorney", "correspondent", "editor", "economist", "adviser", "advisor",
    "village", "opposition", "leader’s", "team",
}
# Capitalised words that open sentences or headlines but never name anything.
_COMMON = {
    "a", "an", "the", "in", "on", "at", "for", "but", "and", "or", "however", "despite", "following",
    "after", "before", "while", "when", "this", "that", "these", "those", "it", "he", "she", "they", "we",
    "i", "his", "her", "their", "our", "its", "meanwhile", "furthermore", "overall", "since", "amid",
    "during", "throughout", "although", "as", "if", "by", "with", "from", "to", "of", "not", "no", "yes",
    "some", "many", "most", "all", "both", "each", "every", "other", "another", "more", "one", "two",
    "three", "first", "last", "new", "why", "what", "who", "how", "where", "there", "here", "then",
    "also", "even", "still", "yet", "so", "because", "about", "over", "under", "into", "than", "be",
    "said", "says", "according", "earlier", "later", "today", "yesterday", "tomorrow", "now", "you",
    "my", "your", "us", "let", "do", "does", "did", "is", "are", "was", "were", "will", "would", "can",
    "could", "should", "may", "might", "must", "such", "only", "just", "nearly", "almost", "around",
    "mr", "mrs", "ms", "dr", "updated", "update", "breaking", "live", "watch", "read", "exclusive",
    "в", "на", "и", "но", "по", "с", "к", "за", "из", "от", "для", "это", "как", "что", "после", "при",
}
# A pronoun's contractions ("I'd" in "I'd bought") are capitalised by grammar, never a name.
_COMMON |= {f"{p}{a}{t}" for p in ("i", "you", "we", "they", "he", "she", "it") for a in ("'", "’")
            for t in ("d", "m", "ll", "ve", "re", "s")}

# Month and weekday names are never part of a name; all but "May" (also a name) open
# sentences without naming anything.
_CALENDAR = {*MONTHS, *WEEKDAYS}
_COMMON |= _CALENDAR - {"may"}
# The spellings runs have ("Monday", "MONDAY"): a set lookup instead of a casefold per word.
_CALENDAR_FORMS = frozenset(f for w in _CALENDAR for f in (w, w.capitalize(), w.upper()))
_COMMON_FORMS = frozenset(f for w in _COMMON for f in (w, w.capitalize(), w.upper()))


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _char_class(pred) -> str:
    """A regex character class of every BMP character for which pred holds (no \\p{Lu} in re)."""
    ranges, start, prev = [], None, None
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF or not pred(chr(cp)):
            continue
        if start is None or cp != prev + 1:
            if start is not None:
                ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_UP = _char_class(str.isupper)
# One capitalised word: an initialism ("U.S."), or a capital followed by word characters
# with inner dots, hyphens, apostrophes and ampersands ("Kestrel-3", "O’Brien", "AT&T").
# Written capital-first so the regex engine can skip ahead to the next capital instead
# of trying a lookbehind at every character: (?:[A-Z]\.){2,} or [A-Z](?:[\w&.’'-]*\w)?
# A plural possessive inside a name keeps its apostrophe: "Millbrook Traders’ Association".
_PLURAL_POSSESSIVE = rf"(?:(?<=s)[’'](?= [{_UP}]))?"
_CAPWORD = rf"[{_UP}](?:\.(?:[{_UP}]\.)+|(?:[\w&.’'-]*\w)?{_PLURAL_POSSESSIVE})"
_CONNECT = "|".join(sorted(_CONNECTORS))
# A run: capitalised words separated by single spaces, connectors allowed inside; the
# first capital does not continue a word ("McDonald" is one word, "-Russia" not a start).
# "d’" and "l’" elided before a capital belong to the name: "Côte d’Ivoire", "Val d’Isère".
_RUN = re.compile(rf"[{_UP}](?<![\w’'-].)(?:\.(?:[{_UP}]\.)+|(?:[\w&.’'-]*\w)?)"
                  rf"(?: (?:(?:{_CONNECT}) )*(?:[dl][’'])?(?:{_CAPWORD}))*")
# The same runs, with an empty group set where the text before a run decides it: group 1
# where it plainly goes on a sentence (after a word and a space, or ", "; not after "and ",
# where it may end a name: _COORDINATED), group 2 where it plainly starts one (after four
# lower-case letters and ". ": no initialism or short title, _ABBREV, ends so). Asked of
# the match, they spare most runs _starts' tests on the text around them in Python.
# (Its repeats are possessive, the same matches with less backtracking kept: nothing
# follows the words of a run, and giving back a connector ("of ") leaves a lower-case
# word, which neither a capitalised word nor an elided "d’" can start.)
_RUN_CUE = re.compile(rf"[{_UP}](?<![\w’'-].)(?:((?<=[^\W_] .|, .)(?<!and .))|((?<=[a-z]{{4}}\. .)))?"
                      rf"(?:\.(?:[{_UP}]\.)+|(?:[\w&.’'-]*\w)?)"
                      rf"(?: (?:(?:{_CONNECT}) )*+(?:[dl][’'])?(?:{_CAPWORD}))*+")
_OPENERS = ":;“\"«(—–"
_CLOSERS = "”\"’»)"


def _after_sentence_gap(before: str) -> bool:
    """Does `before` end where a sentence or clause starts: after . ! ? (and closing
    quotes) but not after an initialism or a short title ("U.S.", "Dr."), after an
    opening quote, colon or dash, or after nothing at all?"""
    s = before.rstrip()
    if not s or s[-1] in _OPENERS:
        return True
    if s[-1] in "-" and len(s) > 1 and s[-2].isspace():
        return True
    if s.rstrip(_CLOSERS)[-1:] not in (".", "!", "?"):
        return False
    return not ((s[-3:-2] == "." or s.endswith(_ABBREV_ENDS)) and _ABBREV.search(s))


def _lead_end(text: str) -> int:
    """Where the first word of `text` that is not a _COMMON one starts, within its first
    40 characters (40 if none does): a run that starts before it has only such words
    before it ("*Updated* Steelmakers brace ...")."""
    for w in _WORD.finditer(text, 0, 40):
        if w.group().casefold() not in _COMMON:
            return w.start()
    return 40


def _clean_word(word: str) -> str:
    if word.endswith(("’s", "'s")):
        word = word[:-2]
    if ("." in word and _ABBREV.search(word)) or word.endswith(("s’", "s'")):
        return word  # "U.S.", "Traders’" (inside a name: _PLURAL_POSSESSIVE)
    return word.strip("-’'.&")


def _segments(article: Article) -> list[tuple[str, int, bool]]:
    """(text, weight, lead) triples: the title weighs most, then highlights, then
    paragraphs; the title and the first paragraph are the lead, whose names are tags
    even when mentioned once."""
    segs: list[tuple[str, int, bool]] = []
    title = headline_parts(article.title)[1]  # "*Updated* Steelmakers ...": the label is no name
    words = title.split()
    if sum(_is_cap(w) for w in words) <= 0.6 * len(words):  # Title Case headlines are noise
        segs.append((title, 3, True))
    for h in article.highlights:
        label, sep, rest = h.partition(": ")
        segs.append((rest if sep and len(label.split()) <= 5 else h, 2, False))
    segs.extend((p, 1, n == 0) for n, p in enumerate(article.paragraphs))
    return segs


_ALNUM = re.compile(r"[^\W_]")
_WORD = re.compile(r"\w+")
# A run right after "Name and " / "Name & " may be the end of one name ("Fabricators and
# Manufacturers Council"): a name mentioned once there needs more evidence than its length.
_COORDINATED = re.compile(rf"[{_UP}][\w’'-]* (?:and|&) $")


@lru_cache(maxsize=8192)
def _words(run: str) -> tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], bool], ...]] | None:
    """The words of the entities a capitalised run splits into: the first's, and the
    others' as _runs gives them, none starting a sentence; None for a lone word that is
    never a name, or a run of none. (A run recurs in a brief and across briefs: it is
    looked at once.)"""
    if " " not in run and (run in _COMMON_FORMS or (not run.istitle() and run.casefold() in _COMMON)):
        return None
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    for raw in run.split(" "):
        parts = [raw]
        if "-" in raw:
            dash = raw.index("-")
            if raw[dash + 1 : dash + 2].isupper():
                parts = raw.split("-")
        for k, part in enumerate(parts):
            # _clean_word, skipped for the plain words that make up most runs
            word = part if part[-1:].isalnum() and "." not in part and "’" not in part \
                and "'" not in part else _clean_word(part)
            if k and current:  # "U.S.-Russia", "Russia-Ukraine": separate entities
                out.append(tuple(current))
                current = []
            if word and word not in _CALENDAR_FORMS and (word.istitle() or word.casefold() not in _CALENDAR):
                current.append(word)
            elif current:
                out.append(tuple(current))
                current = []
        if raw.endswith(("’s", "'s")) and current:  # "Russia’s Kursk region": two entities
            out.append(tuple(current))
            current = []
    if current:
        out.append(tuple(current))
    return (out[0], tuple((w, False) for w in out[1:])) if out else None


def _starts(text: str, weight: int = 0, lead: bool = False) -> list[tuple[str, bool | None, int, bool]]:
    """(run, at_start, weight, lead) of each capitalised run in one text, in order: at_start
    says whether the run starts a sentence; None for a run after "Name and ": not a
    sentence start, but no clean start either. (Runs _words drops come too: the caller
    drops them once per distinct run, not once per mention.)"""
    out: list[tuple[str, bool | None, int, bool]] = []
    append = out.append
    first = _ALNUM.search(text)
    first_alnum = first.start() if first else len(text)
    lead_end = None
    for m in _RUN_CUE.finditer(text):
        cue = m.lastindex
        if cue == 2:  # "... the vote. Halbrook": a sentence start wherever it stands
            append((m.group(), True, weight, lead))
            continue
        at = m.start()
        # the common case: "... said Caledon Air", "..., Halbrook", past the lead's 40 characters
        if cue and at >= 40 and at > first_alnum:
            append((m.group(), False, weight, lead))
            continue
        run = m.group()
        # (a run starts a word: no word of text[:at] goes on past it)
        if at <= first_alnum or (at < 40 and at <= (lead_end if lead_end is not None
                                                     else (lead_end := _lead_end(text)))):
            at_start = True  # "*Updated* Steelmakers brace ...": a label, then the first word
        elif text[at - 1] == " " and (text[at - 2].isalnum() or text[at - 2] == ","):
            at_start = False
        else:
            at_start = _after_sentence_gap(text[max(0, at - 12) : at])
        if (not at_start and " " in run and text.endswith(("and ", "& "), max(0, at - 4), at)
                and _COORDINATED.search(text[max(0, at - 40) : at])):
            at_start = None
        append((run, at_start, weight, lead))
    return out


def _runs(text: str) -> list[tuple[tuple[str, ...], bool | None]]:
    """Capitalised runs of words in one text, as the entities' words _words splits them
    into, each with 'starts a sentence' (see _starts)."""
    runs: list[tuple[tuple[str, ...], bool | None]] = []
    for run, at_start, _, _ in _starts(text):
        split = _words(run)
        if split is None:  # "The", "However": _entity would drop them
            continue
        runs.append((split[0], at_start))
        if split[1]:
            runs += split[1]
    return runs


def _counted_runs(segs: list[tuple[str, int, bool]]) -> dict[tuple[tuple[str, ...], bool | None, int, bool], int]:
    """Each distinct (words, at_start, weight, lead) of the segments' runs (_runs) with its
    count, in the order first seen. Counted per run as written, then split into words
    once per distinct run: the same counts, in the same order (a key's first mention is
    the first mention of the first run that gives it)."""
    counts = Counter([key for text, weight, lead in segs for key in _starts(text, weight, lead)])
    runs: dict[tuple[tuple[str, ...], bool | None, int, bool], int] = {}
    get = runs.get
    for (run, at_start, weight, lead), n in counts.items():
        split = _words(run)
        if split is None:
            continue
        key = (split[0], at_start, weight, lead)
        runs[key] = get(key, 0) + n
        for words, start in split[1]:
            key = (words, start, weight, lead)
            runs[key] = get(key, 0) + n
    return runs


@lru_cache(maxsize=8192)
def _untitled(words: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """A run's words without trailing connectors and up to its last job title, and whether
    a title went: what _entity asks of the words alone, decided once per process."""
    while words and words[-1].casefold() in _CONNECTORS:
        words = words[:-1]
    # Keep what follows the last job title: "Former U.S. President Donald Trump" -> "Donald Trump".
    for i in range(len(words) - 1, -1, -1):
        if words[i].casefold() in _TITLES:
            if i + 1 < len(words):
                return words[i + 1 :], True
            break
    return words, False


@lru_cache(maxsize=8192)
def _named(words: tuple[str, ...]) -> str | None:
    """The entity the words left at last name, or None (of the words alone: once per process)."""
    if not words or len(words) > 6:  # six capitalised words in a row is a headline, not a name
        return None
    if len(words) == 1:
        w = words[0]
        folded = w.casefold()
        if (folded in _TITLES or folded in _GENERIC or len(w) < 2 or (len(w) < 3 and not w.isupper())
                or w.endswith(_ADJECTIVE_SUFFIXES) or is_calendar_word(w)):
            return None  # "E" of "E. coli", "Τετάρτη", "House" of "goes to the House"
    return " ".join(words)


def _entity(words: Sequence[str], at_start: bool | None, lowercase_seen: Container[str], mid_caps: set[str],
            whole_runs: Container[tuple[str, ...]]) -> str | None:
    """The entity a capitalised run names, or None."""
    words, titled = _untitled(tuple(words))
    if titled:
        at_start = False
    # A capital that only ever opens sentences ("Residents of Teslin Crossing") is grammar.
    # ("New York" mid-sentence keeps its "New"; "New rules for Halbrook" opens a sentence)
    while words:
        first = words[0].casefold()  # (once, not once per question)
        if not ((first in _COMMON and (at_start or len(words) == 1)) or first in _CONNECTORS
                or (at_start and (first in lowercase_seen
                                  or (len(words) > 1 and words[0] not in mid_caps and words[1:] in whole_runs)))):
            break
        words = words[1:]
        at_start = False
    return _named(words)


@lru_cache(maxsize=8192)
def _inside_sentence(words: tuple[str, ...]) -> str | None:
    """_entity of a run that does not start a sentence: it then asks nothing of the text
    (what else the brief says matters only at a sentence start), so a name is decided
    once per process, not once per brief."""
    return _entity(words, False, (), set(), ())


def preferred(spellings: Iterable[str], count: Mapping[str, float]) -> str:
    """The one rule for which spelling of an entity wins, in a brief (`count`: weighted
    mentions) and across the archive (`count`: briefs): the commonest; of equally common
    ones the shorter, then the later in code-point order (a tie-break that does not depend
    on the order in which the text or the dumps come)."""
    return max(spellings, key=lambda t: (count[t], -len(t), t))


def dictionary_form(forms: Iterable[str], count: Mapping[str, float]) -> str:
    """Of the inflected forms of one word ("Новосибирске", "Новосибирска", "Новосибирск"),
    the one to show: the shortest attested (the bare stem is the nominative of most
    names), then the commonest, then the later in code-point order."""
    return min(forms, key=lambda t: (len(t), -count[t], tuple(-ord(c) for c in t)))


def same_stem(a: str, b: str) -> bool:
    """Two single words that differ only in a short ending (case inflection)."""
    if a == b or " " in a or " " in b or min(len(a), len(b)) < 6:
        return False
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 5 and len(a) - n <= 2 and len(b) - n <= 2


class _WholeRuns:
    """`words in runs`: is this run of words a whole run somewhere in the text? Built on
    the first question (few briefs ask any)."""

    def __init__(self, runs: list):
        self.runs = runs
        self.seen: set[tuple[str, ...]] | None = None

    def __contains__(self, words: tuple[str, ...]) -> bool:
        if self.seen is None:
            self.seen = {r[0] for r in self.runs}
        return words in self.seen


class _LowercaseWords:
    """`word in seen`: does the word occur in lower case in the text? Asked only of the
    few capitals that open sentences, so a substring search beats tokenising it all."""

    def __init__(self, text: str):
        self.text = text
        self.known: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        seen = self.known.get(word)
        if seen is None:  # " word" followed by a space or , . ; : (one pass, not one per end)
            needle = " " + word.lower()
            at = self.text.find(needle)
            while at >= 0 and self.text[at + len(needle) : at + len(needle) + 1] not in _WORD_ENDS:
                at = self.text.find(needle, at + 1)
            seen = self.known[word] = at >= 0
        return seen


_WORD_ENDS = frozenset(" ,.;:")


def extract_tags(article: Article, rules: Rules) -> list[str]:
    segs = _segments(article)
    lowercase_seen = _LowercaseWords(" " + " ".join(text for text, _, _ in segs) + " ")
    # each distinct (run, start, weight, lead) once, with its count, in the order first seen
    runs = _counted_runs(segs)
    # words seen inside a sentence, and whole runs: "Город Новосибирск ..." at a sentence
    # start drops its first word because "Новосибирск" stands alone elsewhere; "Andean
    # Space Agency reviews ..." keeps its whole name
    mid_caps = {w for words, start, _, _ in runs for w in words[1 if start else 0 :]}
    whole_runs = _WholeRuns(runs)
    in_lead: set[str] = set()
    coordinated: Counter[str] = Counter()  # mentions right after "Name and "
    scores: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    mid_sentence: set[str] = set()
    entities: dict[tuple[tuple[str, ...], bool], str | None] = {}  # a name recurs: decide once
    for (words, at_start, weight, lead), n in runs.items():
        key = (words, at_start)
        if key not in entities:
            entities[key] = (_entity(words, at_start, lowercase_seen, mid_caps, whole_runs) if at_start
                             else _inside_sentence(words))
        ent = entities[key]
        if not ent:
            continue
        ent = rules.tag_aliases.get(ent, ent)
        scores[ent] += weight * n
        mentions[ent] += n
        first_seen.setdefault(ent, len(first_seen))
        # a capital that may only open a sentence is no evidence, but a country is a name
        # wherever it stands ("Canada and Mexico said ..."), and so is what follows the
        # first word ("Город Новосибирск ...")
        if not at_start or " " in ent or not ent.startswith(words[0]) or is_country(ent):
            mid_sentence.add(ent)
        if lead:
            in_lead.add(ent)
        if at_start is None:
            coordinated[ent] += n

    # The story's subject opens both the headline and the lead ("Brennock votes to ...",
    # "Brennock town council voted ..."): a name, unless it looks like a plural noun
    # ("Engineers find ...") or the text also uses it in lower case.
    # (a first word in quotes opens a name that goes on in lower case: «Сибирские барсы»)
    leads = [first[0] for text, _, lead in segs if lead and (first := text.split(None, 1))]
    if len(leads) == 2 and leads[0] == leads[1] and leads[0].isalpha() and leads[0] in scores:
        ent = leads[0]
        if not ent.endswith("s") and ent not in lowercase_seen:
            mid_sentence.add(ent)

    banned = set(rules.tag_stop) | {s.heading.casefold() for s in article.sections if s.heading}
    banned |= {w.casefold() for a in article.authors for w in [a, *a.split()]}
    if article.publisher:
        banned.add(article.publisher.casefold())
    if article.highlights_label:
        banned.add(article.highlights_label.casefold())

    # One spelling per entity: a surname or first word folds into the full name it belongs
    # to; inflected forms of one word ("Новосибирске", "Новосибирска") into the commonest.
    # Indexed by word and by 5-letter stem, so a huge dump costs no quadratic step.
    by_word: dict[str, list[str]] = {}
    by_stem: dict[str, list[str]] = {}
    for e in scores:
        if " " in e:
            for w in set(e.split()):
                by_word.setdefault(w, []).append(e)
        elif len(e) >= 6:
            by_stem.setdefault(e[:5], []).append(e)
    merged: Counter[str] = Counter()
    for ent, score in scores.items():
        target = ent
        words = ent.split()
        # "Mediator Volodymyr Zelenskyy" and "Volodymyr Zelenskyy": the shorter core wins
        core = next((" ".join(words[k:]) for k in range(1, len(words) - 1) if " ".join(words[k:]) in scores), None)
        if core:
            target = core
        elif " " not in ent:
            fuller = by_word.get(ent)
            forms = [e for e in by_stem.get(ent[:5], ()) if same_stem(e, ent)]
            if fuller:
                target = preferred(fuller, scores)
            elif forms:
                target = dictionary_form([ent, *forms], scores)
        target = rules.tag_aliases.get(target, target)
        merged[target] += score
        first_seen.setdefault(target, first_seen[ent])
        if ent in mid_sentence:
            mid_sentence.add(target)
        if ent in in_lead:
            in_lead.add(target)
        if target != ent:
            mentions[target] += mentions[ent]
            coordinated[target] += coordinated[ent]

    # Evidence that a capitalised run names something: it recurs (or stands in the title
    # or a highlight), it is a name of several words, it is in the lead, or it is a country.
    ranked = sorted(
        (e for e, s in merged.items()
         if e.casefold() not in banned and e in mid_sentence
         and (s >= 2 or mentions[e] >= 2 or (" " in e and mentions[e] > coordinated[e]) or e in in_lead
              or is_country(e))),
        key=lambda e: (-merged[e], first_seen[e], e),
    )
    return ranked[: rules.max_tags]
