"""The firing doctrines, declared once (fire control, the leakage model, the scenario
schema and the CLI all name them from here; a module of its own so that naming them
imports nothing heavy).

- ``shoot-shoot``: two interceptors at a threat at once;
- ``shoot-look-shoot``: one, then a second only if the kill assessment sees a miss.
"""

from __future__ import annotations

from typing import Literal, get_args

Doctrine = Literal["shoot-shoot", "shoot-look-shoot"]
DOCTRINES: tuple[str, ...] = get_args(Doctrine)
DEFAULT_DOCTRINE: Doctrine = "shoot-look-shoot"

__all__ = ["DEFAULT_DOCTRINE", "DOCTRINES", "Doctrine"]
