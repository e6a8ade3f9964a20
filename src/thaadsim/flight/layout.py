"""The packed per-trajectory parameter vector that the compiled flight kernel reads.

One row of a float64 array per trajectory, so that a batch of different vehicles,
steering programs and launch directions goes through ``fly_batch`` in one call.
Names here are the only place the column numbers appear.
"""

from __future__ import annotations

MAX_STAGES = 3

N_STAGES = 0
PAYLOAD_KG = 1
RV_BETA_KG_M2 = 2
REF_AREA_M2 = 3
VERTICAL_RISE_S = 4
PITCHOVER_S = 5
KICK_RAD = 6
AZIMUTH_RAD = 7
BURN_FRACTION = 8
SEPARATION_ALT_M = 9
"""Geodetic altitude [m] at which the payload leaves the spent last stage; until then the
two coast as one stack with the booster's drag.  0: separation at burnout."""
STAGE0 = 10
"""Stage k occupies columns STAGE0 + STAGE_WIDTH*k + (one of the offsets below)."""
STAGE_WIDTH = 6
S_PROPELLANT_KG = 0
S_DRY_KG = 1
S_BURN_S = 2
S_ISP_SL_S = 3
S_ISP_VAC_S = 4
S_COAST_BEFORE_S = 5
N_PARAMS = STAGE0 + STAGE_WIDTH * MAX_STAGES

# Event table: one row of EVENT_WIDTH numbers per event: t, x, y, z, vx, vy, vz, m.
EVENT_WIDTH = 8
EV_BURNOUT0 = 0  # rows 0..MAX_STAGES-1: each stage's burnout (the last one ends powered flight)
EV_APOGEE = MAX_STAGES
EV_IMPACT = MAX_STAGES + 1
EV_SEPARATION = MAX_STAGES + 2  # payload leaves the spent last stage (NaN: separated at burnout)
N_EVENTS = MAX_STAGES + 3

# Integration steps per trajectory (FlightBatch.steps): accepted, rejected, and the genuine
# steps spent locating events inside accepted ones.
STEPS_ACCEPTED = 0
STEPS_REJECTED = 1
STEPS_EVENTS = 2
N_STEP_COUNTS = 3

# Outcome codes per trajectory.
STATUS_IMPACT = 0
STATUS_NO_IMPACT = 1  # still aloft at t_max (escape, orbit, or t_max too short)
STATUS_NO_LIFTOFF = 2  # thrust below weight at ignition
STATUS_BOOST_CRASH = 3  # fell back below the surface while powered
STATUS_STEP_LIMIT = 4  # the integrator's step budget ran out

STATUS_TEXT = {
    STATUS_IMPACT: "impact",
    STATUS_NO_IMPACT: "no impact before the time limit (escape or orbit?)",
    STATUS_NO_LIFTOFF: "thrust below weight at ignition: the missile cannot lift off",
    STATUS_BOOST_CRASH: "hit the ground while still under power (steering too shallow)",
    STATUS_STEP_LIMIT: "integrator step budget exhausted",
}
