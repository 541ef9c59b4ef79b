"""Tag quality: precision against hand labels and against generated dumps whose
entities are known by construction, plus the fixtures' tags_must / tags_must_not.

    python bench/tags.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "tests"))

from dumpgen import ORGS, PLACES, make_dump  # noqa: E402

from builder.pipeline import analyse  # noqa: E402
from builder.rules import load_rules  # noqa: E402


def main() -> None:
    rules = load_rules()
    folders = [SHARED / "fixtures", SHARED / "dumps"]
    result = analyse(folders, rules)
    tags = {Path(o.source_path).name: o.article.tags for o in result.outcomes if o.status == "ok"}

    must = must_ok = bad_hits = 0
    for folder in folders:
        for f in folder.glob("*.expected.json"):
            exp = json.loads(f.read_text(encoding="utf-8"))
            got = [t.lower() for t in tags.get(f.name.replace(".expected.json", ".txt"), [])]
            for word in exp.get("tags_must", []):
                must += 1
                must_ok += any(word.lower() in t for t in got)
            bad_hits += sum(w.lower() in got for w in exp.get("tags_must_not", []))
    print(f"fixtures: tags_must {must_ok}/{must}; tags_must_not violated {bad_hits} times")

    labels = yaml.safe_load((ROOT / "bench" / "tag_labels.yml").read_text(encoding="utf-8"))
    good = bad = unknown = labelled_good = 0
    for name, lab in labels.items():
        labelled_good += len(lab["good"])
        for t in tags.get(name, []):
            if t in lab["good"]:
                good += 1
            elif t in lab["bad"]:
                bad += 1
                print(f"  wrong: {name}: {t}")
            else:
                unknown += 1
                print(f"  unlabelled: {name}: {t}")
    total = good + bad + unknown
    print(f"hand-labelled ({len(labels)} briefs): {total} tags, precision {good / total:.1%} "
          f"({bad} wrong, {unknown} unlabelled); recall {good / labelled_good:.1%} of {labelled_good} "
          f"good labels (max {rules.max_tags} tags a brief)")

    # Generated briefs: every capitalised name in them is one of PLACES/ORGS, so a tag is
    # right iff it is one of those; recall over the names a brief mentions twice or more.
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        rng = random.Random(7)
        truth = {}
        for i in range(200):
            g = make_dump(rng, n_sections=4)
            (Path(tmp) / f"g{i:03d}.txt").write_text(g.text, encoding="utf-8")
            body = " ".join(p for _, ps in g.sections for p in ps) + " " + g.title
            truth[f"g{i:03d}.txt"] = {n for n in PLACES + ORGS if body.count(n) >= 2}
        gen = analyse([tmp], rules)
        right = emitted = found = wanted = 0
        for o in gen.outcomes:
            t = set(o.article.tags)
            emitted += len(t)
            right += len(t & set(PLACES + ORGS))
            want = truth[Path(o.source_path).name]
            wanted += len(want)
            found += len(want & t)
        print(f"generated (200 briefs, entities known): precision {right / emitted:.1%} of {emitted} tags, "
              f"recall {found / wanted:.1%} of {wanted} names mentioned twice or more (max {rules.max_tags} tags)")

    # Short briefs: one section of one-sentence paragraphs, so most names are mentioned
    # once. Recall over every name a brief mentions (at most max tags can be found).
    with tempfile.TemporaryDirectory() as tmp:
        rng = random.Random(11)
        truth = {}
        for i in range(200):
            g = make_dump(rng, n_sections=1, paragraph_sentences=1)
            (Path(tmp) / f"s{i:03d}.txt").write_text(g.text, encoding="utf-8")
            body = " ".join(p for _, ps in g.sections for p in ps) + " " + g.title + " " + " ".join(g.highlights)
            truth[f"s{i:03d}.txt"] = {n for n in PLACES + ORGS if n in body}
        gen = analyse([tmp], rules)
        right = emitted = found = wanted = once = 0
        for o in gen.outcomes:
            t = set(o.article.tags)
            emitted += len(t)
            right += len(t & set(PLACES + ORGS))
            want = truth[Path(o.source_path).name]
            wanted += min(len(want), rules.max_tags)
            found += len(want & t)
            once += not t
        print(f"short briefs (200, names mostly mentioned once): precision {right / max(emitted, 1):.1%} of "
              f"{emitted} tags, recall {found / max(wanted, 1):.1%} of {wanted} names mentioned; "
              f"{once} briefs without a tag")


if __name__ == "__main__":
    main()
