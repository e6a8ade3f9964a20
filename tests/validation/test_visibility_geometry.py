"""Visibility of flown trajectories against closed forms and ordering laws.

Authority: ../shared/reference/formulas.md ("Line of sight from a radar"): a radar at
height h_r sees a target at height h_t out to √(2Rh_r) + √(2Rh_t) on a sphere of
radius R.  A missile flown at the radar from 1,000 km (sphere, no rotation, no drag,
no refraction, no elevation or SNR limit) must be first detected where its altitude
meets that horizon — within 3 % in altitude and one sample in time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.catalog.loader import missile, resolve_location
from thaadsim.earth import frames
from thaadsim.earth.constants import SPHERE_RADIUS_M as R
from thaadsim.flight.batch_aim import Shot, aim_min_energy
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import Launch, solve
from thaadsim.flight.vehicle import Vehicle
from thaadsim.sensors.radar import RadarModel
from thaadsim.sensors.visibility import SampledPaths, boresight_toward_deg, visibility

SITE = resolve_location("seongju", "--site")
DT = 0.5
AZ_OUT = 327.0  # the launch lies 1,000 km out along this azimuth from the radar


def _launch_point(earth: str, distance_m: float = 1.0e6):
    lat, lon, _ = frames.geodesic_forward(SITE.lat_deg, SITE.lon_deg, AZ_OUT, distance_m, earth=earth)
    return float(lat), float(lon)


@pytest.fixture(scope="module")
def sphere_flight():
    lat, lon = _launch_point("sphere")
    opts = FlightOptions(earth="sphere", rotation=False, drag=False)
    shots = [Shot("nodong", f"{lat:.6f},{lon:.6f}", f"{SITE.lat_deg},{SITE.lon_deg}")]
    aimed = aim_min_energy(shots, opts, sample_dt_s=DT)
    assert aimed.status == ["ok"]
    return aimed.flight


@pytest.fixture(scope="module")
def wgs84_flights():
    """From 1,000 km out toward Seongju: one aimed at the radar, one falling 400 km short."""
    lat, lon = _launch_point("wgs84")
    short_lat, short_lon = _launch_point("wgs84", 4.0e5)
    shots = [Shot("nodong", f"{lat:.6f},{lon:.6f}", f"{SITE.lat_deg},{SITE.lon_deg}"),
             Shot("nodong", f"{lat:.6f},{lon:.6f}", f"{short_lat:.6f},{short_lon:.6f}")]
    aimed = aim_min_energy(shots, FlightOptions(), sample_dt_s=1.0)
    assert aimed.status == ["ok", "ok"]
    return aimed.flight, (lat, lon)


def test_first_detection_at_the_radar_horizon(sphere_flight):
    base = RadarModel.from_catalog("an-tpy-2", "forward-based")
    radar = base.with_(earth="sphere", refraction_k=0.0, min_elevation_rad=math.radians(-10.0),
                       scan_limit_rad=math.radians(90.0), tilt_rad=0.0, face_az_rad=(math.radians(AZ_OUT),),
                       average_power_w=1e18, max_range_m=1e8, lat_deg=SITE.lat_deg, lon_deg=SITE.lon_deg,
                       alt_m=SITE.alt_m, site_label="test")
    vis = visibility(sphere_flight, radar, 1.0)
    assert vis.visible[0]
    # the horizon crossing from the closed form, along the sampled path
    paths = SampledPaths.from_flight(sphere_flight)
    h = paths.alt_m[0]
    _, _, s = frames.geodesic_inverse(SITE.lat_deg, SITE.lon_deg, paths.lat_deg[0], paths.lon_deg[0], earth="sphere")
    good = np.isfinite(h)
    margin = np.sqrt(2 * R * SITE.alt_m) + np.sqrt(2 * R * np.maximum(h, 0.0)) - s  # > 0: above the horizon
    k = int(np.argmax(good & (margin > 0)))
    assert k > 0 and margin[k - 1] < 0
    f = margin[k - 1] / (margin[k - 1] - margin[k])
    t_star = paths.times_s[k - 1] + f * DT
    h_star = h[k - 1] + f * (h[k] - h[k - 1])
    assert 20e3 < h_star < 120e3  # the horizon is met during the climb, well above the ground
    # formulas.md's small-height form: within a few % in time and altitude
    assert vis.first_detection_time_s[0] == pytest.approx(t_star, rel=0.02)
    assert vis.first_detection_altitude_m[0] == pytest.approx(h_star, rel=0.03)
    # the exact sphere form (sum of the tangent central angles): within one sample
    exact = R * (np.arccos(R / (R + SITE.alt_m)) + np.arccos(R / (R + np.maximum(h, 0.0)))) - s
    k2 = int(np.argmax(good & (exact > 0)))
    f2 = exact[k2 - 1] / (exact[k2 - 1] - exact[k2])
    t_exact = paths.times_s[k2 - 1] + f2 * DT
    assert t_exact <= vis.first_detection_time_s[0] <= t_exact + DT + 1e-9
    # seen from there to the end (nothing else limits this radar)
    assert vis.visible_duration_s[0] == pytest.approx(paths.times_s[good][-1] - vis.first_detection_time_s[0], abs=DT)
    assert vis.first_detection_altitude_m[0] <= vis.max_alt_m[0]


def test_trajectory_behind_the_face_is_never_visible(wgs84_flights):
    flight, (lat, lon) = wgs84_flights
    toward = boresight_toward_deg(SITE.lat_deg, SITE.lon_deg, lat, lon)
    for mode in ("terminal", "forward-based"):
        away = RadarModel.from_catalog("an-tpy-2", mode, site=SITE, boresight_az_deg=(toward + 180.0) % 360.0)
        vis = visibility(flight, away, 10.0)
        short = 1  # the flight that falls 400 km short stays in front of the site's other half-space
        assert not vis.visible[short]
        assert math.isnan(vis.first_detection_time_s[short]) and vis.visible_duration_s[short] == 0.0
        assert not vis.detectable[short].any()
        # the same flight with the face turned toward it is seen
        front = RadarModel.from_catalog("an-tpy-2", mode, site=SITE, boresight_az_deg=toward)
        assert visibility(flight, front, 10.0).visible[short]


@pytest.mark.parametrize("rcs", [0.01, 0.1, "warhead"])
def test_forward_based_sees_earlier_and_longer_than_terminal(wgs84_flights, rcs):
    flight, (lat, lon) = wgs84_flights
    az = boresight_toward_deg(SITE.lat_deg, SITE.lon_deg, lat, lon)
    term = visibility(flight, RadarModel.from_catalog("an-tpy-2", "terminal", site=SITE, boresight_az_deg=az), rcs)
    fwd = visibility(flight, RadarModel.from_catalog("an-tpy-2", "forward-based", site=SITE, boresight_az_deg=az),
                     rcs)
    for i in range(len(term)):
        assert fwd.visible[i]
        if term.visible[i]:
            assert fwd.first_detection_time_s[i] <= term.first_detection_time_s[i]
            assert fwd.visible_duration_s[i] >= term.visible_duration_s[i]
            assert fwd.first_detection_range_m[i] >= term.first_detection_range_m[i] - 1.0
        # every sample the terminal mode detects, the forward-based one detects too
        assert not (term.detectable[i] & ~fwd.detectable[i]).any()
    # a 0.01 m^2 warhead: the terminal mode's SNR limit shows
    if rcs == 0.01:
        assert (fwd.first_detection_time_s[0] < term.first_detection_time_s[0]) or not term.visible[0]


def test_batched_aiming_matches_solve():
    shots = [Shot("scud-er", "tongchang-ri", "busan"), Shot("df-31a", "shenyang", "guam")]
    aimed = aim_min_energy(shots, sample_dt_s=None)
    assert aimed.status == ["ok", "ok"]
    for i, s in enumerate(shots):
        a, b = resolve_location(s.origin, "f"), resolve_location(s.target, "t")
        ref = solve(Vehicle.from_missile(missile(s.missile)), Launch(a.lat_deg, a.lon_deg, a.alt_m), b.lat_deg,
                    b.lon_deg)
        assert aimed.miss_m[i] < 100.0
        assert aimed.azimuth_deg[i] == pytest.approx(ref.azimuth_deg % 360.0, abs=0.05)
        assert aimed.burn_fraction[i] == pytest.approx(ref.burn_fraction, rel=5e-3)
        assert aimed.kick_deg[i] == pytest.approx(ref.kick_deg, abs=1.5)
        assert aimed.flight.apogee_alt_m[i] == pytest.approx(float(ref.flight.apogee_alt_m[0]), rel=0.02)


def test_unreachable_shots_are_reported_not_flown():
    aimed = aim_min_energy([Shot("scud-er", "sunan", "guam"), Shot("scud-er", "sunan", "busan")], sample_dt_s=1.0)
    assert aimed.status[0] == "out of range" and aimed.status[1] == "ok"
    assert list(aimed.index) == [1] and len(aimed.flight) == 1
    assert math.isnan(aimed.kick_deg[0])
