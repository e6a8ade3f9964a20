"""Measurement models: radar range / azimuth / elevation (/ range rate) from a site on
the WGS-84 ellipsoid, and a linear position measurement (the textbook case).

Radar conventions (the radar room's ``Detections``): azimuth clockwise from geodetic
north in (-pi, pi], elevation above the local horizontal plane (normal to the
ellipsoid, no refraction - the tracker's model of an exo-atmospheric line of sight),
range rate positive for an opening range.  Measurement vector order:
``[range_m, az_rad, el_rad(, range_rate_m_s)]``.

Innovations wrap the azimuth into (-pi, pi]; elevation stays within [-pi/2, pi/2] and
needs no wrap.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from thaadsim.earth.constants import WGS84_A_M, WGS84_E2
from thaadsim.errors import InputError
from thaadsim.tracking import kernels


def wrap_angle(a):
    """Wrap angles [rad] into (-pi, pi]."""
    a = np.asarray(a, dtype=float)
    w = np.mod(a + np.pi, 2.0 * np.pi) - np.pi
    return np.where(w == -np.pi, np.pi, w)


def site_ecef(lat_deg: float, lon_deg: float, alt_m: float) -> np.ndarray:
    """ECEF position [m] of a geodetic point on WGS-84 (closed form, NIMA TR8350.2
    eq. 4-14); agrees with pyproj to well under a millimetre (unit test)."""
    lat = math.radians(lat_deg)
    lon = math.radians(lon_deg)
    n = WGS84_A_M / math.sqrt(1.0 - WGS84_E2 * math.sin(lat) ** 2)
    return np.array([
        (n + alt_m) * math.cos(lat) * math.cos(lon),
        (n + alt_m) * math.cos(lat) * math.sin(lon),
        (n * (1.0 - WGS84_E2) + alt_m) * math.sin(lat),
    ])


def enu_rotation(lat_deg: float, lon_deg: float) -> np.ndarray:
    """ECEF -> local ENU rotation (3, 3), rows east, north, up (geodetic normal)."""
    lat = math.radians(lat_deg)
    lon = math.radians(lon_deg)
    sl, cl = math.sin(lat), math.cos(lat)
    so, co = math.sin(lon), math.cos(lon)
    return np.array([[-so, co, 0.0], [-sl * co, -sl * so, cl], [cl * co, cl * so, sl]])


@dataclass(frozen=True)
class RadarSites:
    """One or more radar sites: ECEF positions (S, 3) and ECEF->ENU rotations (S, 3, 3)."""

    ecef_m: np.ndarray
    rotation: np.ndarray

    @classmethod
    def from_geodetic(cls, lat_deg, lon_deg, alt_m) -> RadarSites:
        lat = np.atleast_1d(np.asarray(lat_deg, dtype=float))
        lon = np.atleast_1d(np.asarray(lon_deg, dtype=float))
        alt = np.atleast_1d(np.asarray(alt_m, dtype=float))
        lat, lon, alt = np.broadcast_arrays(lat, lon, alt)
        if np.any(np.abs(lat) > 90.0) or not np.all(np.isfinite(lat + lon + alt)):
            raise InputError("radar site latitude must be within [-90, 90] deg and finite", field="site")
        ecef = np.array([site_ecef(a, b, c) for a, b, c in zip(lat, lon, alt, strict=True)])
        rot = np.array([enu_rotation(a, b) for a, b in zip(lat, lon, strict=True)])
        return cls(ecef.reshape(-1, 3), rot.reshape(-1, 3, 3))

    def __len__(self) -> int:
        return self.ecef_m.shape[0]


class MeasurementModel(ABC):
    """h(x) on a batch, its Jacobian, and the residual convention."""

    @property
    @abstractmethod
    def ndim_meas(self) -> int:
        """Number of measurement components."""

    @property
    @abstractmethod
    def angle_mask(self) -> np.ndarray:
        """Boolean (m,): components that are angles wrapped into (-pi, pi]."""

    @abstractmethod
    def function(self, X: np.ndarray, context=None) -> np.ndarray:
        """Noise-free measurements of a batch, (N, n) -> (N, m)."""

    @abstractmethod
    def function_with_jacobian(self, X: np.ndarray, context=None) -> tuple[np.ndarray, np.ndarray]:
        """Measurements and Jacobians dh/dx (N, m, n)."""

    def hessian(self, X: np.ndarray, context=None) -> np.ndarray:
        """Second derivatives d^2 h_i / dx_j dx_k, (N, m, n, n), by central differences of
        the analytic Jacobian (steps 1 m in position-like, 1e-3 in other components;
        the Jacobian varies on the scale of the range, so the truncation error is
        ~(step / range)^2).  Symmetrised."""
        X = np.asarray(X, dtype=float)
        N, n = X.shape
        e = np.where(np.arange(n) < 3, 1.0, 1e-3)
        # all 2n displaced copies in one batch call: rows (sign, j, k)
        Xd = np.repeat(np.repeat(X[None, None], 2, 0), n, 1)  # (2, n, N, n)
        idx = np.arange(n)
        Xd[0, idx, :, idx] += e[:, None]
        Xd[1, idx, :, idx] -= e[:, None]
        ctx = None if context is None else np.tile(np.broadcast_to(np.asarray(context), (N,)), 2 * n)
        J = self.function_with_jacobian(Xd.reshape(2 * n * N, n), ctx)[1].reshape(2, n, N, self.ndim_meas, n)
        Hs = np.moveaxis((J[0] - J[1]) / (2.0 * e[:, None, None, None]), 0, 3)  # (N, m, n, n)
        return 0.5 * (Hs + np.swapaxes(Hs, 2, 3))

    def second_order_prediction(self, X: np.ndarray, P: np.ndarray, context=None):
        """(z, Pzz, Pxz, H) of the second-order EKF (Athans, Wishner & Bertolini 1968):
        z_i = h_i + tr(Hess_i P) / 2, Pzz = H P H^T + tr(Hess_i P Hess_j P) / 2, Pxz =
        P H^T; angle components wrapped, Pzz symmetrised."""
        X = np.asarray(X, dtype=float)
        P = np.asarray(P, dtype=float)
        Z, H = self.function_with_jacobian(X, context)
        Pxz = P @ np.swapaxes(H, 1, 2)
        HP = self.hessian(X, context) @ P[:, None]  # (N, m, n, n)
        Z = Z + 0.5 * np.trace(HP, axis1=2, axis2=3)
        Pzz = H @ Pxz + 0.5 * np.einsum("kiab,kjba->kij", HP, HP)
        mask = self.angle_mask
        if mask.any():
            Z[:, mask] = wrap_angle(Z[:, mask])
        return Z, 0.5 * (Pzz + np.swapaxes(Pzz, 1, 2)), Pxz, H

    def residual(self, Z: np.ndarray, Zp: np.ndarray) -> np.ndarray:
        """Z - Zp with angle components wrapped into (-pi, pi]."""
        d = np.asarray(Z, dtype=float) - np.asarray(Zp, dtype=float)
        mask = self.angle_mask
        if mask.any():
            d = d.copy()
            d[..., mask] = wrap_angle(d[..., mask])
        return d


@dataclass(frozen=True)
class RadarMeasurementModel(MeasurementModel):
    """Range, azimuth, elevation (and range rate) from radar sites.

    ``context`` is an (N,) integer array: the site index of each state row (default:
    site 0 for every row).
    """

    sites: RadarSites
    with_range_rate: bool = False

    @property
    def ndim_meas(self) -> int:
        return 4 if self.with_range_rate else 3

    @property
    def angle_mask(self) -> np.ndarray:
        return np.array([False, True, False, False][: self.ndim_meas])

    def _index(self, n, context):
        if context is None:
            return np.zeros(n, dtype=np.int64)
        idx = np.ascontiguousarray(np.broadcast_to(np.asarray(context, dtype=np.int64), (n,)))
        return idx

    def function(self, X, context=None):
        X = np.ascontiguousarray(X, dtype=float)
        Z, _ = kernels.radar_measure(X, self.sites.ecef_m, self.sites.rotation, self._index(X.shape[0], context),
                                     self.with_range_rate, False)
        return Z

    def function_with_jacobian(self, X, context=None):
        X = np.ascontiguousarray(X, dtype=float)
        return kernels.radar_measure(X, self.sites.ecef_m, self.sites.rotation, self._index(X.shape[0], context),
                                     self.with_range_rate, True)

    def second_order_prediction(self, X, P, context=None):
        """As the base class, compiled in one pass (``kernels.radar_ekf2_prediction``);
        the base class's numpy path is its reference (unit test)."""
        X = np.ascontiguousarray(X, dtype=float)
        return kernels.radar_ekf2_prediction(X, np.ascontiguousarray(P, dtype=float), self.sites.ecef_m,
                                             self.sites.rotation, self._index(X.shape[0], context),
                                             self.with_range_rate)

    def to_cartesian(self, Z: np.ndarray, site_index=None) -> np.ndarray:
        """ECEF positions (M, 3) of measurements Z (M, >=3) (noise-free inverse of h)."""
        return self.cartesian(Z, None, site_index)[0]

    def cartesian_covariance(self, Z: np.ndarray, R: np.ndarray, site_index=None) -> np.ndarray:
        """Linearised ECEF position covariance (M, 3, 3) of measurements with noise R."""
        return self.cartesian(Z, R, site_index)[1]

    def cartesian(self, Z: np.ndarray, R: np.ndarray | None, site_index=None) -> tuple[np.ndarray, np.ndarray]:
        """(ECEF positions (M, 3), their linearised covariances (M, 3, 3), empty when R is
        None) of measurements Z (M, >=3) with noise R (M, >=3, >=3), in one compiled pass."""
        Z = np.ascontiguousarray(np.atleast_2d(np.asarray(Z, dtype=float)))
        idx = self._index(Z.shape[0], site_index)
        # R whole (the kernel reads its position block): a (M, 3, 3) copy of a 100,000-row R
        # cost more than the kernel
        Rc = np.zeros((0, 3, 3)) if R is None else np.ascontiguousarray(np.asarray(R, dtype=float))
        return kernels.radar_to_cartesian(Z, Rc, self.sites.ecef_m, self.sites.rotation, idx, R is not None)


@dataclass(frozen=True)
class LinearPositionMeasurement(MeasurementModel):
    """z = [x, y, z] of a state whose first three components are a position."""

    ndim_state: int = 6

    @property
    def ndim_meas(self) -> int:
        return 3

    @property
    def angle_mask(self) -> np.ndarray:
        return np.zeros(3, dtype=bool)

    def matrix(self) -> np.ndarray:
        H = np.zeros((3, self.ndim_state))
        H[:, :3] = np.eye(3)
        return H

    def function(self, X, context=None):
        return np.asarray(X, dtype=float)[:, :3].copy()

    def function_with_jacobian(self, X, context=None):
        X = np.asarray(X, dtype=float)
        return X[:, :3].copy(), np.broadcast_to(self.matrix(), (X.shape[0], 3, self.ndim_state)).copy()

    def hessian(self, X, context=None):
        X = np.asarray(X, dtype=float)
        return np.zeros((X.shape[0], 3, self.ndim_state, self.ndim_state))
