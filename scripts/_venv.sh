# Sourced by scripts/build.sh and scripts/test.sh (not run on its own).
# ensure_venv LOCKFILE: make .venv if missing (or broken), then install the pinned
# packages in LOCKFILE plus the project itself (editable). The install is skipped when
# nothing it depends on changed since the last successful one (stamp in .venv/).
# Env: PYTHON (default python3, must be 3.11+), NEWSBRIEF_VENV (default .venv).

ensure_venv() {
    local lock="$1"
    local venv="${NEWSBRIEF_VENV:-.venv}"
    local python="${PYTHON:-python3}"

    if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "error: $python is missing or older than Python 3.11 (set PYTHON=...)" >&2
            return 1
        fi
        echo "==> creating $venv with $("$python" --version 2>&1)"
        rm -rf "$venv"
        "$python" -m venv "$venv"
    fi

    # What the install depends on: the lock file(s) it reads and the project metadata.
    # The stamp holds "HASH LOCKFILE" of the last install; a lock file that includes
    # `-r $lock` (requirements-test.lock includes requirements.lock) satisfies $lock too.
    local stamp="$venv/.newsbrief-installed" hash done_hash="" done_lock=""
    hash="$(cat requirements*.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
    [[ -f "$stamp" ]] && read -r done_hash done_lock <"$stamp" || true
    if [[ "$done_hash" == "$hash" && -n "$done_lock" ]] \
        && { [[ "$done_lock" == "$lock" ]] || grep -qxF -- "-r $lock" "$done_lock"; } \
        && "$venv/bin/python" -c 'import builder' 2>/dev/null; then
        echo "==> $venv is up to date with $done_lock"
    else
        echo "==> installing $lock and the project into $venv"
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet \
            -r "$lock" -e .
        echo "$hash $lock" >"$stamp"
    fi
    case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
    export PATH="$venv/bin:$PATH"
}
