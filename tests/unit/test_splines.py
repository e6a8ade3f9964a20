"""The natural spline's knot curvatures against scipy's CubicSpline (an independent
implementation: banded LU in LAPACK), on the engine's own tables and on random data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from thaadsim.splines import natural_cubic_curvature


def scipy_curvature(x, y):
    return CubicSpline(x, y, bc_type="natural")(x, 2)


def test_boost_drag_table_matches_scipy():
    from thaadsim.flight.vehicle import BOOST_CD, BOOST_CD_D2, BOOST_CD_MACH

    np.testing.assert_allclose(BOOST_CD_D2, scipy_curvature(BOOST_CD_MACH, BOOST_CD), rtol=1e-12, atol=1e-12)


def test_atmosphere_table_matches_scipy():
    """ln density, ln pressure and sound speed on the 250 m table: curvatures agree to
    1e-9 of the largest (units 1/m^2 and m/s/m^2)."""
    from thaadsim.earth.atmosphere import kernel_table

    table = kernel_table(250.0)
    h = table.h0_m + table.dh_m * np.arange(table.ln_rho.shape[0])
    for values, curvature in ((table.ln_rho, table.d2_ln_rho), (table.ln_p, table.d2_ln_p),
                              (table.sound_m_s, table.d2_sound)):
        expected = scipy_curvature(h, values)
        np.testing.assert_allclose(curvature, expected, rtol=0, atol=1e-9 * np.abs(expected).max())


@pytest.mark.parametrize("n", [2, 3, 4, 17, 400])
def test_random_knots_match_scipy(n):
    rng = np.random.default_rng(n)
    x = np.cumsum(rng.uniform(0.1, 3.0, n))
    y = rng.normal(size=(n, 3))
    expected = np.column_stack([scipy_curvature(x, y[:, k]) for k in range(3)]) if n > 2 else np.zeros((n, 3))
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(natural_cubic_curvature(x, y), expected, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(natural_cubic_curvature(x, y[:, 0]), expected[:, 0], rtol=0, atol=1e-12 * scale)


def test_unordered_knots_are_refused():
    with pytest.raises(ValueError, match="increasing"):
        natural_cubic_curvature([0.0, 2.0, 1.0], [0.0, 1.0, 2.0])
