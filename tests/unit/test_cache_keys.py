"""A disk cache's key hashes the source of every module its numbers run through: a module
those modules import and the list leaves out could change the numbers without changing the
key, and a stale table would be read as if fresh.  The list is checked against the imports
themselves (read from the source, functions' lazy imports included)."""

from __future__ import annotations

import ast
import importlib
import importlib.util

import pytest

CACHES = ("thaadsim.defense.flyout", "thaadsim.defense.footprint", "thaadsim.flight.batch_aim",
          "thaadsim.sensors.coverage")
NO_NUMBERS = ("thaadsim.errors", "thaadsim.jit", "thaadsim.diskcache")
"""Modules that shape no number: errors, the compile decorator, the cache's own writer."""
KEYED_BY_CONTENT = "thaadsim.catalog."
"""Catalog records enter each key as the numbers themselves, not as source."""


def _module_file(name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, AttributeError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py") or spec.origin.endswith("__init__.py"):
        return None
    return spec.origin


def _imported(name: str) -> set[str]:
    tree = ast.parse(open(_module_file(name), encoding="utf-8").read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("thaadsim"):
            found |= {c for c in [node.module, *(f"{node.module}.{a.name}" for a in node.names)] if _module_file(c)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("thaadsim") and _module_file(a.name)}
    return found


@pytest.mark.parametrize("cache", CACHES)
def test_a_cache_key_covers_every_module_its_numbers_run_through(cache):
    listed = set(importlib.import_module(cache)._SOURCE_MODULES)
    assert cache in listed
    missing = {m for name in listed for m in _imported(name)} - listed
    missing = {m for m in missing if m not in NO_NUMBERS and not m.startswith(KEYED_BY_CONTENT)}
    assert not missing, f"{cache}: the key leaves out {sorted(missing)}"
