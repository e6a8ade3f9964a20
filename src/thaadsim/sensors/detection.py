"""Detection physics: the radar range equation and the probability of detection.

Everything is vectorised (numpy broadcasting); SNR is a linear power ratio inside,
decibels only in names (``snr_db``).

Range equation (monostatic, ../shared/reference/formulas.md; Skolnik, *Introduction to
Radar Systems*, 3rd ed., 2001, eq. 2.1 and §2.12):

* track / dwell form, ``n`` pulses integrated coherently (SNR adds linearly)::

      SNR = P_t G_t G_r λ² σ n / ((4π)³ R⁴ k T_s B L)

  With a matched filter (B τ = 1) and G = 4π A_e / λ² this is the *energy* form
  SNR = P_t n τ A_e² σ / (4π λ² R⁴ k T_s L): what counts is the energy on target.
* search (power–aperture) form, a solid angle Ω searched in a frame time t_s::

      SNR = P_avg A_e t_s σ / (4π Ω R⁴ k T_s L)

Probability of detection at false-alarm probability ``pfa`` (square-law detector,
complex Gaussian noise, threshold T = -ln Pfa for one sample):

* :func:`pd_exact` — exact forms: Swerling 0 through the Marcum Q function
  (``scipy.stats.ncx2``), Swerling 1 and 3 by the closed forms for one integrated
  sample (Swerling 1: Pd = Pfa^(1/(1+SNR)); Swerling 3: Pd = e^(-T/(1+S/2))·
  (1 + T (S/2)/(1+S/2)²)), and for ``n`` non-coherently integrated pulses Swerling 0
  (ncx2), 1 (DiFranco & Rubin / Meyer & Mayer closed form), 2 (incomplete gamma),
  3 by Gauss–Laguerre averaging of the exact conditional Pd over the chi-square-4
  law, and 4 as an exact finite mixture of gamma laws.
* :func:`pd_albersheim` — Albersheim's empirical formula (Swerling 0), inverted for Pd.
* :func:`pd_shnidman` — Shnidman's empirical formula (Swerling 0–4), inverted for Pd
  by bisection.

The compiled kernels (``sensors/kernels.py``) use the exact one-sample forms, since the
presets integrate their pulses coherently.
"""

from __future__ import annotations

import numpy as np

BOLTZMANN_J_K = 1.380649e-23
"""Boltzmann constant [J/K] (SI 2019, exact)."""
SPEED_OF_LIGHT_M_S = 299_792_458.0
"""Speed of light in vacuum [m/s] (SI, exact)."""

SWERLING_CASES = (0, 1, 2, 3, 4)


def db(x):
    """Decibels of a power ratio."""
    return 10.0 * np.log10(x)


def from_db(x_db):
    """Power ratio from decibels."""
    return 10.0 ** (np.asarray(x_db, dtype=float) / 10.0)


# ----------------------------------------------------------------------------- range equation


def snr_track(
    range_m,
    rcs_m2,
    *,
    peak_power_w: float,
    gain_tx: float,
    gain_rx: float,
    wavelength_m: float,
    n_pulses: float,
    noise_temperature_k: float,
    bandwidth_hz: float,
    loss: float,
):
    """SNR (linear) of ``n_pulses`` coherently integrated pulses — the track / dwell form.

    SNR = P_t G_t G_r λ² σ n / ((4π)³ R⁴ k T_s B L); ``loss`` is a linear factor ≥ 1.
    """
    r = np.asarray(range_m, dtype=float)
    s = np.asarray(rcs_m2, dtype=float)
    num = peak_power_w * gain_tx * gain_rx * wavelength_m**2 * s * n_pulses
    den = (4.0 * np.pi) ** 3 * r**4 * BOLTZMANN_J_K * noise_temperature_k * bandwidth_hz * loss
    return num / den


def snr_search(
    range_m,
    rcs_m2,
    *,
    average_power_w: float,
    effective_aperture_m2: float,
    frame_time_s: float,
    solid_angle_sr: float,
    noise_temperature_k: float,
    loss: float,
):
    """SNR (linear) of the search (power–aperture) form.

    SNR = P_avg A_e t_s σ / (4π Ω R⁴ k T_s L).
    """
    r = np.asarray(range_m, dtype=float)
    s = np.asarray(rcs_m2, dtype=float)
    num = average_power_w * effective_aperture_m2 * frame_time_s * s
    den = 4.0 * np.pi * solid_angle_sr * r**4 * BOLTZMANN_J_K * noise_temperature_k * loss
    return num / den


def gain_from_aperture(effective_aperture_m2: float, wavelength_m: float) -> float:
    """Antenna gain G = 4π A_e / λ² (Skolnik 2001, eq. 2.8)."""
    return 4.0 * np.pi * effective_aperture_m2 / wavelength_m**2


# ----------------------------------------------------------------------------- Pd, exact


def _threshold(pfa, n_pulses):
    """Normalised threshold T on the sum of ``n`` square-law samples (noise power 1)."""
    from scipy import special  # not at import: a run does not use it and it costs 0.25 s

    return special.gammainccinv(n_pulses, pfa)


def _check(snr, pfa, n_pulses):
    snr = np.asarray(snr, dtype=float)
    pfa = np.asarray(pfa, dtype=float)
    if np.any((pfa <= 0.0) | (pfa >= 1.0)):
        raise ValueError("pfa must lie in (0, 1)")
    if np.any(snr < 0.0):
        raise ValueError("snr is a linear power ratio, ≥ 0")
    if int(n_pulses) != n_pulses or n_pulses < 1:
        raise ValueError("n_pulses must be a positive integer")
    return snr, pfa, int(n_pulses)


def _pd_nonfluctuating(snr, t, n):
    from scipy import stats  # imported here: scipy.stats is slow to import

    # Sum of n samples of |s+w|², noise power 1 per sample: 2·sum ~ ncx2(2n, 2 n SNR).
    return stats.ncx2.sf(2.0 * t, 2 * n, 2.0 * n * snr)


# Gauss–Laguerre nodes for averaging over a chi-square fluctuation law.
_GL_X, _GL_W = np.polynomial.laguerre.laggauss(96)


def pd_exact(snr, pfa, swerling: int = 1, n_pulses: int = 1):
    """Exact probability of detection (square-law detector, non-coherent integration).

    ``snr`` is the mean SNR per pulse (linear); for one coherently integrated sample use
    ``n_pulses=1`` and the integrated SNR.  Swerling 1/3 fluctuate scan to scan (one
    draw per dwell), 2/4 pulse to pulse; for ``n_pulses=1`` 1≡2 and 3≡4.
    """
    from scipy import special  # not at import: a run does not use it and it costs 0.25 s

    snr, pfa, n = _check(snr, pfa, n_pulses)
    snr, pfa = np.broadcast_arrays(snr, pfa)
    t = _threshold(pfa, n)
    if swerling == 0:
        return _pd_nonfluctuating(snr, t, n)
    if swerling == 2 or (swerling == 1 and n == 1):
        # pulse-to-pulse exponential: each sample is exponential with mean 1+SNR.
        return special.gammaincc(n, t / (1.0 + snr))
    if swerling == 1:
        # Meyer & Mayer (1973) / DiFranco & Rubin (1968); Richards, FRSP (2005) eq. 6.58.
        ns = n * snr
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            term = (
                (1.0 + 1.0 / ns) ** (n - 1)
                * special.gammainc(n - 1, t / (1.0 + 1.0 / ns))
                * np.exp(-t / (1.0 + ns))
            )
            pd = 1.0 - special.gammainc(n - 1, t) + term
        return np.where(snr > 0.0, np.clip(pd, 0.0, 1.0), pfa)
    if swerling == 3 and n == 1 or swerling == 4 and n == 1:
        h = 0.5 * snr
        return np.exp(-t / (1.0 + h)) * (1.0 + t * h / (1.0 + h) ** 2)
    if swerling == 3:
        # Scan-to-scan chi-square with 4 degrees of freedom: x = SNR·y, y ~ Gamma(2, 1/2).
        # E[f(y)] = ∫ 4 y e^{-2y} f(y) dy = Σ w_i (u_i / 1) f(u_i / 2) with u = 2y.
        u = _GL_X[:, None]
        w = _GL_W[:, None] * u
        pdx = _pd_nonfluctuating(snr.ravel()[None, :] * (u / 2.0), t.ravel()[None, :], n)
        return (w * pdx).sum(axis=0).reshape(snr.shape)
    if swerling == 4:
        return _pd_swerling4_numeric(snr, t, n)
    raise ValueError(f"swerling must be one of {SWERLING_CASES}")


def _pd_swerling4_numeric(snr, t, n):
    """Swerling 4, n pulses, exact as a finite mixture.

    One square-law sample of a chi-square-4 target has the moment-generating function
    M(s) = (1 − s)/(1 − βs)², β = 1 + SNR/2, which splits as
    (1/β)(1 − βs)^-1 + (1 − 1/β)(1 − βs)^-2: with probability 1/β an exponential of
    mean β, else a Gamma(2, β).  The sum of n samples is then Gamma(n + K, β) with
    K ~ Binomial(n, 1 − 1/β), so Pd = Σ_k Binom(k) · Q(n + k, T/β).
    """
    from scipy import special, stats

    beta = 1.0 + 0.5 * snr
    k = np.arange(n + 1).reshape((-1,) + (1,) * snr.ndim)
    weights = stats.binom.pmf(k, n, 1.0 - 1.0 / beta)
    return np.clip((weights * special.gammaincc(n + k, t / beta)).sum(axis=0), 0.0, 1.0)


# ----------------------------------------------------------------------------- Pd, approximations


def snr_required_albersheim(pd, pfa, n_pulses: int = 1):
    """Albersheim's required SNR per pulse [linear], Swerling 0, n non-coherent pulses.

    SNR_dB = -5 log10 n + (6.2 + 4.54/√(n+0.44)) log10(A + 0.12 A B + 1.7 B),
    A = ln(0.62/Pfa), B = ln(Pd/(1-Pd)) (Albersheim 1981; Richards, FRSP 2005, §6.2.5).
    Stated accuracy ±0.2 dB for 1e-7 ≤ Pfa ≤ 1e-3, 0.1 ≤ Pd ≤ 0.9, 1 ≤ n ≤ 8096.
    """
    pd = np.asarray(pd, dtype=float)
    pfa = np.asarray(pfa, dtype=float)
    a = np.log(0.62 / pfa)
    b = np.log(pd / (1.0 - pd))
    snr_db = -5.0 * np.log10(n_pulses) + (6.2 + 4.54 / np.sqrt(n_pulses + 0.44)) * np.log10(
        a + 0.12 * a * b + 1.7 * b
    )
    return from_db(snr_db)


def pd_albersheim(snr, pfa, n_pulses: int = 1):
    """Albersheim's formula inverted in closed form for Pd (Swerling 0).

    Z = (SNR_dB + 5 log10 n)/(6.2 + 4.54/√(n+0.44)); B = (10^Z − A)/(1.7 + 0.12 A);
    Pd = 1/(1 + e^-B).  An approximation: see :func:`snr_required_albersheim`.
    """
    from scipy import special  # not at import: a run does not use it and it costs 0.25 s

    snr = np.asarray(snr, dtype=float)
    pfa = np.asarray(pfa, dtype=float)
    a = np.log(0.62 / pfa)
    with np.errstate(divide="ignore"):
        snr_db = 10.0 * np.log10(snr)
    z = (snr_db + 5.0 * np.log10(n_pulses)) / (6.2 + 4.54 / np.sqrt(n_pulses + 0.44))
    b = (10.0**z - a) / (1.7 + 0.12 * a)
    return special.expit(b)


def snr_required_shnidman(pd, pfa, n_pulses: int = 1, swerling: int = 1):
    """Shnidman's required SNR per pulse [linear] (Shnidman, IEEE Trans. AES 38(1), 2002).

    Valid (±0.5 dB quoted) for 0.1 ≤ Pd ≤ 0.99, 1e-9 ≤ Pfa ≤ 1e-3, 1 ≤ n ≤ 100.
    K = ∞, 1, n, 2, 2n for Swerling 0–4.
    """
    pd = np.asarray(pd, dtype=float)
    pfa = np.asarray(pfa, dtype=float)
    n = float(n_pulses)
    alpha = 0.0 if n < 40 else 0.25
    eta = np.sqrt(-0.8 * np.log(4.0 * pfa * (1.0 - pfa))) + np.sign(pd - 0.5) * np.sqrt(
        -0.8 * np.log(4.0 * pd * (1.0 - pd))
    )
    x_inf = eta * (eta + 2.0 * np.sqrt(n / 2.0 + (alpha - 0.25)))
    if swerling == 0:
        c_db = np.zeros_like(pd)
    else:
        k = {1: 1.0, 2: n, 3: 2.0, 4: 2.0 * n}[swerling]
        c1 = (((17.7006 * pd - 18.4496) * pd + 14.5339) * pd - 3.525) / k
        c2 = (np.exp(27.31 * pd - 25.14) + (pd - 0.8) * (0.7 * np.log(1e-5 / pfa) + (2.0 * n - 20.0) / 80.0)) / k
        c_db = np.where(pd <= 0.872, c1, c1 + c2)
    return from_db(c_db) * x_inf / n


def pd_shnidman(snr, pfa, n_pulses: int = 1, swerling: int = 1, *, iterations: int = 48):
    """Shnidman's formula inverted for Pd by bisection (vectorised).

    Returns NaN where the answer falls outside the formula's fitted domain
    0.1 ≤ Pd ≤ 0.99 — an approximation is not extrapolated silently.
    """
    snr = np.asarray(snr, dtype=float)
    pfa = np.broadcast_to(np.asarray(pfa, dtype=float), snr.shape)
    lo = np.full(snr.shape, 0.1)
    hi = np.full(snr.shape, 0.99)
    s_lo = snr_required_shnidman(lo, pfa, n_pulses, swerling)
    s_hi = snr_required_shnidman(hi, pfa, n_pulses, swerling)
    inside = (snr >= s_lo) & (snr <= s_hi)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        need = snr_required_shnidman(mid, pfa, n_pulses, swerling)
        up = need <= snr
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    return np.where(inside, 0.5 * (lo + hi), np.nan)


def snr_required_exact(pd, pfa, swerling: int = 1, n_pulses: int = 1):
    """Exact SNR per pulse [linear] for a given Pd, by root-finding :func:`pd_exact`."""
    from scipy.optimize import brentq

    pd_a, pfa_a = np.broadcast_arrays(np.asarray(pd, dtype=float), np.asarray(pfa, dtype=float))
    out = np.empty(pd_a.shape)
    for i, (p, f) in enumerate(zip(pd_a.ravel(), pfa_a.ravel(), strict=True)):

        def g(x_db, p=p, f=f):
            return float(pd_exact(from_db(x_db), f, swerling, n_pulses)) - p

        out.flat[i] = from_db(brentq(g, -30.0, 80.0, xtol=1e-10))
    return out
