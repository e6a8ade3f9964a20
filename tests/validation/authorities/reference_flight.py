"""A second, independent implementation of a powered flight: plain Python + scipy's DOP853.

Written from the physics (not from the compiled kernel): the same model — WGS-84 with
J2 gravity, Earth-fixed frame with Coriolis and centrifugal terms, 1976 atmosphere
from the same table, thrust with the back-pressure Isp correction, vertical rise,
linear pitch-over, gravity turn, stage drops, a reentry vehicle with a constant
ballistic coefficient — integrated by ``scipy.integrate.solve_ivp`` segment by
segment, with geodetic height by Bowring's iteration and impact by solve_ivp's event
location.  Used by the tests as an authority for boosted flight with drag, and by the
benchmark as the peer.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

MU = 3.986004418e14
A = 6_378_137.0
F = 1.0 / 298.257223563
B = A * (1 - F)
E2 = F * (2 - F)
J2 = 1.08262982131e-3
W = 7.292115e-5
G0 = 9.80665
P0 = 101_325.0


def geodetic(x, y, z):
    """(lat, lon, h) by Bowring's iteration (converges to < 1 um in a few passes)."""
    lon = math.atan2(y, x)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - E2))
    for _ in range(6):
        n = A / math.sqrt(1 - E2 * math.sin(lat) ** 2)
        h = p / math.cos(lat) - n
        lat = math.atan2(z, p * (1 - E2 * n / (n + h)))
    n = A / math.sqrt(1 - E2 * math.sin(lat) ** 2)
    h = p / math.cos(lat) - n
    return lat, lon, h


class Reference:
    """Flies one vehicle (a thaadsim ``Vehicle``'s numbers) with one steering choice."""

    def __init__(self, vehicle, table, cd_mach, cd_value, rotation=True, drag=True, rtol=1e-10):
        from scipy.interpolate import CubicSpline

        self.v = vehicle
        self.table = table
        # The same interpolants as the engine's (natural cubic splines through the same
        # tables), evaluated by scipy rather than by the kernel.
        heights = table.h0_m + table.dh_m * np.arange(len(table.ln_rho))
        self.ln_rho = CubicSpline(heights, table.ln_rho, bc_type="natural")
        self.ln_p = CubicSpline(heights, table.ln_p, bc_type="natural")
        self.sound = CubicSpline(heights, table.sound_m_s, bc_type="natural")
        self.cd = CubicSpline(np.asarray(cd_mach), np.asarray(cd_value), bc_type="natural")
        self.cd_range = (cd_mach[0], cd_mach[-1])
        self.rotation = rotation
        self.drag = drag
        self.rtol = rtol

    def air(self, h):
        t = self.table
        u = (h - t.h0_m) / t.dh_m
        if u >= len(t.ln_rho) - 1:
            return 0.0, 0.0, t.sound_m_s[-1]
        if u < 0:
            return (math.exp(t.ln_rho[0] + u * (t.ln_rho[1] - t.ln_rho[0])),
                    math.exp(t.ln_p[0] + u * (t.ln_p[1] - t.ln_p[0])), t.sound_m_s[0])
        return math.exp(float(self.ln_rho(h))), math.exp(float(self.ln_p(h))), float(self.sound(h))

    def rhs(self, t, s, phase, stage, kick, azimuth, t0):
        x, y, z, vx, vy, vz, m = s
        r2 = x * x + y * y + z * z
        r = math.sqrt(r2)
        k = -MU / r**3
        c = 1.5 * J2 * A * A / r2
        zz = z * z / r2
        acc = np.array([k * x * (1 + c * (1 - 5 * zz)), k * y * (1 + c * (1 - 5 * zz)), k * z * (1 + c * (3 - 5 * zz))])
        if self.rotation:
            acc += np.array([2 * W * vy + W * W * x, -2 * W * vx + W * W * y, 0.0])
        lat, lon, h = geodetic(x, y, z)
        rho, p, a = self.air(h)
        vel = np.array([vx, vy, vz])
        speed = np.linalg.norm(vel)
        mdot = 0.0
        if phase in ("vertical", "pitchover", "turn"):
            st = self.v.stages[stage]
            mdot = st.propellant_kg / st.burn_s
            thrust = mdot * G0 * (st.isp_vac_s - (st.isp_vac_s - st.isp_sl_s) * p / P0)
            up = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
            if phase == "vertical":
                d = up
            elif phase == "pitchover":
                north = np.array([-math.sin(lat) * math.cos(lon), -math.sin(lat) * math.sin(lon), math.cos(lat)])
                east = np.array([-math.sin(lon), math.cos(lon), 0.0])
                heading = math.cos(azimuth) * north + math.sin(azimuth) * east
                tilt = kick * min(max((t - t0) / self.v.pitchover_s, 0.0), 1.0)
                d = math.cos(tilt) * up + math.sin(tilt) * heading
            else:
                d = vel / speed
            acc += thrust / m * d
        if self.drag and rho > 0 and speed > 0:
            if phase == "free":
                acc -= 0.5 * rho * speed * vel / self.v.rv_beta_kg_m2
            else:
                cd = float(self.cd(min(max(speed / a, self.cd_range[0]), self.cd_range[1])))
                acc -= 0.5 * rho * speed * cd * self.v.reference_area_m2 / m * vel
        return [vx, vy, vz, acc[0], acc[1], acc[2], -mdot]

    def fly(self, r0, kick_rad, azimuth_rad, burn_fraction=1.0, t_max=14_400.0):
        """Impact state (t, x, y, z, vx, vy, vz) from a launch at ECEF position r0."""
        v = self.v
        s = np.array([*r0, 0.0, 0.0, 0.0, v.launch_mass_kg])
        t = 0.0
        segments = []
        for k, st in enumerate(v.stages):
            burn = st.burn_s * (burn_fraction if k == len(v.stages) - 1 else 1.0)
            if k > 0 and st.coast_before_s > 0:
                segments.append(("coast", k, t + st.coast_before_s))
                t += st.coast_before_s
            if k == 0:
                segments.append(("vertical", 0, v.vertical_rise_s))
                segments.append(("pitchover", 0, v.vertical_rise_s + v.pitchover_s))
            segments.append(("turn", k, t + burn))
            t += burn
        segments.append(("free", len(v.stages) - 1, t_max))
        t = 0.0

        def ground(tt, ss, *args):
            return geodetic(ss[0], ss[1], ss[2])[2]

        ground.terminal = True
        ground.direction = -1
        for phase, stage, t_end in segments:
            args = (phase, stage, kick_rad, azimuth_rad, t)
            sol = solve_ivp(self.rhs, (t, t_end), s, method="DOP853", rtol=self.rtol, atol=1e-6,
                            args=args, events=ground if phase == "free" else None)
            s = sol.y[:, -1].copy()
            t = sol.t[-1]
            if phase == "free":
                return np.array([sol.t_events[0][0], *sol.y_events[0][0][:6]])
            if phase == "turn":
                rest = v.payload_kg + sum(x.propellant_kg + x.dry_kg for x in v.stages[stage + 1:])
                s[6] = rest
        raise RuntimeError("no impact")
