"""`newsbrief convert --dask` / `export --dask` (builder/distributed.py): on a local Dask
cluster, the same export records and byte for byte the same posts folder (pages, index,
authors file, digests, manifest) and conversion cache as `newsbrief convert`, on a corpus
that exercises every archive-wide step: learned chrome, a recurring disclaimer, revisions
and duplicates (the fixtures), a syndicated copy, shared tags, related briefs, and stable
URLs kept from the last run's index. Without Dask: one line, exit 2."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dumpgen import make_dump
from fixture_dumps import FIXTURES, REPO
from invariants import tree

from builder import distributed
from builder.model import NEAR_DUPLICATE
from builder.pipeline import analyse, convert
from builder.rules import load_rules

RULES = load_rules()
CHROME = {"Harbourside Times": "Sign up for the Harbour Bulletin", "Capitol Ledger": "Ledger Live: follow the session",
          "Civic Wire": "Tap to follow Civic Wire"}
DISCLAIMER = ("This story was produced with support from the regional journalism fund, which has no say in "
              "what we cover or how we cover it, and we thank them for it.")


def project(root: Path) -> Path:
    """seeds/ (the sample), fixtures/ (the family, revisions and duplicates included) and
    gen/: 30 dumps of three publishers with chrome of their own, and a syndicated copy."""
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(FIXTURES, root / "fixtures", ignore=shutil.ignore_patterns("*.json"))
    gen = root / "gen"
    gen.mkdir()
    rng = random.Random(15)
    for i in range(30):
        pub = list(CHROME)[i % 3]
        g = make_dump(rng, n_sections=3, day=dt.date(2025, 3, 1) + dt.timedelta(days=i))
        lines = g.text.split("\n")
        at = next(k for k, line in enumerate(lines) if line.startswith(("The content is provided", "By ")))
        lines[at] = f"By {' and '.join(g.authors)}, {pub}"
        lines[at:at] = [CHROME[pub], "", DISCLAIMER, ""]
        (gen / f"{i:02d}.txt").write_text("\n".join(lines), encoding="utf-8")
        if i == 4:  # a syndicated copy: another id, one sentence changed
            first = g.sections[0][1][0]
            copy = "\n".join(lines).replace(g.id, "7_-123-9").replace(first, first.replace(".", ", officials said.", 1))
            (gen / "99_copy.txt").write_text(copy, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


PATHS = ["seeds", "fixtures", "gen"]


def paths(root: Path) -> list[Path]:
    return [root / p for p in PATHS]  # discovery reads paths as given; display paths are root-relative


def test_the_same_pages_index_and_cache_as_convert(tmp_path, client):
    one, two = project(tmp_path / "one"), project(tmp_path / "two")
    posts = Path("docs/posts")
    expected = convert(paths(one), RULES, posts, workers=1, cache_dir=one / ".cache", root=one)
    got = distributed.convert(paths(two), RULES, posts, two, client, cache_dir=two / ".cache", partition_size=7)
    # the corpus exercises every archive-wide step
    assert expected.learned and any(o.status == NEAR_DUPLICATE for o in expected.outcomes)
    assert any(o.related for o in expected.outcomes) and any(o.article and o.article.learned
                                                             for o in expected.outcomes)
    assert [(o.source_path, o.status, o.page) for o in got.outcomes] == \
        [(o.source_path, o.status, o.page) for o in expected.outcomes]
    assert got.learned == expected.learned
    assert tree(two / posts) == tree(one / posts)
    assert len(tree(one / posts)) > 40
    [records] = (two / ".cache").glob("records-*.json")
    assert records.read_bytes() == next((one / ".cache").glob("records-*.json")).read_bytes()

    # a second run on each side: new dumps, a removed one, a changed one; the URLs of the
    # first run are kept (the index in the posts folder), the new ones decided alike
    for root in (one, two):
        (root / "gen" / "03.txt").unlink()
        text = (root / "gen" / "05.txt").read_text(encoding="utf-8")
        (root / "gen" / "05.txt").write_text(text.replace(DISCLAIMER, "A line that was not there."),
                                             encoding="utf-8")
        shutil.copy(root / "gen" / "10.txt", root / "gen" / "10b.txt")  # same id and text: a duplicate
        g = make_dump(random.Random(7), n_sections=3, day=dt.date(2025, 3, 2))
        (root / "gen" / "50.txt").write_text(g.text, encoding="utf-8")
    again = convert(paths(one), RULES, posts, workers=1, cache_dir=one / ".cache", root=one)
    got = distributed.convert(paths(two), RULES, posts, two, client, cache_dir=two / ".cache", partition_size=5)
    assert again.write.written and got.write.written == again.write.written
    assert got.write.deleted == again.write.deleted
    assert tree(two / posts) == tree(one / posts)

    # the cache the cluster left is the one `newsbrief convert` reads: nothing to do next run
    after = convert(paths(two), RULES, posts, workers=1, cache_dir=two / ".cache", root=two)
    assert after.write.written == [] and tree(two / posts) == tree(one / posts)


def test_the_same_export_as_export(tmp_path, client):
    root = project(tmp_path)
    expected = [o.as_record() for o in analyse(paths(root), RULES, workers=1, root=root).outcomes]
    result, records = distributed.export(paths(root), RULES, "docs/posts", root, client, partition_size=3)
    assert records == expected
    assert [o.source_path for o in result.outcomes] == [r["source_path"] for r in expected]
    assert not (root / "docs").exists()


def test_a_worker_with_other_code_or_rules_fails_the_run():
    expected = distributed._fingerprint(tuple(RULES.signature), "docs/posts")
    distributed._check(RULES, "docs/posts", expected)
    with pytest.raises(distributed.WorkerMismatch, match="same newsbrief on every worker"):
        distributed._scan_part([], RULES, "docs/posts", "0" * 16)
    with pytest.raises(distributed.WorkerMismatch):
        distributed._check(RULES, "elsewhere/posts", expected)


def _cli(args: list[str], cwd: Path, block_dask: bool = False, **env) -> subprocess.CompletedProcess:
    code = "import sys\n"
    if block_dask:  # as if the extra were not installed
        code += "sys.modules['dask'] = sys.modules['distributed'] = None\n"
    code += "from builder.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    env = dict(os.environ, PYTHONPATH=str(REPO), **env)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_command_on_a_local_cluster_of_processes(tmp_path):
    one, two = project(tmp_path / "one"), project(tmp_path / "two")
    plain = _cli(["convert", "-q", *PATHS], one)
    assert plain.returncode == 0, plain.stderr
    run = _cli(["convert", "-q", "--dask", "local", "--workers", "2", *PATHS], two)
    assert run.returncode == 0, run.stderr
    assert tree(two / "docs" / "posts") == tree(one / "docs" / "posts")
    # (the language model's decompressed copy, and the fingerprint's module memo, are kept
    # by a run that converts in this process)
    assert {k for k in tree(two / ".newsbrief-cache") if not k.startswith("langid-") and k != "modules.json"} == \
        {k for k in tree(one / ".newsbrief-cache") if not k.startswith("langid-") and k != "modules.json"}


def test_export_dask_prints_what_export_prints(tmp_path, client, monkeypatch, capsys):
    import contextlib

    from builder.cli import main

    project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "-q", *PATHS]) == 0
    expected = capsys.readouterr().out
    used = []

    @contextlib.contextmanager
    def in_process(scheduler, workers):  # the module's in-process cluster instead of a new one
        used.append((scheduler, workers))
        yield client

    monkeypatch.setattr(distributed, "client_for", in_process)
    assert main(["export", "-q", "--dask", "tcp://scheduler:8786", "--workers", "3", *PATHS]) == 0
    assert capsys.readouterr().out == expected and used == [("tcp://scheduler:8786", 3)]
    dumps = [f for folder in PATHS for f in (tmp_path / folder).rglob("*") if f.suffix in (".txt", ".html")]
    assert len(expected.splitlines()) == len(dumps)


def test_without_dask_one_line_saying_how_to_install_it_and_exit_2(tmp_path):
    project(tmp_path)
    for command in ("convert", "export"):
        run = _cli([command, "--dask", "local", "gen"], tmp_path, block_dask=True)
        assert run.returncode == 2
        assert run.stderr.strip().splitlines() == [f"newsbrief: error: {distributed.INSTALL_HINT}"]
        assert run.stdout == ""
    assert not (tmp_path / "docs").exists()


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path):
    project(tmp_path)
    run = _cli(["export", "--dask", "tcp://127.0.0.1:9", "gen"], tmp_path,
               DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="1s")
    assert run.returncode == 2
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in run.stderr


def test_dask_is_an_optional_extra_not_a_default_dependency():
    import tomllib

    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith(("dask", "distributed")) for d in meta["dependencies"])
    assert meta["optional-dependencies"]["dask"] == ["dask[bag,distributed]==2026.8.0"]
    pins = {line.split("==")[0].lower() for line in (REPO / "requirements.lock").read_text().splitlines()
            if "==" in line}
    assert not pins & {"dask", "distributed", "toolz", "cloudpickle"}
    extra = (REPO / "requirements-dask.lock").read_text().splitlines()
    assert "-r requirements.lock" in extra and "dask==2026.8.0" in extra and "distributed==2026.8.0" in extra
    assert "-r requirements-dask.lock" in (REPO / "requirements-test.lock").read_text().splitlines()
    # nothing outside the CLI's --dask path imports the module
    users = [p for p in (REPO / "builder").rglob("*.py") if p.name not in ("distributed.py", "cli.py")
             and any(s in p.read_text(encoding="utf-8") for s in ("import distributed", "from .distributed",
                                                                  "builder.distributed", "import dask"))]
    assert users == []
    assert json.dumps(distributed.INSTALL_HINT).count("newsbrief[dask]") == 1
