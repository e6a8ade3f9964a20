"""thaadsim — an open, physics-based simulator of a THAAD-type missile-defence system.

SI units inside (m, s, kg, rad); degrees and kilometres only at the edges, and then in
the name (``lat_deg``, ``range_km``).  Every catalog number carries its source.

The notebook API (:mod:`thaadsim.api`): ``load_scenario``, ``changed``, ``run`` and the
``Result`` they give.  It is imported on first use, so ``import thaadsim`` (and
``thaadsim --help``) loads no numba, scipy or matplotlib.
"""

from thaadsim._version import __version__
from thaadsim.errors import InputError, ThaadsimError

_API = ("Result", "changed", "load_scenario", "run")
__all__ = ["InputError", "ThaadsimError", "__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from thaadsim import api

        return getattr(api, name)
    raise AttributeError(f"module 'thaadsim' has no attribute {name!r}")
