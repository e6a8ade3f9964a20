"""thaadsim — an open, physics-based simulator of a THAAD-type missile-defence system.

SI units inside (m, s, kg, rad); degrees and kilometres only at the edges, and then in
the name (``lat_deg``, ``range_km``).  Every catalog number carries its source.
"""

from thaadsim.errors import ThaadsimError

__version__ = "0.1.0"
__all__ = ["ThaadsimError", "__version__"]
