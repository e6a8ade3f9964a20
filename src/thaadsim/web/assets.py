"""The viewer's CesiumJS build: where it is, and how it gets there.

Cesium comes from the npm registry at set-up time, pinned in the project's
``package.json`` / ``package-lock.json`` (``npm ci``), and is served by the app from
``node_modules/cesium/Build/Cesium`` with its bundled NaturalEarthII imagery: no Cesium
ion token or asset, no network once installed.  The built files are not committed.

``thaadsim web-assets`` installs them; ``thaadsim serve`` and the web tests call
:func:`ensure_cesium`, which installs them on first use when the project's
``package.json`` is there and npm is on the PATH.  ``THAADSIM_CESIUM_DIR`` points at
another copy of ``Build/Cesium`` (a packaged install without the project folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from thaadsim.errors import InputError

ENV = "THAADSIM_CESIUM_DIR"
"""Environment variable naming a ``Build/Cesium`` folder to serve instead of the project's."""

PROJECT_ROOT = Path(__file__).resolve().parents[3]
"""The source checkout (src/thaadsim/web/ -> the folder holding package.json)."""

NPM_TIMEOUT_S = 600.0
"""Longest ``npm ci`` waited for [s]: Cesium is ~30 MB to download."""


def cesium_dir() -> Path:
    """The ``Build/Cesium`` folder the app serves (it may not exist yet)."""
    override = os.environ.get(ENV, "").strip()
    if override:
        return Path(override)
    return PROJECT_ROOT / "node_modules" / "cesium" / "Build" / "Cesium"


def cesium_ready(folder: Path | None = None) -> bool:
    """True when the build holds what the viewer loads: Cesium.js, its widgets' CSS and the
    NaturalEarthII imagery."""
    folder = cesium_dir() if folder is None else folder
    return all((folder / part).exists() for part in (
        "Cesium.js", "Widgets/widgets.css", "Assets/Textures/NaturalEarthII/tilemapresource.xml"))


def install_cesium(echo=print) -> Path:
    """``npm ci`` in the project folder (the pinned Cesium); the build folder."""
    if os.environ.get(ENV, "").strip():
        raise InputError(f"{cesium_dir()} holds no Cesium build (Cesium.js, Widgets/, Assets/Textures/NaturalEarthII)",
                         field=ENV, hint="point it at a Build/Cesium folder of the cesium npm package")
    if not (PROJECT_ROOT / "package.json").is_file():
        raise InputError(f"no package.json in {PROJECT_ROOT}: the viewer's Cesium build cannot be installed here",
                         field=ENV, hint="run from a source checkout, or set THAADSIM_CESIUM_DIR to a Build/Cesium "
                         "folder of the cesium npm package")
    npm = shutil.which("npm")
    if npm is None:
        raise InputError("npm is not on the PATH: the viewer's Cesium build is installed with `npm ci`",
                         field="npm", hint="install Node.js and npm (Debian: apt-get install -y npm), then run "
                         "`thaadsim web-assets`")
    lock = (PROJECT_ROOT / "package-lock.json").is_file()
    command = [npm, "ci" if lock else "install", "--no-audit", "--no-fund", "--ignore-scripts"]
    echo(f"installing the viewer's Cesium build: {' '.join(command[1:])} in {PROJECT_ROOT}")
    try:
        done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise InputError(f"npm took over {NPM_TIMEOUT_S:g} s", field="npm",
                         hint="check the connection to the npm registry, then run `thaadsim web-assets`") from None
    if done.returncode != 0 or not cesium_ready():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise InputError(f"`npm {command[1]}` failed ({tail[0]})", field="npm",
                         hint="check the connection to the npm registry, then run `thaadsim web-assets`")
    return cesium_dir()


def ensure_cesium(echo=print) -> Path:
    """The Cesium build, installed first if it is missing.  One install at a time: two
    processes (two test workers, two servers) starting at once must not run ``npm ci`` in
    the same folder together, so the second waits on a lock and finds the build there."""
    if cesium_ready():
        return cesium_dir()
    if os.environ.get(ENV, "").strip() or not (PROJECT_ROOT / "package.json").is_file():
        return install_cesium(echo)  # nothing to install here: its error says what to do
    import fcntl

    with open(PROJECT_ROOT / ".thaadsim-web-assets.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return cesium_dir() if cesium_ready() else install_cesium(echo)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


__all__ = ["ENV", "cesium_dir", "cesium_ready", "ensure_cesium", "install_cesium"]
