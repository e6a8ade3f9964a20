"""Authorities written apart from the engine, for the tests and ``thaadsim validate``.

Nothing here imports the engine's rooms (earth, catalog, flight, sensors, tracking,
defense): an import-linter contract in pyproject.toml forbids it, so a physics error
planted in the engine cannot leak into the expectation it is checked against.  The
catalog's numbers come in as inputs, read from its YAML as plain numbers.
"""
