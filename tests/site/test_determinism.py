"""The built site is a function of the seeds: only the build clock is stamped into it.

Three `newsbrief build`s of the same seeds, each in its own temp copy of the project (so the
absolute path differs too):

  A: SOURCE_DATE_EPOCH = DAY1      B: SOURCE_DATE_EPOCH = DAY2      C: no SOURCE_DATE_EPOCH

A and B differ exactly in STAMPED below and nowhere else; normalised, they are byte-identical.
C (the real clock) equals A once the same fields are normalised. A second build with DAY1
(A') is byte-identical to A without any normalisation: SOURCE_DATE_EPOCH makes the whole
site reproducible. The conversion's output (docs/posts/) is byte-identical in all builds.

Where the stamps come from (MkDocs 1.6 and mkdocs-rss-plugin, both honour SOURCE_DATE_EPOCH
through mkdocs.utils.get_build_datetime()):
  feed.xml, feed_updated.xml  <channel><pubDate> and <lastBuildDate>: build time (seconds)
  (and feed_digests.xml, feed_digests_updated.xml: the digests' feeds, the same)
  sitemap.xml                 every <lastmod>: build date (day)
  sitemap.xml.gz              the gzip header's MTIME (midnight of the build date) and the
                              compressed sitemap.xml above
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_dumps import HOSTILE, REPO, dumps
from invariants import tree
from site_support import copy_project

pytestmark = pytest.mark.slow

DAY1 = 1_700_000_000  # 2023-11-14T22:13:20Z
DAY2 = 1_710_000_000  # 2024-03-09T16:00:00Z

CHANNEL_STAMP = re.compile(r"<(pubDate|lastBuildDate)>[^<]*</\1>")
LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")
# Every file whose bytes depend on the build clock, and nothing else.
STAMPED = {"feed.xml", "feed_updated.xml", "feed_digests.xml", "feed_digests_updated.xml", "sitemap.xml",
           "sitemap.xml.gz"}


def _normalise(rel: str, data: bytes) -> bytes:
    """The file with exactly its stamped fields blanked."""
    if rel in ("feed.xml", "feed_updated.xml", "feed_digests.xml", "feed_digests_updated.xml"):
        text = data.decode("utf-8")
        head, sep, items = text.partition("<item>")
        # Only the channel's own dates (before the first item); items carry the briefs' dates.
        head, n = CHANNEL_STAMP.subn(lambda m: f"<{m.group(1)}>STAMP</{m.group(1)}>", head)
        assert n == 2, f"{rel}: expected channel pubDate and lastBuildDate, found {n}"
        return (head + sep + items).encode()
    if rel == "sitemap.xml":
        return LASTMOD.sub("<lastmod>STAMP</lastmod>", data.decode("utf-8")).encode()
    if rel == "sitemap.xml.gz":
        return _normalise("sitemap.xml", gzip.decompress(data))
    return data


def _project(dest: Path) -> Path:
    # The sample, the fixture set (many dates, authors, publishers, encodings, rejects, a
    # duplicate, a revision) and a slice of the hostile corpus (every position of the first vectors).
    files = sorted((REPO / "seeds").glob("*.txt")) + dumps() + sorted(HOSTILE.glob("*.txt"))[:40]
    return copy_project(dest, files)


def _build(project: Path, epoch: int | None) -> dict[str, bytes]:
    env = dict(os.environ, NEWSBRIEF_SITE_URL="https://news.example.org/briefs/")
    env.pop("NEWSBRIEF_STRICT", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    p = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=project, env=env, capture_output=True,
                       text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    return tree(project / "site")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, tuple[dict[str, bytes], dict[str, bytes]]]:
    """name -> (site tree, docs/posts tree)."""
    out = {}
    for name, epoch in (("A", DAY1), ("B", DAY2), ("C", None), ("A2", DAY1)):
        project = _project(tmp_path_factory.mktemp(f"det-{name}") / "project")
        site = _build(project, epoch)
        out[name] = (site, tree(project / "docs" / "posts"))
    return out


def _differing(a: dict[str, bytes], b: dict[str, bytes]) -> set[str]:
    assert a.keys() == b.keys(), f"files only in one: {sorted(a.keys() ^ b.keys())[:20]}"
    return {k for k in a if a[k] != b[k]}


def test_conversion_output_is_identical(builds):
    posts = [posts for _, posts in builds.values()]
    assert len(posts[0]) > 20
    for other in posts[1:]:
        assert _differing(posts[0], other) == set()


def test_same_epoch_gives_a_byte_identical_site(builds):
    a, a2 = builds["A"][0], builds["A2"][0]
    assert len(a) > 50
    assert _differing(a, a2) == set()


def test_only_the_stamped_fields_depend_on_the_clock(builds):
    a, b = builds["A"][0], builds["B"][0]
    # Every stamped file does change with the clock (so the list is not padded)...
    assert _differing(a, b) == STAMPED
    # ...and only in the stamped fields.
    for rel in STAMPED:
        assert _normalise(rel, a[rel]) == _normalise(rel, b[rel]), rel


def test_real_clock_build_equals_apart_from_the_stamps(builds):
    a, c = builds["A"][0], builds["C"][0]
    differing = _differing(a, c)
    assert differing <= STAMPED
    for rel in STAMPED:
        assert _normalise(rel, a[rel]) == _normalise(rel, c[rel]), rel


def test_normalisation_is_narrow(builds):
    """The normaliser blanks the stamps and nothing else: an item's pubDate survives."""
    a = builds["A"][0]
    feed = _normalise("feed.xml", a["feed.xml"]).decode()
    assert feed.count("STAMP") == 2
    assert re.search(r"<item>.*?<pubDate>[^<S]+</pubDate>", feed, re.S)
    sitemap = _normalise("sitemap.xml", a["sitemap.xml"]).decode()
    assert sitemap.count("<loc>") == sitemap.count("<lastmod>STAMP</lastmod>") > 20
