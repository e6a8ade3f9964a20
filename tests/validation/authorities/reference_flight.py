"""The independent reference flight lives in the package (``thaadsim validate`` uses it too)."""

from thaadsim.studies.authorities.reference_flight import *  # noqa: F401,F403
