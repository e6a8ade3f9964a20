"""The shared compile options of thaadsim.jit reach every kernel of the rooms that use them.

Authority: numba's own record - each dispatcher's ``targetoptions`` and the colour scheme
``numba.core.errors`` chose when it was first imported.  Both options only cut compile
time (issue 12: a cold ``thaadsim run korea-salvo``); nothing else would notice them
missing, so these tests are the only guard.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from numba.core.registry import CPUDispatcher

ROOMS = ("thaadsim.earth.kernels", "thaadsim.flight.kernels", "thaadsim.sensors.kernels",
         "thaadsim.defense.kernels", "thaadsim.tracking.kernels")


@pytest.mark.parametrize("module", ROOMS)
def test_numba_colouring_is_off_whichever_kernel_module_comes_first(module):
    """Importing a room's kernels first imports numba only after thaadsim.jit set its environment.

    With colorama installed numba colours the context string of every typed call and
    lowered instruction as it compiles, ~10 % of a cold compile; a kernels module that
    imported numba before thaadsim.jit would switch that back on for the whole process.
    """
    pytest.importorskip("colorama")  # without it numba never colours
    code = (f"import os; os.environ.pop('NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING', None); import {module}; "
            "import numba.core.errors as e; print(type(e.termcolor()).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "NOPColorScheme", out.stdout + out.stderr


@pytest.mark.parametrize("module", ROOMS)
def test_room_kernels_use_the_numpy_error_model(module):
    """Every dispatcher defined in the room's kernels module compiles with error_model='numpy'."""
    mod = importlib.import_module(module)
    found = {name: obj.targetoptions.get("error_model") for name, obj in vars(mod).items()
             if isinstance(obj, CPUDispatcher) and obj.__module__ == module}
    assert found, module
    assert {name for name, model in found.items() if model != "numpy"} == set()
