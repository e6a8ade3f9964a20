"""The vacuum-coast closed form lives in the package (``thaadsim validate`` uses it too)."""

from thaadsim.studies.authorities.vacuum_coast import *  # noqa: F401,F403
from thaadsim.studies.authorities.vacuum_coast import Coast  # noqa: F401
