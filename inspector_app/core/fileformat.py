"""Loading any of our file formats (YAML or JSON) into a pydantic model, all or nothing.

Every format (checklists, roster, settings, import files, scenarios…) goes through `load_model`, so a bad
file always produces the same kind of error: one `Problem` per fault, naming the file, the place (line and
field path) and the reason. Nothing is returned unless the whole file is valid.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.files import read_limited
from inspector_app.core.i18n import tr

try:  # the C loader is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

M = TypeVar("M", bound=BaseModel)
MAX_FILE_BYTES = 20 * 1024 * 1024

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Parsed:
    data: Any
    lines: dict[Path_, int]  # field path -> 1-based line where its value starts


MAX_DEPTH = 64  # no format of ours nests deeper than ~8; a hostile file must not exhaust the stack


class _TooComplex(Exception):
    """The node tree is nested too deeply, or YAML aliases repeat more values than the file could hold."""


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[str], budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0 or len(path) > MAX_DEPTH:
        raise _TooComplex
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(f"{key_node.start_mark.line + 1}\x00{key}")
            seen.add(key)
            _walk(value_node, path + (key,), lines, problems, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, path + (index,), lines, problems, budget)


def parse_text(text: str, file: str) -> Parsed:
    """Parse YAML (JSON is a subset) keeping where each value stands; raise InputError on syntax faults."""
    loader = _Loader(text)
    try:  # one parse: the node tree gives the lines, and is constructed into the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(file, line, "", tr("not valid YAML/JSON: {detail}", detail=exc.problem))]) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", tr("not valid YAML/JSON: {detail}", detail=str(exc)))]) from exc
    except RecursionError:
        raise _too_complex(file) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    duplicates: list[str] = []
    if node is not None:
        try:  # a tree without aliases has fewer nodes than characters; an alias bomb has billions
            _walk(node, (), lines, duplicates, [len(text) + 10_000])
        except _TooComplex:
            raise _too_complex(file) from None
    if duplicates:
        problems = []
        for entry in duplicates:
            line, key = entry.split("\x00")
            problems.append(Problem(file, int(line), key, tr("key '{key}' appears twice", key=key)))
        raise InputError(problems)
    return Parsed(data, lines)


def _too_complex(file: str) -> InputError:
    return InputError([Problem(file, None, "", tr("nested too deeply, or repeats values too often (YAML aliases)"))])


def read_text(path: Path) -> str:
    """Read a UTF-8 file with size and encoding checks that name the file."""
    name = str(path)
    raw = read_limited(path, MAX_FILE_BYTES)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(name, line, "", tr("not UTF-8 text"))]) from exc


def line_for(lines: dict[Path_, int], loc: Path_) -> int | None:
    """The line of the deepest known prefix of a pydantic error location."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def _clean_loc(loc: tuple[Any, ...]) -> Path_:
    # pydantic adds discriminator tags / union member names to loc; keep only real field names and indices
    return tuple(part for part in loc if isinstance(part, int) or not str(part).startswith(("function-", "tagged-")))


def validation_problems(exc: ValidationError, file: str, lines: dict[Path_, int]) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = _clean_loc(error["loc"])
        where = ".".join(str(p) for p in loc)
        reason = pydantic_reason(error)
        problems.append(Problem(file, line_for(lines, loc), where, reason))
    return problems


_PYDANTIC_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (not part of this format)",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "enum": "must be one of: {expected}",
    "literal_error": "must be one of: {expected}",
    "string_too_short": "must not be empty",
    "too_short": "needs at least {min_length} entries",
    "too_long": "allows at most {max_length} entries",
    "string_too_long": "is too long (at most {max_length} characters)",
    "string_pattern_mismatch": "has characters that are not allowed here",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "union_tag_invalid": "must be one of: {expected_tags}",
    "union_tag_not_found": "needs the field '{discriminator}'",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "datetime_parsing": "must be a date and time (YYYY-MM-DDTHH:MM)",
    "datetime_from_date_parsing": "must be a date and time (YYYY-MM-DDTHH:MM)",
    "uuid_parsing": "must be a UUID",
}


def pydantic_reason(error: Any) -> str:
    """A pydantic error in plain words in the UI language; our own validators' messages pass through."""
    if error["type"] == "value_error":
        return tr(str(error["ctx"]["error"]))
    message = _PYDANTIC_MESSAGES.get(error["type"])
    if message is None:
        return error["msg"]
    params = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
    try:
        return tr(message, **params)
    except (KeyError, IndexError):
        return error["msg"]


def validate_data(model: type[M], data: Any, file: str, lines: dict[Path_, int] | None = None) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, file, lines or {})) from exc


def load_model(path: Path, model: type[M]) -> M:
    """Load a YAML or JSON file as `model`, or raise InputError listing every problem."""
    text = read_text(path)
    parsed = parse_text(text, str(path))
    return validate_data(model, parsed.data, str(path), parsed.lines)


def schema_json(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2)
