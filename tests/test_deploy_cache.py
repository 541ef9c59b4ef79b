"""The Pages workflow keeps newsbrief's caches between runs (README "Deploying"): it
restores `.newsbrief-cache/` and `docs/posts/` (whose index keeps URLs stable) before the
build and saves them after it, keyed by newsbrief's version and configuration, with the
commit last so each run saves anew and the newest matching cache is restored. A real
GitHub run cannot happen here: these check the file's structure and names."""

from __future__ import annotations

import yaml
from fixture_dumps import REPO

from builder.output.cache import CACHE_DIR
from builder.output.index import INDEX_FILE
from builder.output.posts import MANIFEST

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
PATHS = {".newsbrief-cache", "docs/posts"}


def steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]


def _uses(step: dict, action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


def test_the_caches_are_restored_before_the_build_and_saved_after_it():
    s = steps()
    [restore] = [i for i, st in enumerate(s) if _uses(st, "actions/cache/restore")]
    [save] = [i for i, st in enumerate(s) if _uses(st, "actions/cache/save")]
    [build] = [i for i, st in enumerate(s) if "scripts/build.sh" in st.get("run", "")]
    [upload] = [i for i, st in enumerate(s) if _uses(st, "actions/upload-pages-artifact")]
    [checkout] = [i for i, st in enumerate(s) if _uses(st, "actions/checkout")]
    assert checkout < restore < build < save < upload
    for i in (restore, save):
        assert set(s[i]["with"]["path"].splitlines()) == PATHS
    # the folders the builder really uses
    assert CACHE_DIR == ".newsbrief-cache" and INDEX_FILE.startswith(".") and MANIFEST.startswith(".")


def test_the_key_names_version_and_configuration_and_the_commit_last():
    s = steps()
    [key_step] = [st for st in s if st.get("id") == "key"]
    for name in ("requirements.lock", "pyproject.toml", "mkdocs.yml", "newsbrief-rules.yml", "builder/**",
                 "overrides/**"):
        assert f"'{name}'" in key_step["run"]
    [restore] = [st for st in s if _uses(st, "actions/cache/restore")]
    key = restore["with"]["key"]
    assert key.startswith("newsbrief-") and "steps.key.outputs.config" in key and key.endswith("${{ github.sha }}")
    prefixes = restore["with"]["restore-keys"].splitlines()
    # the same configuration first (fully reusable), then any (for the URL record; the
    # caches' own fingerprints make the rest of it be ignored)
    assert prefixes[0] == key.removesuffix("${{ github.sha }}") and key.startswith(prefixes[1])
    [save] = [st for st in s if _uses(st, "actions/cache/save")]
    assert save["with"]["key"] == "${{ steps.cache.outputs.cache-primary-key }}"
    assert restore["id"] == "cache"


def test_committed_files_win_over_a_restored_cache():
    s = steps()
    names = [st.get("name", "") for st in s]
    guard = names.index("Committed files win over the cache")
    assert "git checkout HEAD --" in s[guard]["run"] and "docs/posts" in s[guard]["run"]
    assert _uses(s[guard - 1], "actions/cache/restore")


def test_the_generated_folders_are_not_committed():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "docs/posts/" in ignored and ".newsbrief-cache/" in ignored
