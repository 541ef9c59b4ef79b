"""Round 8 (a +1 conversion that follows the change): after each change, an incremental
`convert` on the paths a big archive's +1 run takes (the first pass forked beside the
cache's reading, one worker for the digests and the few records, the related briefs'
memo with the unchanged briefs' digests, packed signatures, chrome placed only for
publishers with a learned line) gives the posts folder and the export of a cold
conversion of the same seeds:
additions, edits, removals, a near-duplicate appearing and going, and a learned chrome
line crossing its threshold both ways."""

from __future__ import annotations

import random
from pathlib import Path

from convert_support import cold, convert_in, export_of
from dumpgen import make_dump
from invariants import tree

from builder.output import fanout

PROMO = "Read the Ledger Extra"  # a short line after the body: chrome once it recurs


def _ledger(rng: random.Random, promo: bool) -> str:
    """A dump of one publisher, with the promo (a line alone: a heading) right above its
    body's first paragraph: where chrome stands."""
    while True:
        d = make_dump(rng)
        if d.publisher == "Capitol Ledger":
            break
    lines = d.text.split("\n")
    if promo:
        lines.insert(lines.index(d.sections[0][1][0]), f"{PROMO}\n")
    return "\n".join(lines)


def test_each_change_gives_what_a_cold_conversion_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "THRESHOLD", 8)  # a "big" archive at 30 dumps: the +1 paths run
    project = tmp_path / "inc"
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    rng = random.Random(88)
    for i in range(24):
        (seeds / f"d{i:02d}.txt").write_text(make_dump(rng).text, encoding="utf-8")
    for i in range(2):  # the promo in 2 of the Ledger's dumps: too few to be learned
        (seeds / f"p{i}.txt").write_text(_ledger(rng, True), encoding="utf-8")
    (seeds / "p-plain.txt").write_text(_ledger(rng, False), encoding="utf-8")
    convert_in(project)
    assert PROMO in b"".join(tree(project / "docs" / "posts").values()).decode()

    def copy_of_d03(s: Path) -> None:
        text = (s / "d03.txt").read_text(encoding="utf-8")
        ident = text.split("\n", 1)[0]
        (s / "e-copy.txt").write_text(text.replace(ident, "9_-1234567890-1"), encoding="utf-8")

    def edit(s: Path) -> None:
        path = s / "d05.txt"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + " Officials said talks would resume.\n",
                        encoding="utf-8")

    steps = [
        ("add", lambda s: (s / "g-new.txt").write_text(make_dump(random.Random(-8)).text, encoding="utf-8")),
        ("near-duplicate", copy_of_d03),
        ("edit", edit),
        ("a third promo: learned", lambda s: (s / "p2.txt").write_text(_ledger(rng, True), encoding="utf-8")),
        ("remove", lambda s: (s / "d07.txt").unlink()),
        ("the copy goes", lambda s: (s / "e-copy.txt").unlink()),
        ("a promo goes: not learned", lambda s: (s / "p0.txt").unlink()),
    ]
    for i, (name, change) in enumerate(steps):
        before = tree(project / "docs" / "posts")
        change(seeds)
        convert_in(project)
        got = tree(project / "docs" / "posts")
        posts, export = cold(project, tmp_path / f"cold-{i}")
        assert got.keys() == posts.keys(), (name, sorted(got.keys() ^ posts.keys()))
        assert [rel for rel in got if got[rel] != posts[rel]] == [], name
        assert export_of(project) == export, name
        assert got != before, name
        text = b"".join(got.values()).decode()
        if name == "near-duplicate":
            assert '"status": "near-duplicate"' in export
        if name == "a third promo: learned":  # gone from every page, the two old ones' too
            assert PROMO not in text and "learned: seen in 3 dumps" in export
        if name == "a promo goes: not learned":
            assert PROMO in text and "learned: seen in" not in export
