"""The order in which the suite's tests reach the xdist workers (``-n 2``, ``--dist worksteal``).

``worksteal`` hands worker ``i`` of ``n`` a contiguous share of the collection (the first
``len // n`` tests to the first, and so on) and, when a worker's queue runs dry, moves the tail
half of the longest queue to it.  So the suite's wall time is set by where the long tests sit:
left at the end of a share, one of them runs alone while the other worker has nothing left to
take.  :func:`order` lays the collection out so that the shares cost about the same and each
begins with its longest work, leaving the short tests at the tails for stealing to even out.

The costs are :data:`SECONDS`, measured; a test not listed costs :data:`DEFAULT_S`.  They are a
hint only: a wrong or stale figure moves a test to another place in the queue, never in or out
of the run.

The browser tests (:data:`BROWSER_LAST`) end the last share.  Tests that compile numba kernels
into a cache of their own (:data:`OWN_NUMBA_CACHE`) lead the last share: on a fresh clone (empty
numba cache) the other worker meanwhile compiles the package's kernels into the shared cache
once, instead of both workers compiling them at the same time.
"""

from __future__ import annotations

import re


def _under(module: str, costs: dict[str, float]) -> dict[str, float]:
    return {module + rest: seconds for rest, seconds in costs.items()}


# Set-up + call + teardown in seconds, per test (per parametrized case where a case is named, else
# each case of the function), 4 s and more: one worker of ``-n 2`` with a warm numba cache on the
# shared 2-core machine under load (2026-12-07, load ~6-7; roughly 2x a quiet run).  A module
# fixture's set-up counts in its first test.  tests/integration/test_validate_cli.py was timed alone
# in the same hour; the other figures come from two -n 2 runs (integration; unit, validation, web).
SECONDS: dict[str, float] = {
    **_under("tests/integration/test_cli_catalog.py", {
        "::test_catalog_json_carries_the_check_status_of_every_sourced_number": 11,
        "::test_catalog_sites_and_tests_json": 5,
        "::test_catalog_sources_lists_every_check_record": 7,
        "::test_catalog_tables_are_readable": 18,
        "::test_every_catalog_command_has_help": 4,
    }),
    **_under("tests/integration/test_cli_data_safety.py", {
        "::test_a_dangling_symlink_as_out_is_refused": 8,
        "::test_a_file_size_limit_is_one_line_exit_2_and_leaves_nothing": 29,
        "::test_a_second_run_into_a_locked_folder_is_refused_and_writes_nothing": 9,
        "::test_an_error_echoing_a_huge_number_names_its_digit_count": 9,
        "::test_an_interrupted_run_exits_130_or_143_with_one_line_and_leaves_nothing": 5,
        "::test_out_dot_inside_an_earlier_run_folder_is_refused_untouched": 22,
        "::test_png_that_cannot_be_written_is_one_line_exit_2": 6,
    }),
    **_under("tests/integration/test_cli_engage.py", {
        "::test_json_contract_and_seed_reproducibility": 20,
        "::test_kill_model_pn_reports_miss_and_its_assumption": 9,
    }),
    **_under("tests/integration/test_cli_flight.py", {
        "::test_bad_input_is_one_line_and_exit_2": 5,
        "::test_burnout_state_mode_matches_the_closed_form": 11,
        "::test_infer_range_from_a_catalog_test_names_the_catalog_figure_and_the_seed": 19,
        "::test_infer_range_json_contract": 24,
        "::test_min_energy_trajectory_reports_the_closed_form_apogee": 34,
        "::test_trajectory_json_contract": 13,
        "::test_unreachable_aim_names_the_maximum_range": 15,
    }),
    **_under("tests/integration/test_cli_footprint.py", {
        "::test_bad_input_is_one_line_exit_2": 8,
        "::test_footprint_json_contract_and_map": 25,
    }),
    **_under("tests/integration/test_cli_radar.py", {
        "::test_bad_input_is_one_line_exit_2": 4,
        "::test_coverage_json_contract_and_png": 37,
        "::test_radar_json_contract": 9,
    }),
    **_under("tests/integration/test_cli_track.py", {
        "::test_bad_input_is_one_line_and_exit_2": 9,
        "::test_json_contract_and_seed_reproducibility": 33,
    }),
    **_under("tests/integration/test_cli_visibility.py", {
        "::test_analysis_commands_reduced": 14,
        "::test_visibility_json_contract": 14,
        "::test_visibility_table_rcs_and_behind_the_face": 5,
    }),
    **_under("tests/integration/test_figure_text.py", {
        "::test_no_text_overlaps_in_a_builtins_figures": 4,
        "::test_no_text_overlaps_in_a_builtins_figures[china-icbm]": 29,
        "::test_no_text_overlaps_in_a_builtins_figures[hwasong-15]": 8,
        "::test_no_text_overlaps_in_a_builtins_figures[march-2017]": 5,
        "::test_no_text_overlaps_in_a_builtins_figures[saturation]": 6,
    }),
    **_under("tests/integration/test_fuzz.py", {
        "::test_scenario_check_never_crashes": 124,
    }),
    **_under("tests/integration/test_montecarlo.py", {
        "::test_a_killed_worker_loses_no_run": 37,
        "::test_check_refuses_a_distribution_whose_high_end_cannot_fly": 8,
        "::test_montecarlo_command": 12,
        "::test_table_contract": 7,
    }),
    **_under("tests/integration/test_no_internal_paths.py", {
        "::test_help_cites_no_internal_file": 8,
    }),
    **_under("tests/integration/test_notebook_api.py", {
        "::test_the_worked_example_answers_the_question": 9,
    }),
    **_under("tests/integration/test_one_chain.py", {
        "::test_same_detections_and_tracks": 12,
    }),
    **_under("tests/integration/test_progress.py", {
        "::test_progress_off_leaves_stderr_empty": 18,
        "::test_replay_json_piped_keeps_stdout_whole_and_reports_each_test_on_stderr": 60,
        "::test_run_piped_shows_its_stages_on_stderr_and_json_on_stdout": 29,
    }),
    **_under("tests/integration/test_readme_commands.py", {
        "::test_readme_command_runs": 1,
        "::test_readme_command_runs[analysis china-icbm --png china.png]": 36,
        "::test_readme_command_runs[analysis nk-launches --png nk.png]": 51,
        "::test_readme_command_runs[coverage --radar an-tpy-2 --mode forward-based --site seongju"
            " --rcs-m2 0.01 --altitude-km 300 --png cov.png]": 21,
        "::test_readme_command_runs[footprint --battery-site seongju --missile scud-er --from sinpo"
            " --png footprint.png]": 14,
        "::test_readme_command_runs[infer-range --apogee-km 4475 --range-km 950 --flight-time-s 3180"
            " --toward washington]": 35,
        "::test_readme_command_runs[montecarlo my-scenario.yaml --runs 1000 --workers 2]": 23,
        "::test_readme_command_runs[run korea-salvo --out runs/korea --seed 3]": 4,
        "::test_readme_command_runs[run korea-salvo]": 4,
        "::test_readme_command_runs[sweep korea-salvo --param batteries[0].sspk=0.6:0.9:0.1 --param"
            " batteries[0].doctrine=shoot-shoot,shoot-look-shoot --runs 200 --workers 2]": 47,
        "::test_readme_command_runs[sweep saturation --runs 100]": 25,
        "::test_readme_command_runs[trajectory --missile hwasong-15 --from pyongsong --to washington --json]": 16,
        "::test_readme_command_runs[trajectory --missile scud-er --from tongchang-ri --to 39.8,134.5"
            " --profile lofted --apogee-km 350]": 5,
        "::test_readme_command_runs[validate]": 74,
        "::test_readme_command_runs[visibility --radar an-tpy-2 --mode terminal --site seongju"
            " --missile nodong --from sinpo --to busan]": 7,
    }),
    **_under("tests/integration/test_run_imports.py", {
        "::test_a_run_imports_only_what_it_uses": 10,
    }),
    **_under("tests/integration/test_scenario_cli.py", {
        "::test_check_of_a_builtin_and_of_a_broken_file": 15,
        "::test_missing_file_is_one_line_with_close_builtin_names": 6,
        "::test_schema_lists_fields_and_json_schema_has_aliases": 5,
    }),
    **_under("tests/integration/test_scenario_run.py", {
        "::test_same_seed_gives_byte_identical_summary": 4,
    }),
    **_under("tests/integration/test_sweep_cli.py", {
        "::test_a_sweep_on_dask_workers_gives_the_same_figures": 40,
        "::test_an_interrupted_sweep_resumes_counting_each_run_once": 8,
        "::test_run_on_a_sweep_block_runs_the_study_and_says_how_many_runs": 12,
        "::test_sweep_writes_its_folder": 6,
        "::test_the_api_the_cli_and_the_web_app_give_one_sweep_answer": 29,
    }),
    **_under("tests/integration/test_validate_cli.py", {
        "::test_a_failing_row_exits_2_with_one_line_naming_it": 62,
        "::test_a_failing_row_keeps_the_json_shape": 29,
        "::test_quick_json_is_a_list_of_rows_and_every_row_passes": 28,
        "::test_quick_text_report_groups_rows_by_kind_with_counts": 39,
    }),
    **_under("tests/unit/test_aim_cache.py", {
        "::test_cached_steering_flies_the_searched_flight": 4,
    }),
    **_under("tests/unit/test_bundle.py", {
        "::test_a_failing_writer_leaves_no_folder_and_the_earlier_run_intact": 12,
        "::test_bundle_writes_every_file_then_replaces_an_earlier_run": 16,
    }),
    **_under("tests/unit/test_defense_kernels.py", {
        "::test_homing_kernel_matches_numpy_rk4": 5,
    }),
    **_under("tests/unit/test_footprint_cache.py", {
        "::test_cached_footprint_equals_the_computed_one": 5,
        "::test_damaged_file_is_flown_again": 10,
        "::test_inputs_the_edges_depend_on_get_their_own_file": 11,
    }),
    **_under("tests/unit/test_kernel_twins.py", {
        "::test_serial_twins_keep_their_own_cache_entries": 136,
    }),
    **_under("tests/unit/test_lint.py", {
        "::test_mypy_finds_nothing_in_the_public_api": 47,
    }),
    **_under("tests/unit/test_run_folder_safety.py", {
        "::test_an_earlier_run_is_replaced_and_its_neighbours_kept": 4,
        "::test_stale_staging_folder_of_a_killed_run_is_cleaned_by_the_next": 6,
    }),
    **_under("tests/unit/test_scenario_schema.py", {
        "::test_every_builtin_threat_is_within_its_missiles_reach": 24,
    }),
    **_under("tests/unit/test_uncertainty.py", {
        "::test_triangular_and_lognormal_laws": 5,
    }),
    **_under("tests/unit/test_validation_lofted.py", {
        "::test_a_weaker_engine_technology_is_caught": 10,
        "::test_rows_agree_and_are_complete": 21,
    }),
    **_under("tests/unit/test_validation_set.py", {
        "::test_quick_set_runs_and_covers_every_category": 34,
    }),
    **_under("tests/validation/test_defense_envelope.py", {
        "::test_threat_aimed_1000_km_away_has_no_opportunity": 7,
        "::test_threat_aimed_at_the_battery_is_engaged_inside_the_window": 5,
    }),
    **_under("tests/validation/test_defense_footprint.py", {
        "::test_battery_site_lies_inside_its_footprint": 35,
        "::test_faster_threat_gives_a_smaller_footprint": 17,
    }),
    **_under("tests/validation/test_defense_interceptor.py", {
        "::test_flyout_table_agrees_with_direct_flights_within_1_percent": 11,
    }),
    **_under("tests/validation/test_infer_range.py", {
        "::test_published_estimate_inside_the_joint_band[2017-05-14-hwasong-12]": 8,
        "::test_published_estimate_inside_the_joint_band[2017-07-04-hwasong-14]": 10,
        "::test_published_estimate_inside_the_joint_band[2017-07-28-hwasong-14]": 15,
        "::test_published_estimate_inside_the_joint_band[2017-11-29-hwasong-15]": 11,
        "::test_same_seed_same_answer_other_seed_overlaps": 12,
    }),
    **_under("tests/validation/test_interceptor_flyout_independent.py", {
        "::test_flyout_time_and_speed_at_intercept_agree_with_scipy_reference_within_1_percent": 6,
    }),
    **_under("tests/validation/test_lofted_consistency.py", {
        "::test_catalog_figure_inside_the_reverse_band": 6,
    }),
    **_under("tests/validation/test_montecarlo_vs_analytic.py", {
        "::test_monte_carlo_leakage_matches_the_one_layer_model": 12,
        "::test_monte_carlo_leakage_matches_the_one_layer_model_across_salvo_sizes": 69,
    }),
    **_under("tests/validation/test_replays_2017.py", {
        "::test_every_catalog_test_is_replayed": 11,
    }),
    **_under("tests/validation/test_tracking_coverage.py", {
        "::test_enough_runs_give_a_confirmed_track": 9,
    }),
    **_under("tests/validation/test_tracking_stonesoup.py", {
        "::test_position_rmse_agrees_with_stonesoup_within_5_percent": 5,
    }),
    **_under("tests/validation/test_tracking_validate_rows.py", {
        "::test_rows_agree_and_are_self_consistency_rows": 5,
    }),
    **_under("tests/validation/test_validate_catches_plants.py", {
        "::test_validate_catches_a_planted_constant[j2_sign_flipped]": 20,
        "::test_validate_catches_a_planted_constant[j2_zero]": 11,
        "::test_validate_catches_a_planted_constant[rotation_rate_plus_1_percent]": 12,
    }),
    **_under("tests/validation/test_visibility_geometry.py", {
        "::test_batched_aiming_matches_solve": 10,
    }),
    **_under("tests/web/test_api.py", {
        "::test_a_stopped_run_leaves_no_folder_even_if_its_interrupt_was_lost": 5,
        "::test_limits": 6,
        "::test_run_matches_the_cli": 6,
    }),
    **_under("tests/web/test_api_studies.py", {
        "::test_studies_share_the_run_queue_and_its_limits": 4,
        "::test_study_matches_the_engine": 8,
    }),
    **_under("tests/web/test_e2e_browser.py", {
        "::test_korea_salvo_in_the_browser": 57,
        "::test_study_in_the_browser": 33,
        "::test_two_runs_on_two_globes": 98,
    }),
}

OWN_NUMBA_CACHE = (
    "tests/unit/test_kernel_twins.py::test_serial_twins_keep_their_own_cache_entries",
    "tests/validation/test_validate_catches_plants.py::test_validate_catches_a_planted_constant",
)

BROWSER_LAST = ("tests/web/test_e2e_browser.py",)
"""Modules that end the last share instead of leading it: software-WebGL screenshots time out in
the renderer when the other worker runs CPU-heavy tests beside them (the README's sweeps with
their Dask workers: seen in a -n 2 run with the browser module early); at the end the other
worker is out of long work."""

DEFAULT_S = 0.3
LONG_S = 5.0  # a unit at least this long is placed by its cost; shorter ones keep their order


def _function(nodeid: str) -> str:
    return re.sub(r"\[.*\]$", "", nodeid)


def cost(nodeid: str) -> float:
    return SECONDS.get(nodeid, SECONDS.get(_function(nodeid), DEFAULT_S))


def _units(items, key) -> list[list]:
    """Runs of consecutive tests with the same ``key`` (a shared run they read, else their module)."""
    units: list[list] = []
    for item in items:
        if units and key(units[-1][0]) == key(item):
            units[-1].append(item)
        else:
            units.append([item])
    return units


def shares(total: int, workers: int) -> list[int]:
    """How many tests worksteal's first distribution gives each worker (all idle at the start)."""
    sizes = []
    for i in range(workers):
        sizes.append(total // (workers - i))
        total -= sizes[-1]
    return sizes


def order(items, workers: int, key) -> list:
    """``items`` laid out in ``workers`` shares of worksteal's sizes, balanced by cost (longest
    unit first to the cheapest share with room), each share's long units first (longest first),
    then its short ones in their collected order.  Every item appears once."""
    units = _units(items, key)
    size = shares(len(items), workers)
    room = list(size)
    load = [0.0] * workers
    placed: list[list[tuple[int, list]]] = [[] for _ in range(workers)]  # (collected position, unit)

    def unit_cost(unit) -> float:
        return sum(cost(i.nodeid) for i in unit)

    def own_cache(unit) -> bool:
        return any(_function(i.nodeid) in OWN_NUMBA_CACHE for i in unit)

    def last(unit) -> bool:
        return any(i.nodeid.split("::")[0] in BROWSER_LAST for i in unit)

    def put(position: int, unit: list, share: int) -> None:
        placed[share].append((position, unit))
        room[share] -= len(unit)
        load[share] += unit_cost(unit)

    positions = {id(u): n for n, u in enumerate(units)}
    first = [u for u in units if own_cache(u) or last(u)]
    rest = sorted((u for u in units if not (own_cache(u) or last(u))),
                  key=lambda u: (-unit_cost(u), positions[id(u)]))
    for unit in first:  # the last share: started while the first compiles the package's kernels
        put(positions[id(unit)], unit, workers - 1)
    for unit in rest:
        position = positions[id(unit)]
        for share in sorted(range(workers), key=lambda s: (load[s], s)):
            if room[share] >= len(unit):
                put(position, unit, share)
                break
        else:  # no share has room for it whole (short units, at the end): split it over the shares
            for share in range(workers):
                if room[share] > 0 and unit:
                    put(position, unit[:room[share]], share)
                    unit = unit[len(placed[share][-1][1]):]
    out = []
    for share in range(workers):
        lead = [u for _, u in placed[share] if own_cache(u)]
        end = [u for _, u in placed[share] if last(u)]
        middle = [pu for pu in placed[share] if not (own_cache(pu[1]) or last(pu[1]))]
        long = sorted((pu for pu in middle if unit_cost(pu[1]) >= LONG_S), key=lambda pu: (-unit_cost(pu[1]), pu[0]))
        short = sorted((pu for pu in middle if unit_cost(pu[1]) < LONG_S), key=lambda pu: pu[0])
        share_items = [i for u in [*lead, *(u for _, u in long), *(u for _, u in short), *end] for i in u]
        assert len(share_items) == size[share]
        out.extend(share_items)
    assert sorted(map(id, out)) == sorted(map(id, items))
    return out
