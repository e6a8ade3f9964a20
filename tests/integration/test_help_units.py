"""Every option's ``--help`` shows its unit: typer renders help through rich markup, which
read ``[m^2]`` or ``[km]`` as a style tag and dropped it (issue 14).  The help is rendered
in-process, as a user sees it on a wide terminal."""

from __future__ import annotations

import re

import pytest

from tests.integration.inprocess import invoke
from thaadsim.cli.options import limit_for, numeric_options


def _units_by_command() -> dict[str, list[tuple[str, str]]]:
    from thaadsim.cli.main import _command

    table: dict[str, list[tuple[str, str]]] = {}
    for path, param in numeric_options(_command()):
        option = max(param.opts, key=len)
        limit = limit_for(path.split()[-1], option) or limit_for(path.split()[-1], param.opts[0])
        if limit is not None and limit.unit:
            table.setdefault(path, []).append((option, limit.unit))
    return table


UNITS = _units_by_command()


def test_the_table_covers_the_options_with_units():
    """The check below sees the options that carry units (a walk that found none would pass)."""
    flat = {(c, o) for c, opts in UNITS.items() for o, _ in opts}
    assert ("coverage", "--rcs-m2") in flat and ("coverage", "--altitude-km") in flat
    assert len(flat) >= 20


@pytest.mark.parametrize("command", sorted(UNITS))
def test_every_option_shows_its_unit(command):
    code, out, err = invoke(*command.split(), "--help", env={"COLUMNS": "400", "TERM": "dumb"})
    assert code == 0, err
    rows = {}
    for line in out.splitlines():
        match = re.search(r"(--[a-z0-9-]+)", line)
        if match:
            rows[match.group(1)] = line
    missing = []
    for option, unit in UNITS[command]:
        row = next((text for name, text in rows.items() if name == option or f"{option}," in text
                    or f",{option}" in text), "")
        if not re.search(rf"\[{re.escape(unit)}[] ]", row):  # [km] or [deg from north]
            missing.append(f"{option} [{unit}]: {row.strip()[:160]!r}")
    assert not missing, f"thaadsim {command} --help: " + "; ".join(missing)


def test_markup_escape_keeps_the_text():
    """Escaping changes what rich reads, not what a reader sees."""
    from rich.text import Text

    from thaadsim.cli.options import escape_markup

    for text in ("Target radar cross-section [m^2].", "Apogee [km] (default: [the test's])", "LAT,LON[,ALT_M]"):
        assert Text.from_markup(escape_markup(text)).plain == text
