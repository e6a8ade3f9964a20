"""Read a scenario file (or a built-in scenario) into a validated :class:`Scenario`.

Every mistake in a file becomes one :class:`ScenarioFileError` line that names the file,
the line and the field, and says how to fix it, as a compiler does::

    korea.yaml:14: threats[2].missile: unknown missile 'hwasong15' — did you mean 'hwasong-15'?

Line numbers come from the YAML node tree (``start_mark``), which the same parse that
builds the data gives us, so a pydantic location such as ``('threats', 2, 'missile')``
maps back to the line the user wrote.
"""

from __future__ import annotations

import difflib
import functools
import os
import pathlib
import re
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from thaadsim.errors import InputError, ThaadsimError
from thaadsim.scenario.schema import Scenario, _ReferenceError, _submodel
from thaadsim.scenario.uncertainty import UncertaintyError
from thaadsim.scenario.uncertainty import extract as extract_uncertainty

_BUILTIN_PACKAGE = "thaadsim.scenario"
_BUILTIN_FOLDER = "builtins"  # data folder, not a package: shipped by the package-data glob
_BUILTIN_SUFFIX = ".yaml"


class ScenarioFileError(InputError):
    """A mistake in a scenario file, located as ``FILE:LINE: path: message — hint``.

    ``field`` is the path inside the file (e.g. ``threats[2].missile``); ``message``
    already carries the file, the line and the path, so the printed line reads like a
    compiler's rather than starting with the bare field name.
    """

    def __init__(self, file: str, line: int | None, path: str, message: str, hint: str | None = None,
                 more_errors: int = 0):
        self.file, self.line, self.path, self.more_errors = file, line, path, more_errors
        where = f"{file}:{line}" if line is not None else file
        located = f"{where}: " + (f"{path}: " if path else "") + message
        super().__init__(located, field=path or None, hint=hint)

    def __str__(self) -> str:
        text = self.message + (f" — {self.hint}" if self.hint else "")
        if getattr(self, "more_errors", 0):
            text += f" (and {self.more_errors} more error{'s' if self.more_errors > 1 else ''})"
        return text


# --------------------------------------------------------------------------- built-ins


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with thaadsim, sorted."""
    folder = resources.files(_BUILTIN_PACKAGE).joinpath(_BUILTIN_FOLDER)
    return sorted(p.name[: -len(_BUILTIN_SUFFIX)] for p in folder.iterdir() if p.name.endswith(_BUILTIN_SUFFIX))


def builtin_path(name: str) -> pathlib.Path:
    """The file of the built-in scenario ``name``."""
    names = builtin_names()
    if name not in names:
        raise InputError(f"no built-in scenario '{name}'", field="scenario", hint=_builtin_hint(name, names))
    return pathlib.Path(str(resources.files(_BUILTIN_PACKAGE).joinpath(_BUILTIN_FOLDER, name + _BUILTIN_SUFFIX)))


def describe_builtins() -> list[dict[str, Any]]:
    """One record per built-in: name, one-line summary and what it holds."""
    return [dict(record) for record in _described()]


@functools.lru_cache(maxsize=1)
def _described() -> tuple[dict[str, Any], ...]:
    out = []
    for name in builtin_names():
        scenario = load_scenario(builtin_path(name))
        out.append({
            "name": name,
            "summary": summary_line(scenario.description),
            "threat_groups": len(scenario.threats),
            "missiles": sum(t.count for t in scenario.threats),
            "radars": len(scenario.radars),
            "batteries": len(scenario.batteries),
            "sweep_counts": list(scenario.sweep.counts) if scenario.sweep else None,
        })
    return tuple(out)


def summary_line(description: str) -> str:
    """The first line or sentence of a description: what the scenario is."""
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    # a sentence ends at . ! or ? before a capital letter, so '1, 2, 4 ... 64' stays whole
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z])", first_line, maxsplit=1)[0]
    return sentence.strip()


def _builtin_hint(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "? (built-in scenarios: see " \
               "`thaadsim scenarios`)"
    return "give the path of a scenario YAML file or a built-in name: " + ", ".join(names)


# --------------------------------------------------------------------------- loading


def load_scenario(source: str | os.PathLike) -> Scenario:
    """Read and validate a scenario: ``source`` is a YAML file, or a built-in name when no
    such file exists.  Raises :class:`ScenarioFileError` (an ``InputError``) on any mistake."""
    path = pathlib.Path(source)
    label = str(source)
    if not path.exists():
        names = builtin_names()
        if label in names:
            path = builtin_path(label)
            label = path.name
        else:
            raise ScenarioFileError(label, None, "", "no such file, and no built-in scenario of that name",
                                    hint=_builtin_hint(label, names))
    if path.is_dir():
        raise ScenarioFileError(label, None, "", "is a folder, not a scenario file",
                                hint="give the path of a YAML file inside it")
    try:
        text = _read_capped(path, label)
    except UnicodeDecodeError as error:
        raise ScenarioFileError(label, None, "", f"cannot be read as UTF-8 text ({error.reason} at byte "
                                f"{error.start})", hint="save the file as UTF-8 YAML") from None
    except OSError as error:
        raise ScenarioFileError(label, None, "", f"cannot be read ({error.strerror or error})",
                                hint="check the file's permissions") from None
    return parse_scenario(text, label)


MAX_SCENARIO_KB_DEFAULT = 1024
"""Largest scenario file read [KiB] (a scenario is a few KiB of YAML); the environment
variable ``THAADSIM_MAX_SCENARIO_KB`` changes it."""


def max_scenario_bytes() -> int:
    text = os.environ.get("THAADSIM_MAX_SCENARIO_KB", "").strip()
    try:
        kib = int(text) if text else MAX_SCENARIO_KB_DEFAULT
    except ValueError:
        raise InputError(f"'{text[:40]}' is not a whole number of KiB", field="THAADSIM_MAX_SCENARIO_KB") from None
    if kib <= 0:
        raise InputError(f"{kib} KiB", field="THAADSIM_MAX_SCENARIO_KB", hint="give a positive number of KiB")
    return kib * 1024


def _read_capped(path: pathlib.Path, label: str) -> str:
    """The file's text, refused unread beyond the size cap (``/dev/zero`` or a 50 MB file
    of comments ends at once, not after minutes and gigabytes)."""
    cap = max_scenario_bytes()
    with open(path, "rb") as stream:
        raw = stream.read(cap + 1)
    if len(raw) > cap:
        raise ScenarioFileError(label, None, "", f"is larger than {cap // 1024:,} KiB, the largest scenario file "
                                "read", hint="a scenario is a few KiB of YAML; set THAADSIM_MAX_SCENARIO_KB to "
                                "read a larger one")
    return raw.decode("utf-8")


def locate_error(source: str | os.PathLike, error: ThaadsimError) -> ThaadsimError:
    """A run's error about a field of the file (e.g. ``threats[0].to``: a geometry no missile
    can fly) placed at its line, like a validation error; other errors come back unchanged."""
    path_text = error.field or ""
    if isinstance(error, ScenarioFileError) or not re.match(r"^(threats|radars|batteries|sweep|output)\b",
                                                             path_text):
        return error
    path = pathlib.Path(source)
    label = str(source)
    if not path.exists() and label in builtin_names():
        path = builtin_path(label)
        label = path.name
    try:
        root, _ = _parse_yaml(path.read_text(encoding="utf-8"), label)
    except (OSError, UnicodeDecodeError, ThaadsimError):
        return error
    line = _line_of(root, _parse_path(path_text)) if root is not None else None
    return ScenarioFileError(label, line, path_text, error.message, hint=error.hint)


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate the YAML ``text`` of a scenario; errors name ``file`` and the line."""
    root, data = _parse_yaml(text, file)
    if root is None or data is None:
        raise ScenarioFileError(file, 1, "", "the file is empty",
                                hint="give at least name and threats (`thaadsim scenario schema` lists the fields)")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise ScenarioFileError(file, root.start_mark.line + 1, "", f"the file holds {kind}, not a mapping of "
                                "fields", hint="write 'name: ...', 'threats: ...' at the top level")
    try:
        uncertainty = extract_uncertainty(data, Scenario)
    except UncertaintyError as error:
        raise ScenarioFileError(file, _line_of(root, error.loc), _format_path(error.loc), error.message,
                                error.hint) from None
    try:
        return Scenario.model_validate(uncertainty.data).with_uncertainty(uncertainty)
    except ValidationError as error:
        raise _located(error, root, file) from None


# --------------------------------------------------------------------------- YAML


class _DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping that gives the same key twice (YAML would silently keep the last)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys: a repeated ``count:`` is a mistake,
    and the plain loader would hide it by keeping the last value."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<' merges are allowed to be overridden by explicit keys
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable key: the base constructor reports it
            if first is not None:
                raise _DuplicateKeyError(
                    problem=f"duplicate key '{key}' (first given on line {first + 1})",
                    problem_mark=key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as error:
            kind = node.tag.rsplit(":", 1)[-1]
            if isinstance(error, ValueError) and "digits" in str(error) and "integer" in str(error):
                problem = f"a number of {len(node.value):,} digits"
                hint = "the largest number a field takes is 2^63 - 1 (19 digits)"
            else:
                problem = f"cannot read '{node.value}' as {_TAG_NAMES.get(kind, 'a ' + kind)}: {error}"
                hint = _TAG_HINTS.get(kind, "write a valid value")
            raised = _ValueYAMLError(problem=problem, problem_mark=node.start_mark)
            raised.hint = hint
            raise raised from None


_TAG_NAMES = {"int": "an integer", "float": "a number", "timestamp": "a date and time", "bool": "true/false"}
_TAG_HINTS = {"int": "write a decimal integer, e.g. 4", "float": "write a decimal number, e.g. 2.5",
              "timestamp": "give a date that exists, e.g. 2017-03-06T00:00:00Z"}


_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters no scenario text may hold: control characters (tab and newlines aside) and
lone surrogates, which YAML's escapes can write and no output file can encode."""


def _char_name(ch: str) -> str:
    kind = "a lone surrogate" if "\ud800" <= ch <= "\udfff" else "a control character"
    return f"{kind} (U+{ord(ch):04X})"


class _ValueYAMLError(yaml.MarkedYAMLError):
    """A scalar YAML cannot turn into a value (a 30 February, an octal 0o999)."""


def _parse_yaml(text: str, file: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data, from one parse."""
    bad = _BAD_CHAR.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ScenarioFileError(file, line, "", f"{_char_name(bad.group())} at column {column}",
                                hint="remove it; scenario files are plain UTF-8 text")
    root = None
    try:
        loader = _UniqueKeyLoader(text)
        try:
            root = loader.get_single_node()
            if root is not None:
                _check_scalars(root, file)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except _DuplicateKeyError as error:
        mark = error.problem_mark
        path = _format_path(_loc_of_key(root, mark)) if root is not None else ""
        raise ScenarioFileError(file, mark.line + 1, path, error.problem,
                                hint="give each key once; the later value would silently replace the earlier"
                                ) from None
    except _ValueYAMLError as error:
        mark = error.problem_mark
        path = _format_path(_loc_of_node(root, mark)) if root is not None else ""
        raise ScenarioFileError(file, mark.line + 1, path, error.problem, hint=error.hint) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "cannot parse"
        line = mark.line + 1 if mark is not None else None
        column = f", column {mark.column + 1}" if mark is not None else ""
        raise ScenarioFileError(file, line, "", f"YAML syntax error{column}: {problem}",
                                hint="check the indentation and quoting near this line") from None
    except yaml.YAMLError as error:
        raise ScenarioFileError(file, None, "", f"YAML error: {error}") from None
    except RecursionError:
        raise ScenarioFileError(file, None, "", "lists or mappings nested too deeply to read",
                                hint="a scenario nests a few levels; check for runaway '[' or '{'") from None
    return root, data


def _check_scalars(root: yaml.Node, file: str) -> None:
    """Every text in the tree, escapes decoded, is free of :data:`_BAD_CHAR` characters."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            bad = _BAD_CHAR.search(node.value)
            if bad is not None:
                raise ScenarioFileError(file, node.start_mark.line + 1, _format_path(loc),
                                        f"the text holds {_char_name(bad.group())}",
                                        hint="remove the escape that writes it")
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                stack.append((key, loc))
                stack.append((value, loc + (name,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, loc + (i,)) for i, item in enumerate(node.value))


def _loc_of_node(root: yaml.Node, mark) -> tuple:
    """The path of the value node that starts at ``mark``."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if node.start_mark.index == mark.index and not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return loc
        if isinstance(node, yaml.MappingNode):
            stack.extend((value, loc + (key.value if isinstance(key, yaml.ScalarNode) else "?",))
                         for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, loc + (i,)) for i, item in enumerate(node.value))
    return ()


def _loc_of_key(node: yaml.Node, mark, loc: tuple = ()) -> tuple:
    """The path of the mapping key that starts at ``mark`` (found by walking the tree)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = loc + (key.value if isinstance(key, yaml.ScalarNode) else "?",)
            if key.start_mark.index == mark.index:
                return here
            found = _loc_of_key(value, mark, here)
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = _loc_of_key(item, mark, loc + (i,))
            if found:
                return found
    return ()


# --------------------------------------------------------------------------- locating errors


def _located(error: ValidationError, root: yaml.Node, file: str) -> ScenarioFileError:
    """The first pydantic error as a located one-line error."""
    errors = error.errors()
    first = errors[0]
    if first["type"] == "missing":
        # a misspelt key gives both 'missing' and 'extra_forbidden' in the same mapping; the
        # misspelling (with its did-you-mean) is what the user has to fix
        parent = tuple(first["loc"][:-1])
        first = next((e for e in errors if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent),
                     first)
    more = len(errors) - 1
    loc = tuple(first["loc"])
    kind = first["type"]
    cause = (first.get("ctx") or {}).get("error")

    if isinstance(cause, _ReferenceError):
        ref_loc = _parse_path(cause.loc)
        return ScenarioFileError(file, _line_of(root, ref_loc), cause.loc, cause.message, cause.hint, more)

    model, field_name = _model_and_key(loc)
    if kind == "extra_forbidden":
        known = _field_keys(model) if model is not None else []
        close = difflib.get_close_matches(str(field_name), known, n=3, cutoff=0.6)
        if close:
            hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        else:
            hint = "known fields here: " + ", ".join(known) if known else None
        return ScenarioFileError(file, _line_of(root, loc), _format_path(loc), f"unknown field '{field_name}'",
                                 hint, more)
    if kind == "missing":
        description = _field_description(model, field_name)
        hint = f"add it: {description}" if description else "add it"
        return ScenarioFileError(file, _line_of(root, loc[:-1]), _format_path(loc),
                                 f"missing required field '{field_name}'", hint, more)

    message = first["msg"]
    hint = None
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        message, _, hint = message.partition(" — ")
        hint = hint or None
    elif "input" in first and not isinstance(first["input"], dict | list):
        message = f"{message} (got {first['input']!r})"
    return ScenarioFileError(file, _line_of(root, loc), _format_path(loc), message, hint, more)


def _format_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _parse_path(path: str) -> tuple:
    """'threats[2].to' -> ('threats', 2, 'to')."""
    out: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return tuple(out)


def _line_of(root: yaml.Node, loc: tuple) -> int:
    """The 1-based line of the deepest node of ``loc`` that the file has: the key's line for
    a mapping entry, the item's line for a list item."""
    node, line = root, root.start_mark.line
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part),
                         None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _model_and_key(loc: tuple) -> tuple[type[BaseModel] | None, str | int | None]:
    """The model that holds the last element of ``loc``, and that element."""
    if not loc:
        return Scenario, None
    model: type[BaseModel] | None = Scenario
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = _field(model, part)
        model = _submodel(field.annotation)[0] if field is not None else None
    return model, loc[-1]


def _field(model: type[BaseModel], key: str):
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _field_keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _field_description(model: type[BaseModel] | None, key) -> str | None:
    if model is None or not isinstance(key, str):
        return None
    field = _field(model, key)
    return field.description if field is not None else None


__all__ = ["ScenarioFileError", "builtin_names", "builtin_path", "describe_builtins", "load_scenario",
           "parse_scenario", "summary_line"]
