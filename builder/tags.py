"""Tags: the people, places and organisations a brief is about.

Offline and deterministic: no model download. Named entities in news copy are
capitalised runs of words ("Caledon Air", "Volodymyr Zelenskyy", "Новосибирск");
the work is in rejecting the capitals that are not entities (sentence starts, job
titles, chrome) and in giving each entity one spelling (surname -> full name, aliases).
"""

from __future__ import annotations

import re
from collections import Counter

from .model import Article
from .rules import Rules

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[\w][\w'’\-.&]*[\w]|[\w]", re.UNICODE)
_ABBREV = re.compile(r"(?:[^\W\d_]\.){2,}$|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Prof|No|Mt|Ft|Lt|Col|Capt)\.$")
_CONNECTORS = {"of", "de", "del", "da", "van", "von", "der", "la", "le", "du", "al", "bin", "for"}
# Demonyms and other adjectives of place ("Russian missile strikes") name no entity.
_ADJECTIVE_SUFFIX = re.compile(r"(?:ian|ean|ese|ish)$")
# Words that open a run in front of a name ("Russian President Vladimir Putin").
_TITLES = {
    "president", "former", "prime", "minister", "senator", "sen.", "judge", "justice", "councillor",
    "councilor", "mayor", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "chief", "executive",
    "secretary", "governor", "gov.", "sir", "lord", "lady", "king", "queen", "pope", "general", "leader",
    "chancellor", "premier", "ambassador", "envoy", "spokesperson", "spokesman", "spokeswoman",
    "commissioner", "director", "chair", "chairman", "chairwoman", "ceo", "professor", "prof.", "captain",
    "coach", "manager", "officer", "inspector", "sergeant", "detective", "bishop", "archbishop", "rev.",
    "representative", "rep.", "congressman", "congresswoman", "vice", "deputy", "acting", "then",
    "majority", "minority", "head", "founder", "analyst", "researcher", "security", "council",
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
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mr", "mrs", "ms", "dr", "updated", "update", "breaking", "live", "watch", "read", "exclusive",
    "в", "на", "и", "но", "по", "с", "к", "за", "из", "от", "для", "это", "как", "что", "после", "при",
}


_CALENDAR = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _clean_word(word: str) -> str:
    word = re.sub(r"[’']s$", "", word)
    return word.strip("-’'.&") if not _ABBREV.search(word) else word


def _segments(article: Article) -> list[tuple[str, int]]:
    """(text, weight) pairs: the title weighs most, then highlights, then paragraphs."""
    segs: list[tuple[str, int]] = []
    words = article.title.split()
    if sum(_is_cap(w) for w in words) <= 0.6 * len(words):  # Title Case headlines are noise
        segs.append((article.title, 3))
    for h in article.highlights:
        label, sep, rest = h.partition(": ")
        segs.append((rest if sep and len(label.split()) <= 5 else h, 2))
    segs.extend((p, 1) for p in article.paragraphs)
    return segs


def _runs(text: str) -> list[tuple[list[str], bool]]:
    """Capitalised runs of words in one text, each with 'starts a sentence'."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_start = False
    sentence_start = True
    prev_end = 0
    for m in _TOKEN.finditer(text):
        gap = text[prev_end : m.start()]
        prev_end = m.end()
        raw = m.group()
        word = _clean_word(raw)
        starts = sentence_start or bool(re.search(r"[:“\"«(—–]\s*$|[.!?]\s*[”\"»]?\s+$", gap))
        breaks = bool(re.search(r"[,;:()“”\"«»—–!?]|\.\s|-", gap))
        if current and breaks:
            runs.append((current, current_start))
            current = []
        if word and _is_cap(word) and word.casefold() not in _CALENDAR:
            if not current:
                current_start = starts
            current.append(word)
        elif current and word.casefold() in _CONNECTORS and not breaks:
            current.append(word)
        elif current:
            runs.append((current, current_start))
            current = []
        ended = raw.endswith((".", "!", "?")) and not _ABBREV.search(raw)
        sentence_start = ended
        possessive = bool(re.search(r"[’']s$", raw))  # "Russia’s Kursk region": two entities
        if (ended or possessive) and current:
            runs.append((current, current_start))
            current = []
    if current:
        runs.append((current, current_start))
    return runs


def _entity(words: list[str], at_start: bool, lowercase_seen: set[str], mid_caps: set[str]) -> str | None:
    """The entity a capitalised run names, or None."""
    while words and words[-1].casefold() in _CONNECTORS:
        words = words[:-1]
    # Keep what follows the last job title: "Former U.S. President Donald Trump" -> "Donald Trump".
    for i in range(len(words) - 1, -1, -1):
        if words[i].casefold() in _TITLES:
            if i + 1 < len(words):
                words = words[i + 1 :]
                at_start = False
            break
    # A capital that only ever opens sentences ("Residents of Teslin Crossing") is grammar.
    while words and (words[0].casefold() in _COMMON or words[0].casefold() in _CONNECTORS
                     or (at_start and (words[0].casefold() in lowercase_seen
                                       or (len(words) > 1 and words[0] not in mid_caps)))):
        words = words[1:]
        at_start = False
    if not words:
        return None
    if len(words) == 1:
        w = words[0]
        if w.casefold() in _TITLES or (len(w) < 3 and not w.isupper()) or _ADJECTIVE_SUFFIX.search(w):
            return None
    return " ".join(words)


def _same_stem(a: str, b: str) -> bool:
    """Two single words that differ only in a short ending (case inflection)."""
    if a == b or " " in a or " " in b or min(len(a), len(b)) < 6:
        return False
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 5 and len(a) - n <= 2 and len(b) - n <= 2


def extract_tags(article: Article, rules: Rules) -> list[str]:
    segs = _segments(article)
    lowercase_seen = {
        m.group().casefold() for text, _ in segs for m in _TOKEN.finditer(text) if not _is_cap(m.group())
    }
    mid_caps = {w for text, _ in segs for words, start in _runs(text) for w in words[start:]}
    scores: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    mid_sentence: set[str] = set()
    for text, weight in segs:
        for words, at_start in _runs(text):
            ent = _entity(list(words), at_start, lowercase_seen, mid_caps)
            if not ent:
                continue
            ent = rules.tag_aliases.get(ent, ent)
            scores[ent] += weight
            mentions[ent] += 1
            first_seen.setdefault(ent, len(first_seen))
            if not at_start or len(ent.split()) > 1:
                mid_sentence.add(ent)

    banned = set(rules.tag_stop) | {s.heading.casefold() for s in article.sections if s.heading}
    banned |= {w.casefold() for a in article.authors for w in [a, *a.split()]}
    if article.publisher:
        banned.add(article.publisher.casefold())
    if article.highlights_label:
        banned.add(article.highlights_label.casefold())

    # One spelling per entity: a surname or first word folds into the full name it belongs
    # to; inflected forms of one word ("Новосибирске", "Новосибирска") into the commonest.
    merged: Counter[str] = Counter()
    for ent, score in scores.items():
        target = ent
        if len(ent.split()) == 1:
            fuller = [e for e in scores if len(e.split()) > 1 and ent in e.split()]
            forms = [e for e in scores if _same_stem(e, ent)]
            if fuller:
                target = max(fuller, key=lambda e: (scores[e], -first_seen[e]))
            elif forms:
                target = max([ent, *forms], key=lambda e: (scores[e], -len(e), -first_seen[e]))
        target = rules.tag_aliases.get(target, target)
        merged[target] += score
        first_seen.setdefault(target, first_seen[ent])
        if ent in mid_sentence:
            mid_sentence.add(target)

    ranked = sorted(
        (e for e, s in merged.items()
         if e.casefold() not in banned and e in mid_sentence and (s >= 2 or mentions[e] >= 2)),
        key=lambda e: (-merged[e], first_seen[e], e),
    )
    return ranked[: rules.max_tags]
