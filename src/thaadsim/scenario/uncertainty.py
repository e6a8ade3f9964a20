"""Uncertain numbers in a scenario file: a distribution in place of a value.

Any number field of the file (a ``float`` or ``int`` field, or a field of a few allowed
values such as ``swerling``) may be given as a mapping with one key, the distribution's
name, holding its parameters::

    launch_time_s: {truncnormal: {mean: 30, sd: 5, low: 0, high: 60}}
    rcs_m2: {lognormal: {median: 0.05, sigma: 0.7}}
    sspk: {triangular: {low: 0.7, mode: 0.85, high: 0.95}}
    swerling: {choice: {values: [1, 3], weights: [0.5, 0.5]}}

The loader (:mod:`thaadsim.scenario.loader`) takes every such mapping out of the data
before the schema validates it, puts the distribution's *nominal value* in its place (so
the schema checks that value, and a plain ``thaadsim run`` flies it - the run's
assumptions say so), and keeps the distributions here.  A Monte Carlo study
(:mod:`thaadsim.studies.montecarlo`) draws every distribution once per run, in file order,
from that run's generator, and validates the drawn file again.

A distribution whose values can leave the field's allowed range is refused when the file is
read (a ``normal`` launch time near 0 can be negative: give ``truncnormal`` with ``low: 0``);
an unbounded tail is accepted only where its mass beyond the range is below
:data:`OUTSIDE_TOLERANCE`.  Integer fields take only ``choice``.

Text fields (a doctrine, a radar mode, a battery or radar site, a missile, an aim point) take
``choice`` too, over text values::

    doctrine: {choice: {values: [shoot-look-shoot, shoot-shoot], weights: [0.7, 0.3]}}

Each of those values is checked when the file is read as if the file gave it (an unknown
site or doctrine is an error at the line of the ``values``).

A threat's ``cep_m`` (circular error probable of its aim, a number or itself a distribution)
adds two draws after the file's own: the aim error north and east of ``to``, each normal with
sd = CEP / sqrt(2 ln 2) (:data:`CEP_PER_SD`), set as the group's ``aim_north_m`` and
``aim_east_m``.
"""

from __future__ import annotations

import copy
import difflib
import math
import typing
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    # name: (required parameters, optional parameters, nominal value and meaning)
    "normal": (("mean", "sd"), (), "mean; sd > 0"),
    "truncnormal": (("mean", "sd", "low", "high"), (),
                    "mean (of the normal before truncation, within [low, high]); sd > 0; values kept in [low, high]"),
    "uniform": (("low", "high"), (), "midpoint; low < high"),
    "lognormal": (("median", "sigma"), (), "median; sigma > 0 is the sd of ln(value)"),
    "triangular": (("low", "mode", "high"), (), "mode; low <= mode <= high, low < high"),
    "choice": (("values",), ("weights",), "first value; weights (default equal) >= 0, one per value"),
}
"""The distributions a file may give, with their parameters and nominal value."""


AIM_ERROR = "aim-error"
"""The kind of the two draws a threat's ``cep_m`` adds (module doc); not a file's syntax."""
CEP_PER_SD = math.sqrt(2.0 * math.log(2.0))
"""CEP over the per-axis sd of a circular normal miss: P(r < CEP) = 1 - exp(-CEP^2 / 2 sd^2) = 1/2."""

AIM_CORNER_SD = 3.0
"""A study's checks before its work fly each aim error this many sds off (both axes): a draw
beyond (0.3 % per axis) no missile can reach stops the study with the drawn values named."""


OUTSIDE_TOLERANCE = 1e-12
"""Largest probability that a distribution's draw leaves its field's range: a normal or
lognormal tail beyond it is accepted below this (a million-run study meets it with
probability 1e-6, and then stops with the drawn values named), refused above."""


class UncertaintyError(ValueError):
    """A bad distribution in the file, at ``loc`` (a path tuple into the data)."""

    def __init__(self, loc: tuple, message: str, hint: str | None = None):
        self.loc, self.message, self.hint = loc, message, hint
        super().__init__(message + (f" — {hint}" if hint else ""))


@dataclass(frozen=True)
class Distribution:
    """One distribution of the file (module doc)."""

    kind: str
    params: tuple[tuple[str, Any], ...]

    def p(self, name: str, default=None):
        return dict(self.params).get(name, default)

    @property
    def nominal(self):
        k = self.kind
        if k == AIM_ERROR:
            return 0.0
        if k in ("normal", "truncnormal"):
            return self.p("mean")
        if k == "uniform":
            return 0.5 * (self.p("low") + self.p("high"))
        if k == "lognormal":
            return self.p("median")
        if k == "triangular":
            return self.p("mode")
        return self.p("values")[0]

    def mass_beyond(self, bound: float, *, below: bool, inclusive: bool) -> float:
        """Probability that a draw falls below (or above) ``bound``, the bound itself
        counted as beyond when ``inclusive``."""
        from scipy.stats import norm

        k = self.kind
        if k in ("normal", "lognormal"):
            if k == "lognormal":
                if bound <= 0:
                    return 0.0 if below else 1.0
                z = (math.log(bound) - math.log(self.p("median"))) / self.p("sigma")
            else:
                z = (bound - self.p("mean")) / self.p("sd")
            return float(norm.cdf(z) if below else norm.sf(z))
        values = self.p("values") if k == "choice" else [self.p("low"), self.p("high")]
        lo, hi = min(values), max(values)
        if below:
            return 1.0 if lo < bound or (inclusive and lo == bound) else 0.0
        return 1.0 if hi > bound or (inclusive and hi == bound) else 0.0

    def draw(self, rng: np.random.Generator):
        """One value; every kind draws from ``rng`` exactly once per call (a fixed use of the
        run's stream, so adding runs never shifts another run's values)."""
        k = self.kind
        if k == "normal":
            return float(rng.normal(self.p("mean"), self.p("sd")))
        if k == "truncnormal":
            from scipy.special import ndtr, ndtri

            # inverse CDF of the normal restricted to [low, high]: one uniform per draw
            mean, sd = self.p("mean"), self.p("sd")
            fa, fb = ndtr((self.p("low") - mean) / sd), ndtr((self.p("high") - mean) / sd)
            x = mean + sd * float(ndtri(fa + rng.random() * (fb - fa)))
            return float(min(max(x, self.p("low")), self.p("high")))
        if k == "uniform":
            return float(rng.uniform(self.p("low"), self.p("high")))
        if k == "lognormal":
            return float(self.p("median") * math.exp(self.p("sigma") * rng.standard_normal()))
        if k == "triangular":
            return float(rng.triangular(self.p("low"), self.p("mode"), self.p("high")))
        values = self.p("values")
        w = np.asarray(self.p("weights") or [1.0] * len(values), dtype=float)
        return values[int(rng.choice(len(values), p=w / w.sum()))]

    def describe(self) -> str:
        if self.kind == AIM_ERROR:
            return (f"circular normal aim error of CEP {self.p('cep_path')} (nominal {self.p('cep_m'):g} m), "
                    f"sd = CEP / {CEP_PER_SD:.4f}")
        return f"{self.kind}(" + ", ".join(f"{k} {v}" for k, v in self.params) + ")"


@dataclass(frozen=True)
class UncertainParameter:
    path: str
    """Where in the file, e.g. ``threats[0].launch_time_s``."""
    loc: tuple
    dist: Distribution


@dataclass(frozen=True)
class Uncertainty:
    """The distributions of a file and its data with their nominal values in place."""

    data: dict
    parameters: tuple[UncertainParameter, ...]

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """One value per distribution, in file order, then the aim errors (module doc): path -> value."""
        out: dict[str, Any] = {}
        for p in self.parameters:
            d = p.dist
            if d.kind == AIM_ERROR:  # its CEP as drawn in this run, when the file gives it a distribution
                out[p.path] = float(out.get(d.p("cep_path"), d.p("cep_m")) / CEP_PER_SD * rng.standard_normal())
            else:
                out[p.path] = d.draw(rng)
        return out

    def scenario_with(self, values: dict[str, Any]):
        """The scenario with ``values`` (path -> value) in place of the distributions;
        validated as a file is, without distributions of its own."""
        from pydantic import ValidationError

        from thaadsim.errors import InputError
        from thaadsim.scenario.schema import Scenario

        data = copy.deepcopy(self.data)
        for p in self.parameters:
            _set(data, p.loc, values[p.path])
        try:
            return Scenario.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise InputError(f"the drawn values {values} make the scenario invalid: {first['msg']}",
                             field=where, hint="narrow the distributions so every draw is a valid scenario") from None

    def corners(self) -> list[tuple[str, dict[str, Any]]]:
        """Every distribution at the low end of its values, then every one at its high end
        (a normal or lognormal, unbounded, at its nominal value; an aim error
        :data:`AIM_CORNER_SD` sds off; a choice of text values at its
        first, then its last value), then each further text value with every other
        distribution at its nominal value: the draws a study's checks before its work try,
        beside the nominal scenario (a site or missile no flight can use is found before run 1)."""
        out = []
        for end, pick, k in (("low", min, 0), ("high", max, -1)):
            values = {}
            for p in self.parameters:
                d = p.dist
                if d.kind == "choice":
                    values[p.path] = d.p("values")[k] if _is_text(d) else pick(d.p("values"))
                elif d.kind == AIM_ERROR:  # the aim moved AIM_CORNER_SD sds south-west, then north-east
                    cep = values.get(d.p("cep_path"), d.p("cep_m"))
                    values[p.path] = (-1.0 if end == "low" else 1.0) * AIM_CORNER_SD * cep / CEP_PER_SD
                elif d.kind in ("normal", "lognormal"):
                    values[p.path] = d.nominal
                else:
                    values[p.path] = d.p(end)
            out.append((end, values))
        nominal = {p.path: p.dist.nominal for p in self.parameters}
        for p in self.parameters:
            if p.dist.kind == "choice" and _is_text(p.dist):
                out += [(f"{p.path} = {v!r}", {**nominal, p.path: v}) for v in p.dist.p("values")[1:-1]]
        return out

    def lines(self) -> list[str]:
        return [f"{p.path}: {p.dist.describe()}, nominal {p.dist.nominal}" for p in self.parameters]


def _is_text(d: Distribution) -> bool:
    return any(isinstance(v, str) for v in d.p("values"))


def set_values(scenario, values: dict[str, Any]):
    """``scenario`` with the fields at ``values``' paths (``'threats[0].count'``,
    ``'batteries[0].sspk'``, ``'radars[0].mode'``) set, validated as a file is: the unit of a
    sweep's grid.  A distribution at a path that is set gives way to the value; the others are
    kept (and drawn by a study as before).  Setting a field through ``model_copy`` would not
    reach the distributions' data, and a study would draw the old value."""
    from pydantic import ValidationError

    from thaadsim.errors import InputError
    from thaadsim.scenario.schema import Scenario

    u = scenario.uncertainty
    data = copy.deepcopy(u.data) if u is not None else scenario.model_dump(mode="json", by_alias=True,
                                                                           exclude_unset=True)
    for path, value in values.items():
        loc = _parse(path)
        try:
            _set(data, loc, value)
        except (KeyError, IndexError, TypeError):
            raise InputError(f"the scenario has no field {path}", field=path,
                             hint="give a path such as threats[0].count (`thaadsim scenario schema`)") from None
    try:
        out = Scenario.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(f"{first['msg']} (setting {', '.join(f'{k} = {v!r}' for k, v in values.items())})",
                         field=_format(tuple(first["loc"])), hint="give values the field takes") from None
    kept = tuple(p for p in u.parameters if p.path not in values) if u is not None else ()
    return out.with_uncertainty(Uncertainty(data, kept))


def _parse(path: str) -> tuple:
    """'threats[2].to' -> ('threats', 2, 'to')."""
    import re

    return tuple(int(i) if i else name for name, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path))


def _set(data, loc: tuple, value) -> None:
    for part in loc[:-1]:
        # a block the file leaves to its defaults (detection, output) is opened
        data = data.setdefault(part, {}) if isinstance(part, str) and isinstance(data, dict) else data[part]
    data[loc[-1]] = value


def syntax_lines() -> list[str]:
    """How a file gives a distribution (for ``thaadsim scenario schema``)."""
    out = ["", "Uncertain numbers: any number field may be given a distribution instead of a value, as a mapping "
           "with one key, e.g. launch_time_s: {truncnormal: {mean: 30, sd: 5, low: 0, high: 60}}. `run` flies "
           "the nominal value; `montecarlo` draws one value per run. Every value a distribution can give must "
           "lie in the field's range (a normal or lognormal tail may pass it with probability below "
           f"{OUTSIDE_TOLERANCE:g}); integer fields take only choice. Text fields (doctrine, radar mode, a site, "
           "a missile, an aim point) take choice over text values, e.g. doctrine: {choice: {values: "
           "[shoot-look-shoot, shoot-shoot], weights: [0.7, 0.3]}}; each value is checked as if the file gave it. "
           "A threat's cep_m adds the aim error drawn per run: aim_north_m and aim_east_m, each normal with sd = "
           f"CEP / {CEP_PER_SD:.4f}."]
    for name, (req, opt, note) in DISTRIBUTIONS.items():
        params = ", ".join([*req, *(f"[{o}]" for o in opt)])
        out.append(f"  {name}: {{{params}}}  nominal: {note}")
    return out


# --------------------------------------------------------------------------- reading a file


def extract(data: dict, model: type[BaseModel]) -> Uncertainty:
    """Take every distribution out of the raw file ``data`` (module doc); raises
    :class:`UncertaintyError` at the distribution's place in the file."""
    found: list[UncertainParameter] = []
    clean = copy.deepcopy(data)
    _walk(clean, model, (), found)
    _check_text_choices(clean, model, found)
    _aim_errors(data, clean, found)
    return Uncertainty(clean, tuple(found))


def _aim_errors(raw: dict, clean: dict, found: list) -> None:
    """The two aim-error draws of every threat with a CEP (module doc)."""
    threats = clean.get("threats") if isinstance(clean, dict) else None
    if not isinstance(threats, list):
        return
    drawn = {p.path for p in found}
    for i, t in enumerate(threats):
        if not isinstance(t, dict) or "cep_m" not in t:
            continue
        cep_path = f"threats[{i}].cep_m"
        cep = t["cep_m"]
        if cep_path not in drawn and (not isinstance(cep, int | float) or isinstance(cep, bool) or not cep > 0):
            continue  # zero, or not a number: the schema names it
        given = [k for k in ("aim_north_m", "aim_east_m") if k in raw["threats"][i]]
        if given:
            raise UncertaintyError(("threats", i, given[0]), f"threats[{i}] gives both cep_m and {given[0]}",
                                   hint="give cep_m (a study draws the aim error) or aim_north_m/aim_east_m, "
                                   "not both")
        for axis in ("aim_north_m", "aim_east_m"):
            loc = ("threats", i, axis)
            found.append(UncertainParameter(_format(loc), loc, Distribution(
                AIM_ERROR, (("cep_path", cep_path), ("cep_m", float(cep))))))


def _check_text_choices(clean: dict, model: type[BaseModel], found: list) -> None:
    """Each value of a choice over text checked as if the file gave it (module doc).  Only on a
    file valid at its nominal values: otherwise the schema's own error, at its own line, is
    the one to show."""
    from pydantic import ValidationError

    texts = [p for p in found if p.dist.kind == "choice" and _is_text(p.dist)]
    if not texts:
        return
    try:
        model.model_validate(clean)
    except ValidationError:
        return
    for p in texts:
        for v in p.dist.p("values")[1:]:
            data = copy.deepcopy(clean)
            _set(data, p.loc, v)
            try:
                model.model_validate(data)
            except ValidationError as error:
                first = error.errors()[0]
                message = str(first["msg"]).removeprefix("Value error, ")
                raise UncertaintyError((*p.loc, "choice", "values"), f"{p.path} = {v!r}: {message}",
                                       hint="give values the field takes") from None


def _walk(data: dict, model: type[BaseModel], loc: tuple, found: list) -> None:
    from thaadsim.scenario.schema import _submodel

    for key in list(data):
        field = next((f for name, f in model.model_fields.items() if key in (name, f.alias)), None)
        if field is None:
            continue  # the schema names the unknown field
        value = data[key]
        sub, is_list = _submodel(field.annotation)
        here = (*loc, key)
        if sub is not None:
            if is_list and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        _walk(item, sub, (*here, i), found)
            elif isinstance(value, dict):
                _walk(value, sub, here, found)
            continue
        kind = _scalar_kind(field.annotation)
        if kind is None or not isinstance(value, dict):
            continue
        dist = _distribution(value, here, kind[0])
        _check_support(dist, field, kind, here)
        data[key] = dist.nominal
        found.append(UncertainParameter(_format(here), here, dist))


def _scalar_kind(ann) -> tuple[str, tuple] | None:
    """('float', ()), ('int', ()), ('literal', allowed values) or ('text', ()) for a field of one
    number or word, else None (a list, a group of fields, a time)."""
    if typing.get_origin(ann) in (list, dict, tuple):
        return None
    if typing.get_origin(ann) is Literal:
        args = [ann]
    else:
        args = [a for a in typing.get_args(ann) if a is not type(None)] if typing.get_origin(ann) else [ann]
    for a in args:
        if typing.get_origin(a) is typing.Annotated:
            a = typing.get_args(a)[0]
        if a is float:
            return "float", ()
        if a is int:
            return "int", ()
        if typing.get_origin(a) is Literal:
            return "literal", typing.get_args(a)
        if a is str:
            return "text", ()
    return None


def _distribution(value: dict, loc: tuple, kind_of_field: str = "float") -> Distribution:
    if len(value) != 1:
        raise UncertaintyError(loc, f"a distribution is a mapping with one key, got {len(value)} keys",
                               hint="write e.g. {normal: {mean: 30, sd: 5}}; known: " + ", ".join(DISTRIBUTIONS))
    (kind, params), = value.items()
    if kind not in DISTRIBUTIONS:
        close = difflib.get_close_matches(str(kind), list(DISTRIBUTIONS), n=1, cutoff=0.5)
        raise UncertaintyError((*loc, kind), f"unknown distribution '{kind}'",
                               hint=(f"did you mean '{close[0]}'? " if close else "")
                               + "known: " + ", ".join(DISTRIBUTIONS))
    required, optional, note = DISTRIBUTIONS[kind]
    here = (*loc, kind)
    if not isinstance(params, dict):
        raise UncertaintyError(here, f"the parameters of {kind} are a mapping",
                               hint=f"write {kind}: {{{', '.join(f'{r}: ...' for r in required)}}}")
    for name in params:
        if name not in required + optional:
            raise UncertaintyError((*here, name), f"{kind} takes no parameter '{name}'",
                                   hint="its parameters: " + ", ".join(required + optional))
    for name in required:
        if name not in params:
            raise UncertaintyError(here, f"{kind} needs the parameter '{name}'",
                                   hint="its parameters: " + ", ".join(required + optional))
    if kind == "choice":
        return _choice(params, here, kind_of_field)
    for name, v in params.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise UncertaintyError((*here, name), f"{kind}.{name} must be a finite number (got {v!r})")
    p = {k: float(v) for k, v in params.items()}
    checks = {
        "normal": [(p.get("sd", 1) > 0, "sd", "sd must be > 0")],
        "truncnormal": [(p.get("sd", 1) > 0, "sd", "sd must be > 0"),
                        (p.get("low", 0) < p.get("high", 1), "high", "low must be < high"),
                        (p.get("low", 0) <= p.get("mean", 0) <= p.get("high", 0), "mean",
                         "mean must lie in [low, high]")],
        "uniform": [(p.get("low", 0) < p.get("high", 1), "high", "low must be < high")],
        "lognormal": [(p.get("median", 1) > 0, "median", "median must be > 0"),
                      (p.get("sigma", 1) > 0, "sigma", "sigma must be > 0")],
        "triangular": [(p.get("low", 0) < p.get("high", 1), "high", "low must be < high"),
                       (p.get("low", 0) <= p.get("mode", 0) <= p.get("high", 0), "mode",
                        "mode must lie in [low, high]")],
    }[kind]
    for ok, name, message in checks:
        if not ok:
            raise UncertaintyError((*here, name), f"{kind}: {message} (got {name} {params[name]})",
                                   hint=f"{kind}: {note}")
    return Distribution(kind, tuple((k, p[k]) for k in (*required, *optional) if k in p))


def _choice(params: dict, here: tuple, kind_of_field: str = "float") -> Distribution:
    values = params["values"]
    if not isinstance(values, list) or not values:
        raise UncertaintyError((*here, "values"), "choice.values must be a non-empty list",
                               hint="write e.g. choice: {values: [1, 3]}")
    if len({repr(v) for v in values}) != len(values):
        raise UncertaintyError((*here, "values"), "choice.values gives a value twice",
                               hint="give each value once; weights say how often")
    for v in values:
        if kind_of_field == "text":
            if not isinstance(v, str):
                raise UncertaintyError((*here, "values"), f"choice.values holds {v!r}, not a text value",
                                       hint="quote it, e.g. values: ['36.0,128.1', seongju]")
        elif kind_of_field == "literal":
            if not isinstance(v, str | int | float) or isinstance(v, bool):
                raise UncertaintyError((*here, "values"), f"choice.values holds {v!r}, not one value")
        elif isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise UncertaintyError((*here, "values"), f"choice.values holds {v!r}, not a finite number")
    weights = params.get("weights")
    if weights is not None:
        if (not isinstance(weights, list) or len(weights) != len(values)
                or any(isinstance(w, bool) or not isinstance(w, int | float) or not w >= 0 or not math.isfinite(w)
                       for w in weights) or sum(weights) <= 0):
            raise UncertaintyError((*here, "weights"), "choice.weights must be one number >= 0 per value, "
                                   "not all zero", hint=f"give {len(values)} weights, or drop weights (equal)")
        weights = [float(w) for w in weights]
    # one type per column of a study's table: a mix of whole and decimal numbers becomes decimals
    numeric = all(isinstance(v, int | float) for v in values)
    values = [float(v) for v in values] if numeric and any(isinstance(v, float) for v in values) else list(values)
    out = (("values", values),) + ((("weights", weights),) if weights is not None else ())
    return Distribution("choice", out)


def _check_support(dist: Distribution, field, kind: tuple[str, tuple], loc: tuple) -> None:
    import annotated_types as at

    name, allowed = kind
    path = _format(loc)
    if name in ("int", "literal", "text") and dist.kind != "choice":
        what = "text" if name == "text" or any(isinstance(a, str) for a in allowed) else "whole values"
        raise UncertaintyError((*loc, dist.kind), f"{path} takes {what}: only choice can vary it",
                               hint="write choice: {values: [...]}")
    if name == "text":
        return  # each value checked as the file would be (_check_text_choices)
    if name == "int":
        bad = [v for v in dist.p("values") if not float(v).is_integer()]
        if bad:
            raise UncertaintyError((*loc, "choice", "values"), f"{path} takes whole numbers, got {bad[0]!r}")
    if name == "literal":
        bad = [v for v in dist.p("values") if v not in allowed]
        if bad:
            raise UncertaintyError((*loc, "choice", "values"), f"{path} takes one of {list(allowed)}, got {bad[0]!r}")
        return
    for m in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            bound = getattr(m, attr, None)
            if not isinstance(m, getattr(at, attr.capitalize())) or bound is None:
                continue
            below = attr in ("ge", "gt")
            outside = dist.mass_beyond(float(bound), below=below, inclusive=attr in ("gt", "lt"))
            if outside > OUTSIDE_TOLERANCE:
                side = "low" if below else "high"
                raise UncertaintyError((*loc, dist.kind), f"{dist.describe()} gives values outside the field's "
                                       f"range with probability {outside:.1e} ({path} must be {sign} {bound})",
                                       hint=f"use truncnormal, uniform or triangular with {side} {sign} {bound}")


def _format(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


__all__ = ["AIM_ERROR", "CEP_PER_SD", "DISTRIBUTIONS", "Distribution", "UncertainParameter", "Uncertainty",
           "UncertaintyError", "extract", "set_values", "syntax_lines"]
