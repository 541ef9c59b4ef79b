"""The `newsbrief` command (also `python -m builder`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from .archive.suggest import suggest_rules
from .console import printable
from .model import REJECTED
from .output.cache import CACHE_DIR
from .output.cache import clear as clear_caches
from .output.lock import Busy, lock_env, project_lock
from .output.store import WriteError
from .pipeline import analyse, convert
from .report import summarise
from .rules import PROJECT_RULES, RulesError, load_rules
from .site import build as sitebuild

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_IO, EXIT_BUSY = 0, 1, 2, 3, 4

DESCRIPTION = """\
Turn raw article dumps (plain-text files written by scrapers) into a clean news-brief
archive: one Markdown page per article for MkDocs + Material, with boilerplate
stripped, metadata extracted, and a report of everything left out.

commands:
  convert   write the pages for the dumps into the posts folder (default docs/posts)
  export    print one JSON object a line per dump (the export contract); writes nothing
  build     convert, then `mkdocs build --strict` into site/
  serve     live preview: re-converts and reloads when a dump in seeds/ changes
  rules     `rules suggest`: chrome learned from the dumps, as rules to paste
"""

EPILOG = """\
exit codes:
  0  every dump was handled (rejected dumps are reported, not failures)
  1  --strict and at least one dump was rejected, or the site build failed
  2  usage error: unknown option, missing path, unreadable rules file, a site dir
     that must not be replaced (the docs folder, the project root, seeds/, or a
     folder newsbrief did not build)
  3  the output could not be written (disk full, read-only folder, no permission);
     the line names the file. Pages already written are whole; run again once fixed
  4  another newsbrief run is working in this project (convert and build take the
     lock .newsbrief.lock); nothing was done. --wait SECONDS waits for it instead

Files in the posts folder that newsbrief did not write (or that were edited since)
are never written over or removed: the summary names each one it left alone, and
--strict then exits 1.

examples:
  newsbrief convert                     # seeds/ -> docs/posts/
  newsbrief export seeds/ > briefs.jsonl
  newsbrief convert --strict new-dumps/ # fail if any dump is rejected
  newsbrief build                       # the whole site into site/
"""


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="newsbrief", description=DESCRIPTION, epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"newsbrief {__version__}")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    def common(p: argparse.ArgumentParser, paths: bool = True) -> None:
        if paths:
            p.add_argument("paths", nargs="*", metavar="PATH",
                           help="dump files or folders of *.txt dumps (default: seeds/)")
        p.add_argument("--rules", metavar="FILE",
                       help=f"extra boilerplate/structure rules (default: {PROJECT_RULES} if present)")
        p.add_argument("--date-order", choices=["DMY", "MDY"],
                       help="how to read an all-numeric date like 05/06/2025 (default: from rules, DMY)")
        p.add_argument("--strict", action="store_true", help="exit 1 if any dump is rejected")
        p.add_argument("--workers", type=int, metavar="N", help="processes to use (default: all cores)")
        p.add_argument("-q", "--quiet", action="store_true", help="print only problems, no progress")

    def wait(p: argparse.ArgumentParser) -> None:
        p.add_argument("--wait", type=_seconds, default=0, metavar="SECONDS",
                       help="if another newsbrief run is working in this project, wait up to SECONDS "
                            "for it (default 0: exit 4 at once)")

    p = sub.add_parser("convert", help="write Markdown pages for the dumps",
                       description="Convert dumps into Markdown pages in the posts folder.")
    common(p)
    p.add_argument("--posts", metavar="DIR", default="docs/posts",
                   help="the folder the builder owns (default: docs/posts)")
    p.add_argument("--no-cache", action="store_true",
                   help=f"re-convert every dump, ignoring and rewriting {CACHE_DIR}/ "
                        "(unchanged dumps are skipped by default)")
    wait(p)
    p = sub.add_parser("export", help="print the JSON export, write nothing",
                       description="Print one JSON object a line per dump on stdout.")
    common(p)
    p.add_argument("--posts", metavar="DIR", default="docs/posts", help=argparse.SUPPRESS)
    p = sub.add_parser("rules", help="suggest boilerplate rules learned from the dumps",
                       description="Print, as ready-to-paste YAML, the chrome that newsbrief learned from "
                                   "the dumps (lines that recur across many dumps of one publisher), and "
                                   "recurring headings for an editor to judge.")
    p.add_argument("action", choices=["suggest"], help="suggest: print rules for newsbrief-rules.yml")
    common(p)
    p.add_argument("--posts", metavar="DIR", default="docs/posts", help=argparse.SUPPRESS)
    for name, text in (("build", "convert and build the site into site/"),
                       ("serve", "live preview on http://127.0.0.1:8000")):
        p = sub.add_parser(name, help=text, description=text.capitalize() + ".")
        p.add_argument("-f", "--config-file", default="mkdocs.yml", help="MkDocs config (default: mkdocs.yml)")
        p.add_argument("--site-url", help="the site's public URL (sets site_url for feeds and sitemap)")
        if name == "build":
            p.add_argument("-d", "--site-dir", default="site", help="where the site goes (default: site/)")
        if name == "serve":
            p.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="address to serve on")
        p.add_argument("--strict", action="store_true", help="exit 1 if any dump is rejected")
        if name == "build":
            wait(p)
    return ap


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _error(message: object) -> None:
    print(f"newsbrief: error: {printable(message)}", file=sys.stderr)


def _rules(args):
    extra = args.rules or (PROJECT_RULES if Path(PROJECT_RULES).is_file() else None)
    overrides = {"date_order": args.date_order} if getattr(args, "date_order", None) else None
    return load_rules(extra, overrides)


def _run_convert(args, write: bool) -> int:
    try:
        rules = _rules(args)
    except RulesError as e:
        _error(e)
        return EXIT_USAGE
    if not write:
        return _convert(args, rules, write)
    try:
        with project_lock(Path.cwd(), args.wait, on_wait=lambda m: print(m, file=sys.stderr)):
            return _convert(args, rules, write)
    except Busy as e:
        _error(e)
        return EXIT_BUSY
    except OSError as e:  # disk full, read-only folder, no permission: one line naming the file
        _error(e if isinstance(e, WriteError) else WriteError(e.filename or args.posts, e))
        return EXIT_IO


def _convert(args, rules, write: bool) -> int:
    paths = args.paths or ["seeds"]
    from tqdm import tqdm  # here: a quiet run (scripts, the plugin) need not load it

    bar = tqdm(total=0, unit="dump", file=sys.stderr, disable=args.quiet or not sys.stderr.isatty(),
               desc="converting", leave=False)

    def on_total(n: int) -> None:
        bar.total = n
        bar.refresh()

    # The command runs in the project root: the working folder is the root it names.
    kwargs = dict(workers=args.workers, progress=bar.update, on_total=on_total, root=Path.cwd())
    if write:
        if args.no_cache:  # bypass: nothing is read; every cache is written anew
            clear_caches(Path(CACHE_DIR))
        result = convert(paths, rules, Path(args.posts), cache_dir=Path(CACHE_DIR), **kwargs)
    else:
        result = analyse(paths, rules, Path(args.posts).as_posix(), **kwargs)
    bar.close()
    if not write:
        out = sys.stdout
        for o in result.outcomes:
            out.write(json.dumps(o.as_record(), ensure_ascii=False) + "\n")
        out.flush()
    left_alone = bool(result.write and result.write.refused)
    if not args.quiet or result.count(REJECTED) or result.errors or result.warnings or left_alone:
        summarise(result, posts=Path(args.posts).as_posix())
    if result.errors:
        return EXIT_USAGE
    if args.strict and (result.count(REJECTED) or left_alone):
        return EXIT_REJECTED
    return EXIT_OK


def _run_suggest(args) -> int:
    try:
        rules = _rules(args)
    except RulesError as e:
        _error(e)
        return EXIT_USAGE
    result = analyse(args.paths or ["seeds"], rules, workers=args.workers, root=Path.cwd())
    if result.errors:
        summarise(result)
        return EXIT_USAGE
    print(suggest_rules(result.outcomes, result.learned, rules), end="")
    return EXIT_OK


def _run_mkdocs(args) -> int:
    """`mkdocs build --strict` (atomically, see site/build.py) / `mkdocs serve`; the newsbrief
    plugin in mkdocs.yml converts the dumps first."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if args.site_url:
        env["NEWSBRIEF_SITE_URL"] = args.site_url
    if bad_url := sitebuild.check_site_url(env.get("NEWSBRIEF_SITE_URL")):
        _error(bad_url)
        return EXIT_USAGE
    if args.strict:
        env["NEWSBRIEF_STRICT"] = "1"
    if not Path(args.config_file).is_file():
        _error(f"{args.config_file}: no such MkDocs config (run in the project root)")
        return EXIT_USAGE
    if args.command == "serve":  # the plugin takes the lock for each conversion
        code = sitebuild.serve(args.config_file, args.dev_addr, env)
        return code if code > 128 else EXIT_OK if code == 0 else EXIT_REJECTED
    root = Path(args.config_file).resolve().parent
    try:
        site_dir = sitebuild.check_site_dir(args.site_dir, args.config_file)
    except sitebuild.SiteDirError as e:
        _error(e)
        return EXIT_USAGE
    try:
        with project_lock(root, args.wait, on_wait=lambda m: print(m, file=sys.stderr)):
            code = sitebuild.build(args.config_file, site_dir, env | lock_env(root))
    except Busy as e:
        _error(e)
        return EXIT_BUSY
    except sitebuild.Interrupted as e:
        _error(e)
        return 128 + e.signum
    except OSError as e:
        _error(e if isinstance(e, WriteError) else WriteError(e.filename or site_dir, e))
        return EXIT_IO
    return EXIT_OK if code == 0 else EXIT_REJECTED


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    if args.command in ("convert", "export"):
        return _run_convert(args, write=args.command == "convert")
    if args.command == "rules":
        return _run_suggest(args)
    if args.command in ("build", "serve"):
        return _run_mkdocs(args)
    ap.print_help(sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
