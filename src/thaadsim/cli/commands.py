"""Imports every command module so that each registers its commands on ``app``."""

from thaadsim.cli import (  # noqa: F401
    catalog_cmds,
    engage_cmds,  # noqa: F401
    flight_cmds,
    footprint_cmds,  # noqa: F401
    montecarlo_cmds,  # noqa: F401
    radar_cmds,  # noqa: F401
    run_cmds,  # noqa: F401
    scenario_cmds,  # noqa: F401
    serve_cmds,  # noqa: F401
    sweep_cmds,  # noqa: F401
    track_cmds,  # noqa: F401
    validate_cmds,  # noqa: F401
    visibility_cmds,  # noqa: F401
)
