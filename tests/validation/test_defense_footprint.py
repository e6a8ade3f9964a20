"""Defended footprint (Wilkening's sense) of a THAAD battery at Seongju.

Authorities:
- D. Wilkening, "A Simple Model for Calculating Ballistic Missile Defense
  Effectiveness", Science & Global Security 8 (2000) 183-215, and "Airborne
  Boost-Phase Ballistic Missile Defense" / his THAAD footprint discussions: a terminal
  defence's footprint contains the defended battery, shrinks as the threat's
  reentry speed grows (longer-range threats), and a shoot-look-shoot footprint lies
  inside the single-shot one.
- The geometry of the envelope (interceptors.yaml: 200 km range limit, 40-150 km
  window): an intercept lies within the range limit of the battery, and the threat
  covers at most ~2 x 150 km of ground below the window's top (reentry steeper than
  26.6 deg for Scud-class minimum-energy flights of 300-1,000 km), which bounds the
  forward and rear extents.
- Area: a planar triangle fan of the per-azimuth extents (closed form on the tangent
  plane) against the geodesic area (Karney, pyproj) — within 2 % at these sizes.
"""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from thaadsim.defense.battery import Battery
from thaadsim.defense.envelope import Envelope
from thaadsim.defense.footprint import defended_footprint
from thaadsim.earth import frames
from thaadsim.errors import UnknownNameError, UnreachableError


@pytest.fixture(scope="module")
def battery():
    return Battery.from_catalog(site="seongju")


@pytest.fixture(scope="module")
def envelope(battery):
    return Envelope.for_battery(battery)


@pytest.fixture(scope="module")
def fp(battery, envelope):
    """Scud-ER from Sinpo against the battery at Seongju, default grid."""
    return defended_footprint(battery, "scud-er", "sinpo", envelope=envelope)


def _inside(lat, lon, ring) -> bool:
    """Ray casting in (lon, lat) — adequate for rings a few degrees across."""
    x, y = ring[:, 1], ring[:, 0]
    inside = False
    for i in range(len(ring) - 1):
        if (y[i] > lat) != (y[i + 1] > lat):
            xc = x[i] + (lat - y[i]) * (x[i + 1] - x[i]) / (y[i + 1] - y[i])
            if lon < xc:
                inside = not inside
    return inside


def test_battery_site_lies_inside_its_footprint(fp, battery):
    assert fp.battery_defended_once
    assert _inside(battery.lat_deg, battery.lon_deg, fp.polygon)
    assert fp.area_km2 > 0


def test_extents_are_bounded_by_the_envelope(fp, battery):
    m = battery.interceptor
    bound = m.max_range_m + 2.0 * m.max_alt_m
    for value in (fp.forward_m, fp.rear_m, fp.twice_forward_m, fp.twice_rear_m):
        assert 0.0 <= value < bound
    assert np.all(fp.once_extent_m < bound)
    # the extent toward the threat is limited by the envelope's reach, the rear one is not:
    # threats aimed behind the battery pass over it inside the window (Wilkening's shape)
    assert fp.forward_m < m.max_range_m
    assert fp.rear_m > fp.forward_m
    assert fp.counts["azimuths_reaching_grid_edge"] == 0


def test_twice_defended_lies_inside_once_defended(fp):
    assert 0.0 < fp.twice_area_km2 <= fp.area_km2
    assert np.all(fp.twice_extent_m <= fp.once_extent_m)
    assert fp.twice_forward_m <= fp.forward_m and fp.twice_rear_m <= fp.rear_m
    strictly = fp.twice_extent_m < 0.98 * fp.once_extent_m
    for (lat, lon), keep in zip(fp.twice_polygon[:-1], strictly, strict=True):
        if keep:
            assert _inside(lat, lon, fp.polygon)


def test_polygon_closed_and_area_consistent(fp):
    ring = fp.polygon
    assert ring.shape[1] == 2 and len(ring) == len(fp.azimuth_deg) + 1
    assert np.array_equal(ring[0], ring[-1])
    geod = pyproj.Geod(ellps="WGS84")
    area, _ = geod.polygon_area_perimeter(ring[:, 1], ring[:, 0])
    assert abs(area) / 1e6 == pytest.approx(fp.area_km2, rel=1e-9)
    # vertices lie at the reported extents from the battery
    _, _, d = frames.geodesic_inverse(fp.battery.lat_deg, fp.battery.lon_deg, ring[:-1, 0], ring[:-1, 1])
    assert np.allclose(d, fp.once_extent_m, atol=1.0)
    r = fp.once_extent_m
    fan = 0.5 * np.sum(r * np.roll(r, -1)) * np.sin(np.radians(360.0 / len(r))) / 1e6
    assert fp.area_km2 == pytest.approx(fan, rel=0.02)


def test_faster_threat_gives_a_smaller_footprint(battery, envelope):
    """Wilkening: footprints shrink with threat speed. Scud-ER from ~300 km and from ~600 km
    up the same axis (reentry ~2.2 vs ~3 km/s); a coarse grid keeps the test short."""
    axis, _, _ = frames.geodesic_inverse(battery.lat_deg, battery.lon_deg, 39.66, 124.705)  # tongchang-ri
    grid = dict(n_azimuths=8, max_range_m=360e3, range_step_m=40e3, refine_steps=2, envelope=envelope)
    out = {}
    for d_km in (300.0, 600.0):
        lat, lon, _ = frames.geodesic_forward(battery.lat_deg, battery.lon_deg, float(axis), d_km * 1e3)
        out[d_km] = defended_footprint(battery, "scud-er", f"{float(lat)},{float(lon)}", **grid)
        assert out[d_km].counts["not_threatened"] == 0  # every aim point within the missile's reach
    assert out[600.0].area_km2 < out[300.0].area_km2
    assert out[600.0].twice_area_km2 < out[300.0].twice_area_km2


def test_bad_input(battery):
    with pytest.raises(UnknownNameError):
        defended_footprint(battery, "no-such-missile", "sinpo")
    with pytest.raises(UnreachableError, match="out of range"):
        defended_footprint(battery, "scud-er", "50.0,125.0")
