"""The ahead-of-time kernels' bookkeeping (thaadsim.aot): when the install's build stands in for a
kernel, and that a call then runs it and compiles nothing.

Authorities: numba's dispatcher contract (an overload registered for exact argument types is called
for them, any other types compile) and the manifest's own record of the sources and CPU it was built
from.  No build here: a fake extension module stands in (the built one is exercised end to end in
tests/integration/test_aot_build.py).
"""

from __future__ import annotations

import gc
import hashlib
import json
import math

import numba
import numpy as np
import pytest

from thaadsim import aot, compiling, jit  # noqa: F401 - jit forwards numba's compile events to compiling

CPU = ["skylake", "+avx2,+fma"]


def _hypot(x, y):
    return math.hypot(x[0, 0, 0], y)


class _Extension:
    """What ``thaadsim._aot`` offers thaadsim.aot: the manifest function and the kernels, here
    ``k0_f``, a hypotenuse - the Python entry point numba builds for compiled code, the kind of
    function numba.pycc exports."""

    def __init__(self, files: dict[str, str], exports: dict, cpu=CPU) -> None:
        self._blob = json.dumps({"numba": "0.0", "cpu": cpu, "files": files, "exports": exports}).encode()
        compiled = numba.njit("float64(float64[:, :, :], float64)")(_hypot)  # any layout: accepts the exported type
        self.k0_f = compiled.overloads[compiled.signatures[0]].entry_point

    def aot_manifest(self):
        return np.frombuffer(self._blob, dtype=np.uint8)


def _sources(tmp_path):
    (tmp_path / "kernels.py").write_text("def f(x, y):\n    return x + y\n")
    return {"kernels.py": hashlib.sha256((tmp_path / "kernels.py").read_bytes()).hexdigest()}


def test_the_build_is_used_only_for_the_sources_and_cpu_it_was_made_from(tmp_path):
    files = _sources(tmp_path)
    assert aot.check(_Extension(files, {}), tmp_path, CPU).status == "ready"
    assert aot.check(_Extension(files, {}), tmp_path, ["znver3", "+avx2"]).status == "other-cpu"
    assert aot.check(_Extension(files, {}), tmp_path, [CPU[0], "+avx2"]).status == "other-cpu"  # features too
    (tmp_path / "kernels.py").write_text("def f(x, y):\n    return x - y\n")
    stale = aot.check(_Extension(files, {}), tmp_path, CPU)
    assert stale.status == "stale" and "kernels.py changed" in stale.detail and "pip install" in stale.short
    (tmp_path / "kernels.py").unlink()
    assert aot.check(_Extension(files, {}), tmp_path, CPU).status == "stale"


def test_the_switch_turns_it_off(monkeypatch):
    monkeypatch.setenv(aot.ENV_SWITCH, "0")
    off = aot._read_state()
    assert off.status == "off" and not off.ready and aot.ENV_SWITCH in off.short


def f(x, y):
    return x[0, 0, 0] + y


EXPORTED = "(Array(float64, 3, 'F', True, aligned=True), float64)"
"""A type nothing else in the process holds (a read-only Fortran-ordered 3-D array), so that numba
would forget it after a garbage collection unless thaadsim.aot holds it."""


def _exported_array(value: float) -> np.ndarray:
    a = np.asfortranarray(np.full((2, 2, 2), value))  # (1, 1, 1) would be C-ordered too
    a.flags.writeable = False
    return a


def test_an_attached_kernel_runs_the_build_for_its_types_and_compiles_for_others(tmp_path, monkeypatch):
    """The dispatcher calls the extension's function (hypot, not the Python source's sum) for the
    exported types, compiling nothing, also after a garbage collection (numba's type codes live only
    while their types do); other types compile the source as before."""
    exports = {f"{__name__}.f": [["k0_f", EXPORTED]]}
    state = aot.check(_Extension(_sources(tmp_path), exports), tmp_path, CPU)
    monkeypatch.setattr(aot, "_state", state)
    kernel = numba.njit(f)
    aot.attach(kernel)
    gc.collect()
    heard: list = []
    compiling.watch(heard.append)
    try:
        assert kernel(_exported_array(3.0), 4.0) == 5.0 and heard == []
        assert kernel(np.full((1, 1, 1), 3.0), 4.0) == 7.0 and heard == [f"{__name__}.f", None]
    finally:
        compiling.unwatch(heard.append)


def test_a_kernel_the_build_does_not_name_is_left_alone(tmp_path, monkeypatch):
    state = aot.check(_Extension(_sources(tmp_path), {"elsewhere.g": [["k0_f", EXPORTED]]}), tmp_path, CPU)
    monkeypatch.setattr(aot, "_state", state)
    kernel = numba.njit(f)
    aot.attach(kernel)
    assert kernel(_exported_array(3.0), 4.0) == 7.0


@pytest.mark.parametrize("text", ["(float64, int64, bool)", "(Array(float64, 2, 'C', True, aligned=True),)"])
def test_signatures_read_back_as_numba_writes_them(text):
    assert repr(aot.parse_types(text)) == text.replace(",)", ",)")


def test_the_exports_file_names_kernels_that_exist():
    import importlib

    rows = aot.read_exports()
    assert rows, "aot_exports.txt lists no kernel"
    for name, signature in rows:
        module, function = name.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), function), name
        aot.parse_types(signature)
