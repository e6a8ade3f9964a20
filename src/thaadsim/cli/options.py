"""CLI options shared by several commands, declared once.

The detection convention (``sensors/convention.py``): ``--pd`` (also spelled
``--pd-threshold``, its older name), ``--pfa``, ``--swerling`` and ``--looks``.  Every
command that shows a range, a coverage, an access window or a first-detection time
takes these four and builds its :class:`~thaadsim.sensors.convention.DetectionConvention`
with :func:`detection_convention`; left out, each takes the default (the calibration's).
"""

from __future__ import annotations

from typing import Annotated

import typer

from thaadsim.sensors.convention import DEFAULT_CONVENTION, DetectionConvention

_D = DEFAULT_CONVENTION

PdOpt = Annotated[float | None, typer.Option(
    "--pd", "--pd-threshold",
    help=f"Detection convention: probability of detection that defines a detection [-] (default {_D.pd:g}, "
         "the radar calibration's).")]
PfaOpt = Annotated[float | None, typer.Option(
    "--pfa", help=f"Detection convention: false-alarm probability per cell [-] (default {_D.pfa:g}).")]
SwerlingOpt = Annotated[int | None, typer.Option(
    "--swerling", help=f"Detection convention: target fluctuation, Swerling case 0-4 (default {_D.swerling}).")]
LooksOpt = Annotated[int | None, typer.Option(
    "--looks", help=f"Detection convention: looks integrated non-coherently before deciding (default {_D.looks}).")]


def detection_convention(pd: float | None = None, pfa: float | None = None, swerling: int | None = None,
                         looks: int | None = None) -> DetectionConvention:
    """The convention from the options; each one left out takes the default's value."""
    return DetectionConvention(
        pd=_D.pd if pd is None else float(pd),
        pfa=_D.pfa if pfa is None else float(pfa),
        swerling=_D.swerling if swerling is None else int(swerling),
        looks=_D.looks if looks is None else int(looks),
    )


__all__ = ["LooksOpt", "PdOpt", "PfaOpt", "SwerlingOpt", "detection_convention"]
