"""Imports every command module so that each registers its commands on ``app``."""

from thaadsim.cli import catalog_cmds, flight_cmds  # noqa: F401
from thaadsim.cli import radar_cmds  # noqa: F401
from thaadsim.cli import track_cmds  # noqa: F401
from thaadsim.cli import visibility_cmds  # noqa: F401
from thaadsim.cli import footprint_cmds  # noqa: F401
from thaadsim.cli import engage_cmds  # noqa: F401
from thaadsim.cli import run_cmds  # noqa: F401
from thaadsim.cli import scenario_cmds  # noqa: F401
from thaadsim.cli import validate_cmds  # noqa: F401
