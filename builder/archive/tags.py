"""Tag normalisation across the archive: one spelling per entity (the dictionary form
where the archive shows it), and tags on too few briefs dropped by rule once the archive
is big enough for a name to recur."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..convert.tags import dictionary_form, preferred, same_stem
from ..model import Article
from ..rules import Rules


def normalise_tags(articles: list[Article], rules: Rules) -> None:
    """One spelling per entity across the archive; tags on too few briefs dropped by rule.

    A lone surname ("Trump") becomes the full name the archive uses most ("Donald
    Trump"); spellings that differ in a short ending ("Zelensky", "Zelenskyy") become
    the commonest one; configured aliases win over both.
    """
    counts: Counter[str] = Counter(t for a in articles for t in a.local_tags)
    full_names: dict[str, Counter[str]] = defaultdict(Counter)
    for tag, n in counts.items():
        parts = tag.split()
        if len(parts) > 1:
            full_names[parts[-1]][tag] += n
    by_stem: dict[str, list[str]] = defaultdict(list)
    for tag in counts:
        if " " not in tag and len(tag) >= 6:
            by_stem[tag[:5]].append(tag)
    mapping: dict[str, str] = {}
    for tag in counts:
        target = tag
        if " " not in tag:
            forms = [t for t in by_stem.get(tag[:5], ()) if same_stem(t, tag)]
            if forms:  # "Новосибирске" -> "Новосибирск": the dictionary form the archive shows
                target = dictionary_form([tag, *forms], counts)
            # only into a name whose other words are no entity of their own: "Trump" ->
            # "Donald Trump", but "Ravenshead" never -> "Millbrook Ravenshead"
            names = {f: n for f, n in full_names.get(target, {}).items()
                     if len(f.split()) <= 3 and all(w[:1].isupper() for w in f.split())
                     and not any(w in counts for w in f.split()[:-1])}
            if names:
                target = preferred(names, names)
        elif len(tag.split()) > 1:  # "Volodymyr Zelensky" -> "Volodymyr Zelenskyy"
            *first, last = tag.split()
            forms = [t for t in by_stem.get(last[:5], ()) if same_stem(t, last)]
            if forms:
                best = dictionary_form([last, *forms], counts)
                target = " ".join([*first, best])
        mapping[tag] = rules.tag_aliases.get(target, target)
    briefs: Counter[str] = Counter()
    for a in articles:
        a.tags = list(dict.fromkeys(mapping.get(t, t) for t in a.local_tags))
        briefs.update(a.tags)
    if rules.tag_min_briefs > 1 and len(articles) >= rules.tag_min_briefs_from:
        for a in articles:
            # a brief keeps its first tag even when every one is too rare (never untagged)
            a.tags = [t for t in a.tags if briefs[t] >= rules.tag_min_briefs] or a.tags[:1]
