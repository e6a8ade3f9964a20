"""Radar cross-section models: constant, or a table by aspect angle.

The **aspect angle** θ of an object seen by a radar is the angle between the object's
velocity (taken as its body axis — a named approximation: a spin-stabilised reentry
vehicle keeps its burnout attitude outside the atmosphere, and a booster's axis is
its thrust axis, not exactly its velocity) and the line of sight from the object to
the radar: θ = 0 nose-on (flying straight at the radar), π/2 broadside, π tail-on.
Bodies are taken as axisymmetric, so the RCS depends on θ ∈ [0, π] only; any angle
is folded into that interval (θ, −θ and 2π − θ give the same RCS).

The tables (``catalog/data/rcs.yaml``: ``warhead``, ``booster``, ``debris``) are
interpolated **linearly in decibels** between tabulated aspects; every point carries
its source or an ``assumed`` flag with a note.  A :class:`ConstantRcs` ignores the
aspect and reproduces a plain ``rcs_m2`` number exactly.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from thaadsim.catalog.loader import _load, normalise_key
from thaadsim.catalog.records import Sourced, _check_key, _Record
from thaadsim.errors import InputError, UnknownNameError

# ----------------------------------------------------------------------------- records


class RcsPoint(_Record):
    """One tabulated aspect: the angle [deg] and the RCS there [m^2], sourced."""

    aspect_deg: float = Field(description="aspect angle, 0 nose-on .. 180 tail-on [deg]")
    rcs_m2: Sourced = Field(description="monostatic RCS at this aspect [m^2]")

    @model_validator(mode="after")
    def _check(self) -> RcsPoint:
        if not 0.0 <= self.aspect_deg <= 180.0:
            raise ValueError(f"aspect {self.aspect_deg} deg is outside [0, 180]")
        if not self.rcs_m2.value > 0.0:
            raise ValueError("an RCS in a table must be > 0 (it is interpolated in dB)")
        return self


class RcsTableRecord(_Record):
    """An RCS table from the catalog: points from 0 to 180 deg, aspects increasing."""

    key: str
    name: str
    description: str
    points: list[RcsPoint] = Field(min_length=2)

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        return _check_key(v)

    @model_validator(mode="after")
    def _check(self) -> RcsTableRecord:
        a = [p.aspect_deg for p in self.points]
        if a[0] != 0.0 or a[-1] != 180.0:
            raise ValueError("a table must start at 0 deg and end at 180 deg")
        if any(b <= c for c, b in zip(a, a[1:], strict=False)):
            raise ValueError("aspects must increase strictly")
        return self


@functools.cache
def _tables() -> dict[str, RcsTableRecord]:
    return _load("rcs.yaml", "rcs_tables", RcsTableRecord)


def rcs_tables() -> dict[str, RcsTableRecord]:
    """The catalog's RCS tables by key."""
    return dict(_tables())


class RcsDefaultRecord(_Record):
    """A default cross-section for one question, with its reason and who uses it."""

    key: str
    used_by: str
    rcs_m2: Sourced

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        return _check_key(v)


DefaultKind = Literal["reference-target", "warhead", "booster"]
"""The questions a default cross-section exists for (``rcs.yaml`` ``rcs_defaults``)."""


@functools.cache
def _defaults() -> dict[str, RcsDefaultRecord]:
    return _load("rcs.yaml", "rcs_defaults", RcsDefaultRecord)


def default_rcs(kind: DefaultKind) -> Sourced:
    """The default cross-section for ``kind``: value [m^2], band, source and note."""
    defaults = _defaults()
    if kind not in defaults:
        raise UnknownNameError("default RCS", kind, defaults.keys(), field="kind")
    return defaults[kind].rcs_m2


def default_rcs_m2(kind: DefaultKind) -> float:
    """The default cross-section for ``kind`` [m^2] (``rcs.yaml`` ``rcs_defaults``)."""
    return default_rcs(kind).value


def default_rcs_note(kind: DefaultKind) -> str:
    """How an output names the default: 'ASSUMED default: <why>'."""
    return f"ASSUMED default: {default_rcs(kind).note}"


def default_model(kind: DefaultKind) -> ConstantRcs:
    """The default as a constant model, marked assumed, its note carried into outputs."""
    d = default_rcs(kind)
    return constant(d.value, assumed=True, note=f"default: {d.note} (assumed)")


# ----------------------------------------------------------------------------- models


@dataclass(frozen=True)
class RcsModel:
    """Base: RCS [m²] as a function of the aspect angle [rad] (arrays broadcast)."""

    key: str
    description: str

    def rcs_m2(self, aspect_rad) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def constant_m2(self) -> float | None:
        """The value when the model does not depend on aspect, else None."""
        return None

    @property
    def max_rcs_m2(self) -> float:
        raise NotImplementedError  # pragma: no cover - abstract

    def describe(self) -> dict:
        raise NotImplementedError  # pragma: no cover - abstract


@dataclass(frozen=True)
class ConstantRcs(RcsModel):
    """The same RCS at every aspect: the plain ``rcs_m2`` number."""

    value_m2: float = 1.0
    assumed: bool = True
    note: str | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value_m2) and self.value_m2 >= 0.0):
            raise InputError(f"radar cross-section {self.value_m2:g} m^2 must be finite and ≥ 0", field="--rcs-m2")

    def rcs_m2(self, aspect_rad) -> np.ndarray:
        return np.full(np.shape(aspect_rad), self.value_m2)

    @property
    def constant_m2(self) -> float:
        return self.value_m2

    @property
    def max_rcs_m2(self) -> float:
        return self.value_m2

    def describe(self) -> dict:
        return {
            "model": "constant",
            "key": self.key,
            "rcs_m2": self.value_m2,
            "assumed": self.assumed,
            "note": self.note,
            "description": self.description,
        }


@dataclass(frozen=True)
class AspectTableRcs(RcsModel):
    """RCS tabulated by aspect, interpolated linearly in dB; folded onto [0, π]."""

    aspect_deg: tuple[float, ...] = (0.0, 180.0)
    values_m2: tuple[float, ...] = (1.0, 1.0)
    sources: tuple[str, ...] = field(default=(), compare=False)
    assumed: tuple[bool, ...] = field(default=(), compare=False)
    notes: tuple[str | None, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        a = np.asarray(self.aspect_deg, dtype=float)
        v = np.asarray(self.values_m2, dtype=float)
        if a.shape != v.shape or a.size < 2:
            raise InputError("an RCS table needs ≥ 2 aspects and one value each", field="rcs_table")
        if a[0] != 0.0 or a[-1] != 180.0 or np.any(np.diff(a) <= 0.0):
            raise InputError("RCS table aspects must rise strictly from 0 to 180 deg", field="rcs_table")
        if np.any(~np.isfinite(v)) or np.any(v <= 0.0):
            raise InputError("RCS table values must be finite and > 0 (interpolated in dB)", field="rcs_table")

    @staticmethod
    def fold(aspect_rad) -> np.ndarray:
        """Fold any angle onto [0, π] (axisymmetric body: θ ≡ −θ ≡ 2π − θ)."""
        a = np.abs(np.asarray(aspect_rad, dtype=float)) % (2.0 * math.pi)
        return np.where(a > math.pi, 2.0 * math.pi - a, a)

    def rcs_m2(self, aspect_rad) -> np.ndarray:
        a_deg = np.degrees(self.fold(aspect_rad))
        db = np.interp(a_deg, np.asarray(self.aspect_deg), 10.0 * np.log10(np.asarray(self.values_m2)))
        return 10.0 ** (db / 10.0)

    @property
    def max_rcs_m2(self) -> float:
        return float(max(self.values_m2))

    def describe(self) -> dict:
        return {
            "model": "aspect-table",
            "key": self.key,
            "description": self.description,
            "interpolation": "linear in dB between tabulated aspects; aspect = angle between velocity and the "
            "line of sight to the radar (0 nose-on, 180 tail-on)",
            "points": [
                {"aspect_deg": a, "rcs_m2": v, "source": s, "assumed": f, "note": n}
                for a, v, s, f, n in zip(
                    self.aspect_deg, self.values_m2, self.sources, self.assumed, self.notes, strict=True
                )
            ],
        }

    @classmethod
    def from_record(cls, rec: RcsTableRecord) -> AspectTableRcs:
        return cls(
            key=rec.key,
            description=f"{rec.name}: {rec.description}",
            aspect_deg=tuple(p.aspect_deg for p in rec.points),
            values_m2=tuple(p.rcs_m2.value for p in rec.points),
            sources=tuple(p.rcs_m2.source for p in rec.points),
            assumed=tuple(p.rcs_m2.assumed for p in rec.points),
            notes=tuple(p.rcs_m2.note for p in rec.points),
        )


def rcs_table(name: str, *, field: str = "--rcs-table") -> AspectTableRcs:
    """The catalog table ``name`` (warhead, booster, debris) as a model."""
    key = normalise_key(name)
    table = _tables()
    if key not in table:
        raise UnknownNameError("RCS table", name, table.keys(), field=field)
    return AspectTableRcs.from_record(table[key])


def constant(rcs_m2: float, *, assumed: bool = True, note: str | None = None, key: str = "constant") -> ConstantRcs:
    """A constant-RCS model (checked: finite and ≥ 0)."""
    if not isinstance(rcs_m2, int | float | np.floating | np.integer):
        raise InputError(f"radar cross-section {rcs_m2!r} is not a number", field="--rcs-m2")
    return ConstantRcs(key=key, description=f"constant {float(rcs_m2):g} m^2 at every aspect",
                       value_m2=float(rcs_m2), assumed=assumed, note=note)


def as_model(rcs) -> RcsModel:
    """A number → :class:`ConstantRcs`; a table name → :class:`AspectTableRcs`; a model → itself."""
    if isinstance(rcs, RcsModel):
        return rcs
    if isinstance(rcs, str):
        return rcs_table(rcs)
    return constant(rcs)


# ----------------------------------------------------------------------------- geometry


def aspect_angle_rad(r_radar_ecef, r_ecef, v_ecef) -> np.ndarray:
    """Aspect angle [rad] of objects at ``r_ecef`` (..., 3) moving with ``v_ecef`` (..., 3),
    seen from the radar at ``r_radar_ecef`` (3,): angle between v and (r_radar − r).

    NaN where the speed or the range is zero (no defined aspect) or the inputs are NaN.
    """
    r = np.asarray(r_ecef, dtype=float)
    v = np.asarray(v_ecef, dtype=float)
    los = np.asarray(r_radar_ecef, dtype=float) - r
    nv = np.linalg.norm(v, axis=-1)
    nl = np.linalg.norm(los, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.sum(v * los, axis=-1) / (nv * nl)
    c = np.where((nv > 0.0) & (nl > 0.0), c, np.nan)
    return np.arccos(np.clip(c, -1.0, 1.0))


__all__ = [
    "AspectTableRcs",
    "ConstantRcs",
    "RcsModel",
    "RcsPoint",
    "RcsDefaultRecord",
    "RcsTableRecord",
    "as_model",
    "aspect_angle_rad",
    "constant",
    "default_model",
    "default_rcs",
    "default_rcs_m2",
    "default_rcs_note",
    "rcs_table",
    "rcs_tables",
]
