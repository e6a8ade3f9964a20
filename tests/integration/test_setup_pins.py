"""A fresh machine gets the versions the suite was run with (issue 11, "Fresh-machine
test suite"): both README set-up commands install through constraints.txt, which pins
every dependency exactly, within pyproject's bounds, and `make constraints` refreshes it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and name and version, f"not an exact pin: {line!r}"
        pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return [r for r in reqs if canonicalize_name(r.name) != "thaadsim"]


def test_both_readme_setup_commands_install_through_the_constraints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Set up on a fresh machine\n\n((?:    .*\n)+)", readme)
    assert block
    commands = [c.strip() for c in block.group(1).splitlines() if c.strip()]
    assert len(commands) == 2
    for command in commands:
        # the test command may first install the system's browser for the web app's tests
        assert re.match(r"(\(command -v chromedriver \|\| \(apt-get update && apt-get install -y chromium "
                        r"chromium-driver\)\) && )?pip install -c constraints\.txt -e (\.|'\.\[(maps|test)\]') && ",
                        command), command


def test_every_dependency_is_pinned_within_its_bounds():
    pins = _pins()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt (run `make constraints`)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} outside {req}"


def test_make_constraints_refreezes_a_fresh_environment():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^constraints:\n((?:\t.*\n)+)", makefile, re.M)
    assert target, "Makefile lost its constraints target"
    recipe = target.group(1)
    assert "python -m venv" in recipe and "pip\" install -q -e '.[test]'" in recipe
    assert "freeze --exclude-editable" in recipe and "> constraints.txt" in recipe


def test_the_install_builds_its_kernels_with_the_pinned_compiler():
    """pip does not apply constraints.txt to the build environment where setup.py compiles the
    ahead-of-time kernels (thaadsim.aot): pyproject's build requirements pin numba, llvmlite and
    numpy themselves, and to the same versions the run uses."""
    pins = _pins()
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    pinned = {canonicalize_name(r.name): r for r in map(Requirement, build)}
    for name in ("numba", "llvmlite", "numpy"):
        assert name in pinned, f"{name} missing from [build-system] requires"
        spec = str(pinned[name].specifier)
        assert spec == f"=={pins[name]}", f"build requires {name}{spec}, constraints.txt pins {pins[name]}"
