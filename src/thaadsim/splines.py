"""Natural cubic splines: the second derivatives at the knots, which the compiled kernels
use to draw a table's curve (atmosphere, drag) between its rows.

Written out here (the Thomas algorithm on the spline's tridiagonal system) rather than
taken from ``scipy.interpolate.CubicSpline``: importing scipy.interpolate costs a run
~0.4 s, and the tests hold this against scipy's spline."""

from __future__ import annotations

import numpy as np


def natural_cubic_curvature(x, y) -> np.ndarray:
    """Second derivatives M at the knots ``x`` (strictly increasing, n >= 2) of the natural
    cubic spline through ``y`` (shape (n,) or (n, k): k curves on the same knots), M = 0 at
    both ends.  Interior rows solve
    h[i-1] M[i-1] + 2 (h[i-1] + h[i]) M[i] + h[i] M[i+1] = 6 (s[i] - s[i-1]),
    with h the knot spacing and s the secant slopes."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.shape[0]
    if n < 2 or y.shape[0] != n or np.any(np.diff(x) <= 0.0):
        raise ValueError("a natural spline needs n >= 2 strictly increasing knots and one value per knot")
    m = np.zeros_like(y)
    if n == 2:
        return m
    h = np.diff(x)
    slope = np.diff(y, axis=0) / (h if y.ndim == 1 else h[:, None])
    rhs = 6.0 * np.diff(slope, axis=0)
    lower, upper = h[:-1], h[1:]
    diag = 2.0 * (h[:-1] + h[1:])
    # forward sweep (the system is diagonally dominant: no pivoting needed)
    c = np.empty(n - 2)
    d = np.empty_like(rhs)
    c[0] = upper[0] / diag[0]
    d[0] = rhs[0] / diag[0]
    for i in range(1, n - 2):
        denom = diag[i] - lower[i] * c[i - 1]
        c[i] = upper[i] / denom
        d[i] = (rhs[i] - lower[i] * d[i - 1]) / denom
    interior = m[1:-1]
    interior[-1] = d[-1]
    for i in range(n - 4, -1, -1):
        interior[i] = d[i] - c[i] * interior[i + 1]
    return m


__all__ = ["natural_cubic_curvature"]
