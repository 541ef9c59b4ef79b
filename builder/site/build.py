"""`newsbrief build`: run MkDocs so that an interrupted build never breaks the live site.

MkDocs writes into its site folder as it goes; killed half way, the folder is half old,
half new. So the build goes into a fresh sibling folder and replaces site/ only once it
has succeeded. The swap is two renames (with SIGINT/SIGTERM/SIGHUP held back until both
are done); a run killed between them leaves the previous site as site.previous/, which
the next run puts back before doing anything else. The replaced site is then renamed
aside (site.trash-PID) and deleted by a detached process: at 10,000 briefs removing its
~14,000 files took the user ~4 s of a quiet machine's time (over a minute on a loaded
one) for nothing. A deletion cut short is finished by the next run (`recover`).

Because the site folder is replaced as a whole, it must be a folder that holds nothing
but a site: `check_site_dir` refuses the docs folder, the project root, seeds/, any
folder that contains or lies inside one of them, and any non-empty folder that was not
built by newsbrief (every site it builds carries a `.newsbrief-site` stamp; a folder
that plain `mkdocs build` made is recognised by its index.html and sitemap.xml.gz).

MkDocs runs in a child process that dies with its parent: on Linux the kernel sends it
SIGTERM when the parent dies (PR_SET_PDEATHSIG), everywhere a watchdog thread in the
child sees the pipe from the parent close; SIGTERM, SIGINT and SIGHUP sent to the parent
are passed on to the child, and the half-built folder is removed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

PARTIAL = ".partial"
PREVIOUS = ".previous"
TRASH = ".trash"
STAMP = ".newsbrief-site"
STAMP_TEXT = "A site built by newsbrief: `newsbrief build` replaces this folder as a whole.\n"
_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n))


def check_site_url(url: str | None) -> str | None:
    """Why `url` cannot be the site's public URL, or None. It ends up in every feed item's
    link, the canonical links and the sitemap, so only an absolute http(s) URL will do:
    `javascript:` or `data:` there would run in a reader's feed client."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError as e:
        return f"site URL {url!r} is not a URL ({e})"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return f"site URL {url!r} must be an absolute http:// or https:// URL"
    if any(c.isspace() or ord(c) < 32 or c in "\"'<>" for c in url):
        return f"site URL {url!r} holds spaces, quotes or control characters"
    return None


class SiteDirError(ValueError):
    """The site folder cannot be replaced as a whole. ``str()`` is one line."""


class Interrupted(Exception):
    """The build was stopped by a signal; the previous site is still in place."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"interrupted by {signal.Signals(self.signum).name}; the previous site was left in place"


# -- which folder may be replaced --------------------------------------------------------

def config_dirs(config_file: str | Path) -> tuple[Path, Path]:
    """(docs folder, seeds folder) named by an mkdocs.yml, as absolute paths; MkDocs'
    and the plugin's defaults when the file does not say (or cannot be read: MkDocs
    will report that itself)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/name:…
    root = Path(config_file).resolve().parent
    docs, seeds = "docs", "seeds"
    try:
        cfg = yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, ValueError, yaml.YAMLError):
        cfg = None
    if isinstance(cfg, dict):
        if isinstance(cfg.get("docs_dir"), str):
            docs = cfg["docs_dir"]
        for plugin in cfg.get("plugins") or []:
            if isinstance(plugin, dict) and isinstance(plugin.get("newsbrief"), dict) \
                    and isinstance(plugin["newsbrief"].get("seeds"), str):
                seeds = plugin["newsbrief"]["seeds"]
    return root / docs, root / seeds


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def looks_like_site(folder: Path) -> bool:
    """A folder that a newsbrief build made (its stamp), or that plain `mkdocs build` made."""
    return (folder / STAMP).is_file() or ((folder / "index.html").is_file()
                                          and (folder / "sitemap.xml.gz").is_file())


def check_site_dir(site_dir: str | Path, config_file: str | Path) -> Path:
    """The real folder the site will replace; SiteDirError if replacing it as a whole
    could lose anything the build did not make. A symbolic link is followed: the folder
    it points to is replaced, the link is kept."""
    shown = str(site_dir)
    site = Path(os.path.realpath(site_dir))
    root = Path(config_file).resolve().parent
    docs, seeds = (Path(os.path.realpath(p)) for p in config_dirs(config_file))
    for name, folder in (("project root", root), ("docs folder", docs), ("seeds folder", seeds)):
        if site == folder:
            raise SiteDirError(f"site dir {shown!r} is the {name}; the build replaces the site dir "
                               "as a whole: choose another folder")
        if _inside(folder, site):
            raise SiteDirError(f"site dir {shown!r} contains the {name} ({folder}); the build replaces "
                               "the site dir as a whole: choose another folder")
        if name != "project root" and _inside(site, folder):
            raise SiteDirError(f"site dir {shown!r} is inside the {name} ({folder}): choose a folder "
                               "outside it")
    if os.path.lexists(site) and not site.is_dir():
        raise SiteDirError(f"site dir {shown!r} exists and is not a folder")
    if site.is_dir() and any(os.scandir(site)) and not looks_like_site(site):
        raise SiteDirError(f"site dir {shown!r} holds files that newsbrief did not build (no {STAMP}); "
                           "the build replaces it as a whole: choose another folder, or empty it")
    return site


# -- the build ---------------------------------------------------------------------------

def _sibling(site: Path, suffix: str) -> Path:
    return site.with_name(site.name + suffix)


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def recover(site: Path) -> None:
    """Undo what an interrupted run left: a half-built folder, a half-done swap. Only
    real folders with the builder's own names are touched (no symbolic link is followed)."""
    previous = _sibling(site, PREVIOUS)
    if _real_dir(previous):
        if site.is_dir():
            shutil.rmtree(previous, ignore_errors=True)
        elif not os.path.lexists(site):
            os.replace(previous, site)
    partial = re.compile(re.escape(site.name + PARTIAL) + r"-\d+")
    trash = re.compile(re.escape(site.name + TRASH) + r"-\d+")
    if site.parent.is_dir():
        for entry in os.scandir(site.parent):
            if entry.is_dir(follow_symlinks=False):
                if partial.fullmatch(entry.name):
                    shutil.rmtree(entry.path, ignore_errors=True)
                elif trash.fullmatch(entry.name):
                    remove_later(Path(entry.path))


# At the lowest priority: the next build, if it starts at once, goes first.
_REMOVE = ("import os, shutil, sys; hasattr(os, 'nice') and os.nice(19); "
           "shutil.rmtree(sys.argv[1], ignore_errors=True)")


def remove_later(folder: Path) -> None:
    """Delete a folder from a detached process (its own session: a Ctrl-C in the
    terminal or the end of this process does not stop it), without waiting for it;
    synchronously if no process can be started."""
    try:
        subprocess.Popen([sys.executable, "-c", _REMOVE, str(folder)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def build(config_file: str, site_dir: str | Path, env: dict[str, str], strict: bool = True) -> int:
    """mkdocs build into a temporary folder, then swap it in. Returns mkdocs' exit code.
    The caller checks the site dir (check_site_dir) and holds the project lock."""
    site = Path(os.path.realpath(site_dir))
    recover(site)
    partial = _sibling(site, f"{PARTIAL}-{os.getpid()}")
    args = ["build", "-f", config_file, "-d", str(partial)]
    if strict:
        args.append("--strict")
    try:
        code, received = run_mkdocs(args, env)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if received or code != 0:
        shutil.rmtree(partial, ignore_errors=True)
        if received:
            raise Interrupted(received[0])
        return code
    (partial / STAMP).write_text(STAMP_TEXT, encoding="utf-8")
    previous = _sibling(site, PREVIOUS)
    blocked = _block_signals()
    try:
        if os.path.lexists(site):
            os.replace(site, previous)
        os.replace(partial, site)
    finally:
        _unblock_signals(blocked)
    if _real_dir(previous):
        trash = _sibling(site, f"{TRASH}-{os.getpid()}")
        try:
            os.replace(previous, trash)
        except OSError:  # (then recover() removes site.previous next time)
            return 0
        remove_later(trash)
    return 0


def serve(config_file: str, dev_addr: str, env: dict[str, str]) -> int:
    args = ["serve", "-f", config_file, "--dev-addr", dev_addr, "--livereload"]
    try:
        code, received = run_mkdocs(args, env)
    except KeyboardInterrupt:
        return 0
    if received:
        return 0 if received[0] == signal.SIGINT else 128 + received[0]
    return code


def _block_signals():
    if hasattr(signal, "pthread_sigmask"):
        return signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    return None


def _unblock_signals(old) -> None:
    if old is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# -- MkDocs in a child that dies with its parent ----------------------------------------------

_CHILD = "from builder.site.build import child_main; child_main()"


def run_mkdocs(args: list[str], env: dict[str, str]) -> tuple[int, list[int]]:
    """Run `mkdocs ARGS` in a child process tied to this one. Returns (exit code, the
    signals this process received meanwhile, which were passed on to the child)."""
    received: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    proc: subprocess.Popen | None = None

    def forward(signum, frame):
        received.append(signum)
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.send_signal(signal.SIGTERM)

    rfd, wfd = os.pipe()  # the child watches rfd: EOF means this process is gone
    old = {s: signal.signal(s, forward) for s in _SIGNALS} if main else {}
    try:
        try:
            proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(os.getpid()), str(rfd), *args],
                                    env=env, pass_fds=(rfd,))
        finally:
            os.close(rfd)
        if received:  # a signal came before the child existed
            proc.send_signal(signal.SIGTERM)
        code = proc.wait()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        os.close(wfd)
    return code, received


def _die_with_parent(parent: int, rfd: int) -> None:
    os.set_inheritable(rfd, False)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(128 + signal.SIGTERM)

    def watch() -> None:
        try:
            while os.read(rfd, 1):
                pass
        except OSError:
            pass
        os._exit(128 + signal.SIGTERM)  # the parent is gone: so is the point of this build

    threading.Thread(target=watch, name="newsbrief-parent-watch", daemon=True).start()


def child_main() -> None:
    """Entry point of the MkDocs child: argv = [-c, parent pid, pipe fd, mkdocs args…]."""
    parent, rfd, args = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    _die_with_parent(parent, rfd)
    from mkdocs.__main__ import cli

    sys.argv = ["mkdocs", *args]
    try:
        cli.main(args=args, prog_name="mkdocs")
    except SystemExit as e:
        _exit_now(e.code)


def _exit_now(code) -> None:
    """The build is over: what exit does but freeing its heap (the posts and pages of a
    10k archive, a few million objects, freed one by one for nothing). The exit functions
    still run and the output is flushed; without CPython's atexit._run_exitfuncs, a
    normal exit."""
    import atexit
    import logging

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if not callable(run_exit_functions):
        sys.exit(code)
    if isinstance(code, str):  # (SystemExit's message, printed as exit would)
        print(code, file=sys.stderr)
        code = 1
    run_exit_functions()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)
