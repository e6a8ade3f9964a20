"""The vacuum coast of a body from a given state: a Kepler ellipse about a point mass,
seen from the rotating Earth.

Authority: the two-body problem (Bate, Mueller & White, "Fundamentals of
Astrodynamics" (1971), ch. 1-2 and 4: eccentricity vector, conic equation, Kepler's
equation).  The state is taken in an inertial frame that coincides with the Earth-fixed
frame at the start (ground-relative velocity + omega x r); a point of the ellipse is
carried back into the Earth-fixed frame by the Earth's turn since the start, and its
geodetic height and ground distance from a site come from pyproj (WGS-84, GeographicLib
geodesics), not from thaadsim.  Constants are the published ones (WGS-84, NIMA TR8350.2
Table 3.1), typed here; it imports nothing from the engine.  What it leaves out: drag (start it above the sensible
atmosphere) and J2 (a 0.1 % force, metres over a two-minute coast).
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import Geod, Transformer
from scipy.optimize import brentq

MU = 3.986004418e14  # m^3/s^2, NIMA TR8350.2 Table 3.1
OMEGA = 7.292115e-5  # rad/s, NIMA TR8350.2 Table 3.1

_TO_GEODETIC = Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
_GEOD = Geod(ellps="WGS84")


def _geodetic(r):
    lon, lat, h = _TO_GEODETIC.transform(r[0], r[1], r[2])
    return lat, lon, h


class Coast:
    """The ascending branch of the vacuum coast from ECEF state (r0, v0) at time t0."""

    def __init__(self, r0, v0, t0: float = 0.0):
        r0 = np.asarray(r0, dtype=float)
        v0 = np.asarray(v0, dtype=float) + np.cross([0.0, 0.0, OMEGA], r0)
        self.t0 = float(t0)
        h = np.cross(r0, v0)
        self.p = float(h @ h) / MU
        e_vec = np.cross(v0, h) / MU - r0 / np.linalg.norm(r0)
        self.e = float(np.linalg.norm(e_vec))
        self.a = self.p / (1.0 - self.e**2)
        self.n = math.sqrt(MU / self.a**3)
        self.P = e_vec / self.e
        self.Q = np.cross(h / np.linalg.norm(h), self.P)
        cos0 = float(np.clip(self.P @ r0 / np.linalg.norm(r0), -1.0, 1.0))
        self.theta0 = math.acos(cos0) * (1.0 if r0 @ v0 >= 0.0 else -1.0)
        self.m0 = self._mean_anomaly(self.theta0)

    def _mean_anomaly(self, theta: float) -> float:
        big_e = 2.0 * math.atan(math.sqrt((1.0 - self.e) / (1.0 + self.e)) * math.tan(theta / 2.0))
        return big_e - self.e * math.sin(big_e)

    def at(self, theta: float) -> tuple[float, np.ndarray]:
        """(time, Earth-fixed position) at true anomaly theta (ascending branch, theta < pi)."""
        r = self.p / (1.0 + self.e * math.cos(theta))
        x = r * (math.cos(theta) * self.P + math.sin(theta) * self.Q)
        t = self.t0 + (self._mean_anomaly(theta) - self.m0) / self.n
        turn = OMEGA * (t - self.t0)  # the Earth turned by this much since the start
        c, s = math.cos(turn), math.sin(turn)
        return t, np.array([c * x[0] + s * x[1], -s * x[0] + c * x[1], x[2]])

    @property
    def apogee_theta(self) -> float:
        return math.pi

    def height_at(self, theta: float) -> float:
        return _geodetic(self.at(theta)[1])[2]

    def crossing(self, alt_m: float, site_lat_deg: float, site_lon_deg: float):
        """(time, ground distance from the site [m]) where the ascending branch first reaches
        the geodetic height ``alt_m``; None if it tops out below it."""
        hi = math.pi - 1e-9
        if self.height_at(hi) < alt_m or self.height_at(self.theta0) > alt_m:
            return None
        theta = brentq(lambda th: self.height_at(th) - alt_m, self.theta0, hi, xtol=1e-12)
        t, x = self.at(theta)
        lat, lon, _ = _geodetic(x)
        _, _, dist = _GEOD.inv(site_lon_deg, site_lat_deg, lon, lat)
        return t, float(dist)
