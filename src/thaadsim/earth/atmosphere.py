"""The U.S. Standard Atmosphere 1976, from -5 km to 1000 km geometric altitude.

Authority: *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562 / NASA-TM-X-74335
(U.S. Government Printing Office, 1976): its defining equations and constants.

Two regions, as in the standard:

* -5 km to 86 km: seven layers linear in the *molecular-scale* temperature
  ``T_M`` against *geopotential* height ``H = r0 Z / (r0 + Z)`` (the standard's
  table of layer bases and gradients), air of constant sea-level molar mass ``M0``.
  Closed forms, exact.  The kinetic temperature is ``T = T_M (M/M0)``, with ``M/M0``
  from the standard's 80-86 km table, interpolated linearly.
* 86 km to 1000 km: the kinetic temperature in four pieces against geometric
  height (isothermal 86-91 km, elliptical 91-110 km, linear 110-120 km,
  exponential 120-1000 km), and the number densities of N2, O, O2, Ar, He and H
  from the standard's diffusion / hydrostatic equations, with its constants (molar
  masses, diffusion coefficients, eddy diffusion, the empirical vertical-transport
  terms, the 86 km number densities, and the 500 km hydrogen density and flux).
  Those equations are integrated numerically once, on a 25 m grid, the first time
  an altitude above 86 km is asked for; values between grid points are
  interpolated in the logarithm of the number density (error < 1e-6).  The mixing
  terms use M0 up to 100 km for every species, atomic oxygen included: reading M_N2
  there for O (as some implementations do) leaves the density at 300-600 km ~6 % off
  the published tables; this reading matches them to 0.1 %.

The two regions meet at 86 km with the small jump the standard itself has
(~1e-5 relative in pressure): the lower region's pressure and density come from
``T_M`` and ``M0``, the upper one's from the tabulated 86 km number densities.

Speed of sound: the standard defines it only up to 86 km (``sqrt(gamma R* T_M / M0)``);
above 86 km this module holds the 86 km value (274.10 m/s).  Drag there is
negligible for every flight this package models, so the choice does not matter;
it only keeps the Mach number finite.

Every function takes geometric height above mean sea level in metres, as a scalar
or an array of any shape, and returns float64 of the same shape (a numpy scalar for
a scalar).  Heights below -5 km, above 1000 km or NaN raise
:class:`thaadsim.errors.InputError` naming the field ``altitude``.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from thaadsim.errors import InputError

__all__ = [
    "AtmosphereTable",
    "H_MAX_M",
    "H_MIN_M",
    "PROFILE_BREAKS_M",
    "density",
    "kernel_table",
    "number_densities",
    "pressure",
    "speed_of_sound",
    "temperature",
]

H_MIN_M = -5_000.0
"""Lowest geometric height the standard tabulates [m]."""
H_MAX_M = 1_000_000.0
"""Highest geometric height the standard defines [m]."""

# --- Constants of the standard ----------------------------------------------------
_G0 = 9.80665  # m/s^2; also g0' of the geopotential metre
_R0 = 6_356_766.0  # m, effective Earth radius for the geopotential
_RSTAR = 8.31432e3  # J/(kmol K): the standard's gas constant, not the CODATA one
_M0 = 28.9644  # kg/kmol, sea-level mean molar mass
_K_B = 1.380622e-23  # J/K, the standard's Boltzmann constant
_N_A = 6.022169e26  # 1/kmol
_GAMMA = 1.40
_P0 = 101_325.0  # Pa
_T0 = 288.15  # K

# --- Lower region: geopotential layer bases [m'] and dT_M/dH [K/m'] -------------
_HB = np.array([0.0, 11e3, 20e3, 32e3, 47e3, 51e3, 71e3])
_LMB = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])
_Z7 = 86_000.0  # m, the splice between the two regions
_GMR = _G0 * _M0 / _RSTAR  # K/m', the hydrostatic constant


def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    """T_M and P at each layer base, chained upward from sea level."""
    tmb = [_T0]
    pb = [_P0]
    for i in range(1, _HB.size):
        dh = _HB[i] - _HB[i - 1]
        lm = _LMB[i - 1]
        t_next = tmb[-1] + lm * dh
        if lm == 0.0:
            p_next = pb[-1] * math.exp(-_GMR * dh / tmb[-1])
        else:
            p_next = pb[-1] * (tmb[-1] / t_next) ** (_GMR / lm)
        tmb.append(t_next)
        pb.append(p_next)
    return np.array(tmb), np.array(pb)


_TMB, _PB = _layer_bases()

# The standard's M/M0 from 80 to 86 km in 0.5 km steps (dissociation of O2 begins).
_MRATIO_Z = np.arange(80_000.0, 86_000.0 + 1.0, 500.0)
_MRATIO = np.array(
    [
        1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
        0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579,
    ]
)  # fmt: skip


def _geopotential(z: np.ndarray) -> np.ndarray:
    return _R0 * z / (_R0 + z)


def _lower_tm_p(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Molecular-scale temperature [K] and pressure [Pa] for z <= 86 km."""
    h = _geopotential(z)
    # Below sea level the first layer continues, as the standard tabulates it to -5 km.
    i = np.clip(np.searchsorted(_HB, h, side="right") - 1, 0, _HB.size - 1)
    lm = _LMB[i]
    tmb = _TMB[i]
    dh = h - _HB[i]
    tm = tmb + lm * dh
    isothermal = lm == 0.0
    safe_lm = np.where(isothermal, 1.0, lm)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p_grad = _PB[i] * (tmb / tm) ** (_GMR / safe_lm)
        p_iso = _PB[i] * np.exp(-_GMR * dh / tmb)
    return tm, np.where(isothermal, p_iso, p_grad)


# --- Upper region: kinetic temperature ---------------------------------------------
_Z8, _Z9, _Z10 = 91_000.0, 110_000.0, 120_000.0
_T7 = 186.8673  # K, kinetic temperature at 86 km
_TC, _A_ELL, _a_ELL = 263.1905, -76.3232, -19_942.9  # K, K, m: the ellipse of 91-110 km
_T9, _LK9 = 240.0, 12.0e-3  # K, K/m
_T10, _TINF = 360.0, 1000.0  # K
_LAMBDA = _LK9 / (_TINF - _T10)  # 1/m, = 0.01875 /km

PROFILE_BREAKS_M = (*(float(z) for z in _R0 * _HB[1:] / (_R0 - _HB[1:])), _Z7, _Z8, _Z9, _Z10)
"""Geometric heights [m] where the standard's defining pieces meet: the lower layers' bases
above sea level (geopotential 11, 20, 32, 47, 51, 71 km), the 86 km splice of the two regions
and the upper region's temperature pieces (91, 110, 120 km).  Every quantity is smooth between
them; at them the temperature gradient jumps (density and pressure are kinked; at 86 km they
also jump by the standard's own ~1e-5)."""


def _upper_t_dtdz(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kinetic temperature [K] and its height gradient [K/m] for 86 km <= z <= 1000 km."""
    x = np.clip((z - _Z8) / _a_ELL, -1.0, 1.0)  # only read on 91-110 km
    root = np.sqrt(np.maximum(1.0 - x * x, 1e-300))
    xi = (z - _Z10) * (_R0 + _Z10) / (_R0 + z)
    e = np.exp(-_LAMBDA * xi)
    t = np.select(
        [z <= _Z8, z <= _Z9, z <= _Z10],
        [np.full_like(z, _T7), _TC + _A_ELL * root, _T9 + _LK9 * (z - _Z9)],
        _TINF - (_TINF - _T10) * e,
    )
    dtdz = np.select(
        [z <= _Z8, z <= _Z9, z <= _Z10],
        [np.zeros_like(z), -_A_ELL / _a_ELL * x / root, np.full_like(z, _LK9)],
        _LAMBDA * (_TINF - _T10) * ((_R0 + _Z10) / (_R0 + z)) ** 2 * e,
    )
    return t, dtdz


# --- Upper region: species --------------------------------------------------------
_SPECIES = ("N2", "O", "O2", "Ar", "He", "H")
_MI = {"N2": 28.0134, "O": 15.9994, "O2": 31.9988, "Ar": 39.948, "He": 4.0026, "H": 1.00797}
_N86 = {"N2": 1.129794e20, "O": 8.6e16, "O2": 3.030898e19, "Ar": 1.351400e18, "He": 7.5817e14}
_ALPHA = {"O": 0.0, "O2": 0.0, "Ar": 0.0, "He": -0.40, "H": -0.25}  # thermal diffusion
_A_D = {"O": 6.986e20, "O2": 4.863e20, "Ar": 4.487e20, "He": 1.700e21, "H": 3.305e21}  # 1/(m s)
_B_D = {"O": 0.750, "O2": 0.750, "Ar": 0.870, "He": 0.691, "H": 0.500}
# The vertical-transport terms, in km so the constants read as printed: tau(Z) =
# Q (Z-U)^2 exp(-W (Z-U)^3) + q (u-Z)^2 exp(-w (u-Z)^3), the second term for O below 97 km.
_FLUX = {
    "O": (-5.809644e-4, 56.90311, 2.706240e-5, -3.416248e-3, 97.0, 5.008765e-4),
    "O2": (1.366212e-4, 86.0, 8.333333e-5, 0.0, 86.0, 0.0),
    "Ar": (9.434079e-5, 86.0, 8.333333e-5, 0.0, 86.0, 0.0),
    "He": (-2.457369e-4, 86.0, 6.666667e-4, 0.0, 86.0, 0.0),
}
_K7 = 1.2e2  # m^2/s, eddy diffusion coefficient 86-95 km
_Z_M_SWITCH = 100_000.0  # the mixing term uses M0 below, M_N2 above
_Z_EDDY_TOP = 115_000.0  # eddy diffusion (and its flux terms) end here
_Z_FLUX_TOP = 150_000.0  # the standard drops the transport terms above 150 km
_Z11 = 500_000.0  # the hydrogen reference level
_N_H_500 = 8.0e10  # 1/m^3, n(H) at 500 km
_PHI_H = 7.2e11  # 1/(m^2 s), the escape flux of H
_UPPER_STEP_M = 25.0


def _eddy_k(z: np.ndarray) -> np.ndarray:
    """Eddy diffusion coefficient [m^2/s] zero from 115 km up."""
    zk = (z - 95_000.0) / 1000.0
    with np.errstate(divide="ignore", over="ignore"):
        k = _K7 * np.exp(1.0 - 400.0 / (400.0 - zk * zk))
    return np.where(z < 95_000.0, _K7, np.where(z < _Z_EDDY_TOP, k, 0.0))


def _flux_term(species: str, z: np.ndarray) -> np.ndarray:
    """The vertical-transport term v_i/(D_i+K) [1/m] (the standard's empirical fit)."""
    q1, u1, w1, q2, u2, w2 = _FLUX[species]
    zk = z / 1000.0
    tau = q1 * (zk - u1) ** 2 * np.exp(-w1 * (zk - u1) ** 3)
    if q2 != 0.0:
        below = np.maximum(u2 - zk, 0.0)  # the second term lives only below u
        tau = tau + q2 * below**2 * np.exp(-w2 * below**3)
    return np.where(z <= _Z_FLUX_TOP, tau / 1000.0, 0.0)


def _cumtrapz(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(y)
    out[0] = 0.0
    np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x), out=out[1:])
    return out


def _segments(z: np.ndarray, breaks: tuple[float, ...]) -> list[slice]:
    """Index slices of ``z`` between breakpoints, each closed at both ends.

    Neighbouring slices share their boundary node, so an integrand with a jump at a
    breakpoint is integrated with its one-sided values on each side.
    """
    idx = [0] + [int(np.searchsorted(z, b)) for b in breaks] + [z.size - 1]
    return [slice(a, b + 1) for a, b in zip(idx[:-1], idx[1:], strict=True) if b > a]


def _integrate_piecewise(z: np.ndarray, integrand, breaks: tuple[float, ...]) -> np.ndarray:
    """Cumulative integral from z[0] of ``integrand(slice, z_segment)`` over the segments."""
    total = np.empty_like(z)
    start = 0.0
    for sl in _segments(z, breaks):
        zs = z[sl]
        part = _cumtrapz(integrand(sl, zs), zs) + start
        total[sl] = part
        start = part[-1]
    return total


def _mixing_mass(zs: np.ndarray) -> float:
    """The molar mass [kg/kmol] of the mixing terms on one segment of the grid.

    M0 up to 100 km and M_N2 above, as the standard prescribes.  Taken per segment, so the jump at
    100 km is integrated with one-sided values.
    """
    return _M0 if zs[-1] <= _Z_M_SWITCH else _MI["N2"]


class _UpperProfile(NamedTuple):
    z_m: np.ndarray
    ln_n: dict[str, np.ndarray]  # per species; H is -inf below 150 km
    ln_n_total: np.ndarray
    ln_rho: np.ndarray


@functools.cache
def _upper_profile() -> _UpperProfile:
    """Number densities 86-1000 km by the standard's equations, integrated once."""
    n_pts = int(round((H_MAX_M - _Z7) / _UPPER_STEP_M)) + 1
    z = np.linspace(_Z7, H_MAX_M, n_pts)
    t, dtdz = _upper_t_dtdz(z)
    g = _G0 * (_R0 / (_R0 + z)) ** 2
    k_eddy = _eddy_k(z)
    breaks = (_Z_M_SWITCH, _Z_EDDY_TOP, _Z_FLUX_TOP)
    n: dict[str, np.ndarray] = {}

    # N2: mixed below 100 km (scale height of M0), diffusive with its own mass above.
    def f_n2(sl, zs):
        return g[sl] * _mixing_mass(zs) / (_RSTAR * t[sl])

    n["N2"] = _N86["N2"] * (_T7 / t) * np.exp(-_integrate_piecewise(z, f_n2, breaks))

    def diffusing(species: str, background: np.ndarray) -> np.ndarray:
        """n_i T = n_i(86) T7 exp(-integral of f_i + flux term)."""
        mi, alpha = _MI[species], _ALPHA[species]
        d_coef = _A_D[species] / background * (t / 273.15) ** _B_D[species]
        flux = _flux_term(species, z)

        def f(sl, zs):
            gs, ts, dts, ks, ds = g[sl], t[sl], dtdz[sl], k_eddy[sl], d_coef[sl]
            m = _mixing_mass(zs)
            weight = gs / (_RSTAR * ts) * ds / (ds + ks)
            diff = weight * (mi + m * ks / ds + alpha * _RSTAR * dts / gs)
            return diff + flux[sl]

        return _N86[species] * (_T7 / t) * np.exp(-_integrate_piecewise(z, f, breaks))

    # O and O2 diffuse through N2; Ar and He through N2 + O + O2: the standard's n in
    # D_i = a_i / n (T/273.15)^b_i.
    n["O"] = diffusing("O", n["N2"])
    n["O2"] = diffusing("O2", n["N2"])
    major = n["N2"] + n["O"] + n["O2"]
    n["Ar"] = diffusing("Ar", major)
    n["He"] = diffusing("He", major)

    # H, 150-1000 km: diffusive equilibrium above 500 km.  Below it the
    # upward escape flux phi needs a density gradient steeper than equilibrium, so the
    # flux integral adds to the density going down.
    n_h = np.zeros_like(z)
    above_150 = z >= _Z_FLUX_TOP
    zh = z[above_150]
    th = t[above_150]
    alpha_h = _ALPHA["H"]
    t11 = float(_upper_t_dtdz(np.array([_Z11]))[0][0])
    i11 = int(np.searchsorted(zh, _Z11))
    tau = _cumtrapz(g[above_150] * _MI["H"] / (_RSTAR * th), zh)
    tau -= tau[i11]  # tau(Z) = integral from 500 km to Z
    background = (major + n["Ar"] + n["He"])[above_150]
    d_h = _A_D["H"] / background * (th / 273.15) ** _B_D["H"]
    y = _PHI_H / d_h * (th / t11) ** (1.0 + alpha_h) * np.exp(tau)
    flux_int = _cumtrapz(y, zh)
    flux_int = np.where(zh <= _Z11, flux_int[i11] - flux_int, 0.0)  # integral Z -> 500 km
    n_h[above_150] = (_N_H_500 + flux_int) * (t11 / th) ** (1.0 + alpha_h) * np.exp(-tau)
    n["H"] = n_h

    n_total = sum(n[s] for s in _SPECIES)
    rho = sum(n[s] * _MI[s] for s in _SPECIES) / _N_A
    with np.errstate(divide="ignore"):
        ln_n = {s: np.log(n[s]) for s in _SPECIES}
    for arr in (z, n_total, rho, *ln_n.values()):
        arr.flags.writeable = False
    return _UpperProfile(z, ln_n, np.log(n_total), np.log(rho))


# --- Public functions ----------------------------------------------------------------


def _heights(h_m) -> np.ndarray:
    try:
        h = np.asarray(h_m, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"expected heights in metres, got {h_m!r:.60}", field="altitude") from None
    ok = (h >= H_MIN_M) & (h <= H_MAX_M)  # NaN fails both comparisons
    if not np.all(ok):
        bad = h[~ok].flat[0]
        raise InputError(
            f"geometric height {bad:.6g} m is outside the US Standard Atmosphere 1976",
            field="altitude",
            hint="the standard covers -5 km to 1000 km; treat the air above 1000 km as vacuum",
        )
    return h


def _scalar_or_array(a: np.ndarray):
    return a[()] if a.ndim == 0 else a


def _split(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flat = h.ravel()
    return flat, flat > _Z7


def temperature(h_m) -> np.ndarray:
    """Kinetic temperature [K] at geometric height ``h_m`` [m] (-5 km to 1000 km)."""
    h = _heights(h_m)
    flat, up = _split(h)
    out = np.empty_like(flat)
    low = flat[~up]
    tm, _ = _lower_tm_p(low)
    out[~up] = tm * np.interp(low, _MRATIO_Z, _MRATIO, left=1.0)
    out[up] = _upper_t_dtdz(flat[up])[0]
    return _scalar_or_array(out.reshape(h.shape))


def pressure(h_m) -> np.ndarray:
    """Pressure [Pa] at geometric height ``h_m`` [m] (-5 km to 1000 km)."""
    h = _heights(h_m)
    flat, up = _split(h)
    out = np.empty_like(flat)
    out[~up] = _lower_tm_p(flat[~up])[1]
    if up.any():
        prof = _upper_profile()
        zu = flat[up]
        n_tot = np.exp(np.interp(zu, prof.z_m, prof.ln_n_total))
        out[up] = n_tot * _K_B * _upper_t_dtdz(zu)[0]
    return _scalar_or_array(out.reshape(h.shape))


def density(h_m) -> np.ndarray:
    """Mass density [kg/m^3] at geometric height ``h_m`` [m] (-5 km to 1000 km)."""
    h = _heights(h_m)
    flat, up = _split(h)
    out = np.empty_like(flat)
    tm, p = _lower_tm_p(flat[~up])
    out[~up] = p * _M0 / (_RSTAR * tm)  # rho = P M0 / (R* T_M): T_M absorbs M/M0
    if up.any():
        prof = _upper_profile()
        out[up] = np.exp(np.interp(flat[up], prof.z_m, prof.ln_rho))
    return _scalar_or_array(out.reshape(h.shape))


def speed_of_sound(h_m) -> np.ndarray:
    """Speed of sound [m/s] at geometric height ``h_m`` [m] (-5 km to 1000 km).

    Eq. 50, ``sqrt(gamma R* T_M / M0)``, up to 86 km.  The standard does not define
    it higher up (the mean free path there exceeds acoustic wavelengths); above
    86 km this returns the 86 km value, 274.10 m/s, which only keeps Mach numbers
    finite where drag is negligible anyway.
    """
    h = _heights(h_m)
    tm, _ = _lower_tm_p(np.minimum(h, _Z7))
    return _scalar_or_array(np.sqrt(_GAMMA * _RSTAR * tm / _M0))


def number_densities(h_m) -> dict[str, np.ndarray]:
    """Number density [1/m^3] of N2, O, O2, Ar, He and H from 86 km to 1000 km.

    The standard's upper-region composition (the species columns of its tables);
    hydrogen is zero below 150 km, where the standard does not compute it.
    """
    h = _heights(h_m)
    if np.any(h < _Z7):
        raise InputError(
            f"geometric height {float(np.min(h)):.6g} m is below 86 km",
            field="altitude",
            hint="the standard gives species number densities only from 86 km up",
        )
    prof = _upper_profile()
    return {s: _scalar_or_array(np.exp(np.interp(h, prof.z_m, prof.ln_n[s]))) for s in _SPECIES}


class AtmosphereTable(NamedTuple):
    """A uniform-height table for :func:`thaadsim.earth.kernels.atmosphere_lookup`.

    Pass it unpacked after the height: ``atmosphere_lookup(h, *table)``.
    """

    h0_m: float
    """Height of the first row [m]."""
    dh_m: float
    """Row spacing [m]."""
    ln_rho: np.ndarray
    """Natural log of density [ln(kg/m^3)] per row."""
    ln_p: np.ndarray
    """Natural log of pressure [ln(Pa)] per row."""
    sound_m_s: np.ndarray
    """Speed of sound [m/s] per row."""
    d2_ln_rho: np.ndarray
    """Second derivative of ``ln_rho`` of the natural cubic spline through the rows [1/m^2]."""
    d2_ln_p: np.ndarray
    """Second derivative of ``ln_p`` of the natural cubic spline [1/m^2]."""
    d2_sound: np.ndarray
    """Second derivative of ``sound_m_s`` of the natural cubic spline [1/(m s)]."""


_TABLE_BOTTOM_M = -1_000.0


@functools.cache
def kernel_table(step_m: float = 250.0) -> AtmosphereTable:
    """The standard tabulated every ``step_m`` metres from -1 km to 1000 km.

    Built on first use and cached; the arrays are read-only because every caller
    shares them.  The 250 m default keeps linear interpolation in log density within
    ~0.1 % of :func:`density` everywhere (the worst spots are the kinks in the
    temperature profile).  Heights above the last row read as vacuum in the kernel.

    The kernel interpolates with the natural cubic spline through the rows (C2): an
    adaptive integrator at tight tolerance loses accuracy at every kink of a
    piecewise-linear or C1 table, and a flight crosses hundreds of rows.
    """
    step = float(step_m)
    if not (math.isfinite(step) and 0.0 < step <= 10_000.0):
        raise InputError(
            f"table step {step_m!r} m is not in (0, 10000]",
            field="step_m",
            hint="use a few hundred metres; 250 m is the default",
        )
    n_rows = int(math.floor((H_MAX_M - _TABLE_BOTTOM_M) / step + 1e-9)) + 1
    h = _TABLE_BOTTOM_M + step * np.arange(n_rows)
    ln_rho = np.log(density(h))
    ln_p = np.log(pressure(h))
    sound = np.asarray(speed_of_sound(h), dtype=np.float64)
    from thaadsim.splines import natural_cubic_curvature

    curvatures = list(natural_cubic_curvature(h, np.column_stack((ln_rho, ln_p, sound))).T.copy())
    arrays = (ln_rho, ln_p, sound, *curvatures)
    for arr in arrays:
        arr.flags.writeable = False
    return AtmosphereTable(_TABLE_BOTTOM_M, step, *arrays)
