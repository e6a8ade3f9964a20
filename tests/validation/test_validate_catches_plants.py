"""`thaadsim validate` must catch a physics error: plant one at a time, expect a failing row.

Issue 10 planted eleven errors and `validate --quick` passed every one.  Here each plant
goes in through a Python-level input of the engine (the atmosphere and drag tables the
kernels are handed, the catalog models, the fire control's source), the quick
validation set runs in-process, and at least one row must fail (``differs`` or
``drifted``) — and none without a plant.  With a plant the set's row groups run one by
one, cheapest first, and stop at the first with a failing row: the set fails exactly when
one of its groups does (each group seeded by its own label), so the verdict is the whole
set's at a fraction of its cost.

The Earth's rotation rate and J2 are compiled into the numba kernels as constants, so
they cannot be patched in a running process: those plants run the free-flight rows in a
subprocess that changes ``thaadsim.earth.constants`` before any kernel is imported and
compiles every kernel afresh into a temporary NUMBA_CACHE_DIR, the install's ahead-of-time
kernels off (``THAADSIM_AOT=0``; nothing in the package reads anything new for it; the real
cache is untouched).

Authority: the validation set's own authorities (closed forms, the inertial-frame second
integrator, the leakage closed forms, the calibration targets).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from thaadsim.studies.validation import ROW_GROUPS, failures, validation_set


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    # a planted run must never write a fly-out table to the shared disk cache
    monkeypatch.setenv("THAADSIM_CACHE_DIR", "off")
    yield
    _clear_memos()


def _clear_memos():
    from thaadsim.defense import flyout
    from thaadsim.earth import atmosphere
    from thaadsim.flight import engine

    atmosphere.kernel_table.cache_clear()
    engine._atmosphere_array.cache_clear()
    flyout.cached_table.cache_clear()


def _failed(cost: dict[str, float]) -> list[str]:
    """The failing rows of the first row group of ``validate --quick`` that fails, trying the
    groups cheapest first (``cost``: CPU seconds each took unplanted).

    The same verdict as running the whole quick set: its rows are the groups' rows, each group's
    draws seeded by its own label (tests/unit/test_validation_set.py), so the set has a failing
    row exactly when some group has one; the groups after the first failing one are not run."""
    for group in sorted((g for g in ROW_GROUPS if g.in_quick), key=lambda g: cost[g.label]):
        _clear_memos()
        failed = failures(validation_set(quick=True, groups=(group,)))
        if failed:
            return [f"{c.name} ({c.status})" for c in failed]
    return []


@pytest.fixture(scope="module")
def unplanted(quick_validation_rows):
    return quick_validation_rows[0]


def test_without_a_plant_every_row_passes(unplanted):
    assert not failures(unplanted), [(c.name, c.status, c.deviation, c.tolerance) for c in failures(unplanted)]


# ---------------------------------------------------------------- the plants
def _mutate(monkeypatch, module, name: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the source of ``module.name`` and install the result.

    Fails loudly when the plant site is gone, so a refactor cannot turn a plant into a no-op."""
    source = textwrap.dedent(inspect.getsource(getattr(module, name)))
    assert source.count(old) == 1, f"plant site {old!r} not found once in {module.__name__}.{name}"
    namespace: dict = {}
    exec(compile(source.replace(old, new), f"<planted {name}>", "exec"), module.__dict__, namespace)
    monkeypatch.setattr(module, name, namespace[name])


def _wrap_classmethod(monkeypatch, cls, name: str, after) -> None:
    original = getattr(cls, name).__func__

    @functools.wraps(original)
    def planted(klass, *args, **kwargs):
        return after(original(klass, *args, **kwargs))

    monkeypatch.setattr(cls, name, classmethod(planted))


def plant_density_x2_above_30_km(monkeypatch):
    from thaadsim.earth import atmosphere

    density = atmosphere.density
    monkeypatch.setattr(atmosphere, "density",
                        lambda h: np.where(np.asarray(h) > 30e3, 2.0, 1.0) * density(h))


def plant_radar_losses_plus_3_db(monkeypatch):
    from thaadsim.sensors.radar import RadarModel

    _wrap_classmethod(monkeypatch, RadarModel, "from_catalog", lambda m: m.with_(loss=m.loss * 10 ** 0.3))


def plant_interceptor_isp_minus_10_percent(monkeypatch):
    from thaadsim.defense.interceptor import InterceptorModel

    _wrap_classmethod(monkeypatch, InterceptorModel, "from_catalog",
                      lambda m: dataclasses.replace(m, isp_sl_s=0.9 * m.isp_sl_s, isp_vac_s=0.9 * m.isp_vac_s))


def plant_shoot_look_shoot_as_shoot_shoot(monkeypatch):
    from thaadsim.defense import firecontrol

    _mutate(monkeypatch, firecontrol, "assign_and_fire",
            'want = 2 if (doctrine == "shoot-shoot") else 1', "want = 2")


def plant_sspk_ignored(monkeypatch):
    """The kill draw reads the catalog's 0.8 instead of the SSPK it is given."""
    from thaadsim.defense import firecontrol

    _mutate(monkeypatch, firecontrol, "assign_and_fire", "rng.random(n) < sspk", "rng.random(n) < 0.8")


def plant_boost_drag_x1_2(monkeypatch):
    from thaadsim.flight import engine

    monkeypatch.setattr(engine, "BOOST_CD", 1.2 * engine.BOOST_CD)
    monkeypatch.setattr(engine, "BOOST_CD_D2", 1.2 * engine.BOOST_CD_D2)


def plant_reentry_beta_x2(monkeypatch):
    from thaadsim.flight.vehicle import Vehicle

    _wrap_classmethod(monkeypatch, Vehicle, "from_missile",
                      lambda v: dataclasses.replace(v, rv_beta_kg_m2=2.0 * v.rv_beta_kg_m2))


IN_PROCESS = [plant_density_x2_above_30_km, plant_radar_losses_plus_3_db, plant_interceptor_isp_minus_10_percent,
              plant_shoot_look_shoot_as_shoot_shoot, plant_sspk_ignored, plant_boost_drag_x1_2,
              plant_reentry_beta_x2]


@pytest.mark.parametrize("plant", IN_PROCESS, ids=lambda p: p.__name__.removeprefix("plant_"))
def test_validate_catches_the_plant(plant, monkeypatch, quick_validation_rows):
    _, cost = quick_validation_rows
    plant(monkeypatch)
    failed = _failed(cost)
    assert failed, f"{plant.__name__}: every row of validate --quick still passes"


# ---------------------------------------------------------------- compiled constants: a subprocess
CONSTANT_PLANTS = {
    "rotation_rate_plus_1_percent": "c.OMEGA_EARTH_RAD_S *= 1.01",
    "j2_zero": "c.J2_EARTH = 0.0",
    "j2_sign_flipped": "c.J2_EARTH = -c.J2_EARTH",
}
FLIGHT_GROUPS = ("free flight: closed forms", "free flight: rotating ellipsoid, J2")

_CHILD = """
import json, sys
import thaadsim.earth.constants as c
assert not any(m.endswith("kernels") for m in sys.modules), "a kernel was imported before the plant"
{plant}
from thaadsim.studies.validation import ROW_GROUPS, failures, validation_set
groups = tuple(g for g in ROW_GROUPS if g.label in {groups!r})
assert len(groups) == {n}
print(json.dumps([c.name for c in failures(validation_set(quick=True, groups=groups))]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CONSTANT_PLANTS))
def test_validate_catches_a_planted_constant(name, tmp_path):
    assert {g.label for g in ROW_GROUPS} >= set(FLIGHT_GROUPS)
    code = _CHILD.format(plant=CONSTANT_PLANTS[name], groups=FLIGHT_GROUPS, n=len(FLIGHT_GROUPS))
    # THAADSIM_AOT=0: the install's ahead-of-time kernels were compiled with the true constants
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"), "THAADSIM_CACHE_DIR": "off", "THAADSIM_AOT": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert failed, f"{name}: every free-flight row still passes"


def test_the_constant_plants_are_not_silent_in_the_authority():
    """The subprocess plants move what the second integrator predicts by kilometres (so a
    pass there would be the engine ignoring the constant, not the plant being too small)."""
    from thaadsim.studies import validation_authorities as auth
    from thaadsim.studies.authorities import reference_flight as ref
    from thaadsim.studies.validation_physics import ELLIPSOID_COASTS, IMPACT_TOLERANCE_M

    lat, lon, h, v, gamma, az = ELLIPSOID_COASTS[0]
    base = auth.coast_on_rotating_ellipsoid(lat, lon, h, v, gamma, az)["impact_ecef_m"]
    for kw in ({"omega": 1.01 * ref.OMEGA}, {"j2": 0.0}, {"j2": -ref.J2}):
        moved = auth.coast_on_rotating_ellipsoid(lat, lon, h, v, gamma, az, **kw)["impact_ecef_m"]
        assert np.linalg.norm(moved - base) > 100 * IMPACT_TOLERANCE_M, kw
    assert math.isclose(ref.J2, 1.0826298e-3, rel_tol=1e-6) and ref.OMEGA == 7.292115e-5
