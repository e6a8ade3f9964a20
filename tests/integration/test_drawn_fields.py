"""The fields a Monte Carlo study draws besides launch times, cross-sections and kill
probabilities: missile performance (burn time, Isp, propellant), aim error (CEP), radar
losses and noise temperature.  Each draw changes what it should and only that: a flight
field re-flies the truth and keeps the radars and batteries; a radar field keeps the truth
and changes each look's SNR by the radar equation's ratio.

Authorities: the radar equation (SNR proportional to 1 / (L T_s), Skolnik, Radar Handbook 3rd
ed., eq. 1.1: a 3 dB loss halves the SNR); the Tsiolkovsky rocket equation's sign (more Isp or
more propellant at the same steering: more velocity, a longer range); the circular normal
distribution (P(miss < CEP) = 1/2, CEP = sd sqrt(2 ln 2)); the geodesic (an aim point moved
20 km north moves the impact 20 km north, within the aiming's own miss).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from thaadsim.earth import frames
from thaadsim.scenario.loader import ScenarioFileError, parse_scenario
from thaadsim.scenario.runner import prepare, prepared_for, run_replica
from thaadsim.scenario.uncertainty import set_values

BASE = """\
name: drawn
seed: 2
threats:
  - {missile: scud-er, from: sunan, to: seongju}
radars:
  - {name: tpy2, site: seongju}
batteries:
  - {name: b1, site: seongju, radar: tpy2}
output: {false_alarms: false, coverage: false, footprints: false}
"""


@pytest.fixture(scope="module")
def nominal():
    return prepare(parse_scenario(BASE, "drawn.yaml"))


def _impact(prepared) -> tuple[float, float]:
    return prepared.truth.impact_lat_lon_deg(0)


def _distance_m(a, b) -> float:
    return float(frames.geodesic_inverse(a[0], a[1], b[0], b[1])[2])


@pytest.mark.parametrize(("field", "value", "longer"), [
    ("isp_factor", 1.05, True), ("propellant_factor", 0.9, False), ("burn_time_factor", 1.1, None)])
def test_a_performance_draw_re_flies_the_truth_and_keeps_the_rest(nominal, field, value, longer):
    drawn = set_values(nominal.scenario, {f"threats[0].{field}": value})
    made = prepared_for(nominal, drawn)
    assert made.truth.states is not nominal.truth.states  # re-flown
    assert made.battery_plans == nominal.battery_plans and made.radar_models == nominal.radar_models
    fb0, fb1 = nominal.truth.groups[0].flight, made.truth.groups[0].flight
    assert made.truth.groups[0].steering["azimuth_deg"] == nominal.truth.groups[0].steering["azimuth_deg"]
    v0, v1 = (float(fb.speed_gamma(fb.burnout)[0][0]) for fb in (fb0, fb1))
    if longer is None:
        # the same propellant burnt 10 % slower: more gravity loss, a slower burnout - by less than
        # g0 times the extra burn time (the bound of a vertical burn)
        from thaadsim.scenario.truth import flown_vehicle

        burnt_s = sum(st.burn_s for st in flown_vehicle(nominal.scenario.threats[0]).stages)
        burnt_s *= nominal.truth.groups[0].steering["burn_fraction"]
        assert 1.0 < v0 - v1 < 9.80665 * 0.1 * burnt_s
    else:
        assert (fb1.range_m[0] > fb0.range_m[0] + 10e3) if longer else (fb1.range_m[0] < fb0.range_m[0] - 10e3)
    assert _distance_m(_impact(made), _impact(nominal)) > 5e3  # steered for the catalog missile: a miss


def test_an_aim_error_moves_the_impact_by_itself(nominal):
    drawn = set_values(nominal.scenario, {"threats[0].aim_north_m": 20e3})
    made = prepared_for(nominal, drawn)
    lat0, lon0 = _impact(nominal)
    lat1, lon1 = _impact(made)
    az, _, dist = frames.geodesic_inverse(lat0, lon0, lat1, lon1)
    miss = nominal.truth.groups[0].steering["miss_m"] + made.truth.groups[0].steering["miss_m"]
    assert abs(float(dist) - 20e3) < miss + 200.0
    assert min(float(az) % 360.0, 360.0 - float(az) % 360.0) < 2.0  # north
    assert made.battery_plans == nominal.battery_plans


def test_cep_draws_a_circular_normal_aim_error():
    text = BASE.replace("to: seongju}", "to: seongju, cep_m: 900}")
    u = parse_scenario(text, "drawn.yaml").uncertainty
    assert [p.path for p in u.parameters] == ["threats[0].aim_north_m", "threats[0].aim_east_m"]
    rng = np.random.default_rng(5)
    draws = [u.draw(rng) for _ in range(20_000)]
    r = np.array([math.hypot(d["threats[0].aim_north_m"], d["threats[0].aim_east_m"]) for d in draws])
    assert abs((r < 900.0).mean() - 0.5) < 4 * 0.5 / math.sqrt(r.size)
    # a drawn CEP scales the aim error of its own run
    text = BASE.replace("to: seongju}", "to: seongju, cep_m: {uniform: {low: 0, high: 1000}}}")
    u = parse_scenario(text, "drawn.yaml").uncertainty
    d = u.draw(np.random.default_rng(1))
    assert set(d) == {"threats[0].cep_m", "threats[0].aim_north_m", "threats[0].aim_east_m"}
    drawn = u.scenario_with(d)
    assert drawn.threats[0].aim_north_m == d["threats[0].aim_north_m"]


def test_cep_and_an_aim_error_together_are_one_line_error():
    text = BASE.replace("to: seongju}", "to: seongju, cep_m: 900, aim_east_m: 10}")
    with pytest.raises(ScenarioFileError, match=r"^drawn.yaml:4: threats\[0\].aim_east_m: .*both cep_m"):
        parse_scenario(text, "drawn.yaml")


@pytest.mark.parametrize(("field", "value", "ratio"), [("losses_db", None, 10 ** -0.3),
                                                       ("noise_temperature_k", 2.0, 0.5)])
def test_radar_losses_and_noise_keep_the_truth_and_scale_the_snr(nominal, field, value, ratio):
    model = nominal.radar_models[0]
    new = 10 * math.log10(model.loss) + 3.0 if field == "losses_db" else model.noise_temperature_k * value
    made = prepared_for(nominal, set_values(nominal.scenario, {f"radars[0].{field}": new}))
    assert made.truth.states is nominal.truth.states and made.battery_plans is nominal.battery_plans  # not re-flown
    s0 = nominal.radar_plans[0].cases[0].geometry.look.snr
    s1 = made.radar_plans[0].cases[0].geometry.look.snr
    seen = s0 > 0
    assert seen.any() and np.allclose(s1[seen] / s0[seen], ratio, rtol=1e-9)
    assert any(a.name == field and a.source == "scenario file" for a in made.radar_models[0].assumptions)


def test_radar_losses_and_noise_cut_the_detections_and_delay_the_first(nominal):
    """The outcomes losses and noise should change: each alone leaves the radar fewer detections
    of the same flight; together (33 dB less SNR) it sees the missile much later."""
    from thaadsim.scenario.runner import simulate_prepared

    loss_db = 10 * math.log10(nominal.radar_models[0].loss)

    def seen(changes):
        made = prepared_for(nominal, set_values(nominal.scenario, changes)) if changes else nominal
        detections = simulate_prepared(made, 7)[1][0].detections
        return len(detections.truth_id), run_replica(made, 7).totals["first_detection_s"]

    base, first = seen({})
    lossy, _ = seen({"radars[0].losses_db": loss_db + 20.0})
    noisy, _ = seen({"radars[0].noise_temperature_k": 10_000.0})
    both, late = seen({"radars[0].losses_db": loss_db + 20.0, "radars[0].noise_temperature_k": 10_000.0})
    assert lossy < base and noisy < base and both < min(lossy, noisy)
    assert first is not None and (late is None or late > first + 60.0)


def test_a_radar_distribution_is_validated_in_the_file():
    text = BASE.replace("site: seongju}\nbatteries", "site: seongju, losses_db: {normal: {mean: 5, sd: 2}}}\n"
                        "batteries")
    with pytest.raises(ScenarioFileError, match=r"^drawn.yaml:6: radars\[0\].losses_db.normal: .*>= 0"):
        parse_scenario(text, "drawn.yaml")


def test_check_refuses_a_burn_time_whose_high_end_cannot_fly(tmp_path):
    """`scenario check` flies the distributions' ends: a Scud-ER burning 50 % slower, steered for
    the catalog missile, hits the ground under power - refused at the line of the distribution."""
    from tests.integration.inprocess import invoke

    path = tmp_path / "slow.yaml"
    path.write_text(BASE.replace("to: seongju}", "to: seongju,\n     burn_time_factor: {uniform: {low: 0.9, high: 1.5}}}"))
    code, _, stderr = invoke("scenario", "check", str(path))
    assert code == 2 and stderr.startswith(f"error: {path}:5: threats[0].burn_time_factor: ") and "high end" in stderr, \
        stderr


def test_a_study_draws_words_performance_and_aim_and_each_run_is_its_drawn_scenario():
    """Authority: the runner on the drawn scenario prepared from scratch - a run of the study,
    its truth taken from the study's cache or re-flown, equals it; the table holds the drawn
    words and numbers, the summary counts the words."""
    from thaadsim.studies import montecarlo as mc

    text = BASE.replace("to: seongju}", "to: seongju, cep_m: 400,\n     isp_factor: {uniform: {low: 0.98, high: 1.02}}}") \
        .replace("radar: tpy2}", "radar: tpy2,\n     doctrine: {choice: {values: [shoot-look-shoot, shoot-shoot]}}}")
    scenario = parse_scenario(text, "drawn.yaml")
    study = mc.run_study(scenario, 3, 9, batch_size=2)
    table = study.table
    assert set(table["draw:batteries[0].doctrine"]) <= {"shoot-look-shoot", "shoot-shoot"}
    assert table["draw:threats[0].aim_north_m"].abs().max() > 0
    counts = study.summary["draws"]["batteries[0].doctrine"]["counts"]
    assert sum(counts.values()) == 3
    for i in range(3):
        row = table.iloc[i]
        values = {c[len("draw:"):]: row[c] for c in table.columns if c.startswith("draw:")}
        again = run_replica(prepare(scenario.uncertainty.scenario_with(values)), int(row["seed"])).totals
        assert (again["leaked"], again["interceptors_fired"], again["intercepted"]) == (
            row["leaked"], row["interceptors_fired"], row["intercepted"])


@pytest.mark.parametrize("changes", [{"threats[0].launch_time_s": 30.0},
                                     {"threats[0].count": 2, "threats[0].spacing_s": 7.0}])
def test_a_launch_time_draw_places_the_same_flight_anew(nominal, changes):
    """Launch times, counts and spacings say when the missiles leave, not how they fly: the
    group's flight is kept (not flown again) and placed on the look grid at the drawn times.
    Authority: the drawn scenario prepared from scratch - the same truth, radar model (its
    boresight weighs the missiles per launch point) and plans, bit for bit, and the same run."""
    drawn = set_values(nominal.scenario, changes)
    made = prepared_for(nominal, drawn)
    fresh = prepare(drawn)
    assert made.truth.groups[0].flight is nominal.truth.groups[0].flight  # not flown again
    np.testing.assert_array_equal(made.truth.states, fresh.truth.states)
    np.testing.assert_array_equal(made.truth.launch_times_s, fresh.truth.launch_times_s)
    assert made.truth.states.shape != nominal.truth.states.shape or not np.array_equal(
        made.truth.states, nominal.truth.states, equal_nan=True)  # placed anew
    assert made.radar_models == fresh.radar_models and made.figures == fresh.figures
    np.testing.assert_array_equal(made.radar_plans[0].looks_s, fresh.radar_plans[0].looks_s)
    assert run_replica(made, 5).totals == run_replica(fresh, 5).totals
