"""Schema problems, ALL of them, each at its line and column with its JSON path and a suggestion."""

from __future__ import annotations

import difflib

from jsonschema import Draft202012Validator

from ..messages import LANGUAGES, alternatives, both, tr
from .build import Problem
from .schema import LANGUAGE_TAG, full_schema
from .source import Source
from .values import Vocab

_validators: dict = {}


def validator_for(vocab: Vocab) -> Draft202012Validator:
    key = id(vocab)
    if key not in _validators:
        _validators.clear()
        _validators[key] = (vocab, Draft202012Validator(full_schema(vocab)))
    return _validators[key][1]


def schema_problems(source: Source, vocab: Vocab) -> list[Problem]:
    problems: list[Problem] = []
    for path, line, column in source.duplicates:
        problems.append(Problem("SCHEMA-DUPLICATE-KEY", path, both("schema.duplicate_key", key=path[-1]),
                                value=str(path[-1]), at_key=True))
    if source.data is None:
        problems.append(Problem("SCHEMA-EMPTY", (), both("schema.empty")))
        return problems
    for error in validator_for(vocab).iter_errors(source.data):
        problems.extend(convert(error))
    problems.extend(placeholders(source.data, ()))
    unique = {}
    for problem in problems:
        unique.setdefault((problem.code, problem.path, problem.value), problem)
    return list(unique.values())


def convert(error) -> list[Problem]:
    path = tuple(error.absolute_path)
    key = next((p for p in reversed(path) if isinstance(p, str)), "the description")
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if error.validator == "anyOf":
        return convert_any_of(error, path, key, schema, instance)
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = sorted(schema.get("properties", {}))
        problems = []
        for unknown in sorted(set(instance) - set(known)):
            close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
            problems.append(Problem("SCHEMA-UNKNOWN-KEY", path + (unknown,), both("schema.unknown_key",
                                                                                  key=repr(str(unknown))),
                                    value=unknown, suggestion=close[0] if close else None, at_key=True))
        return problems
    if error.validator == "type":
        expected = [error.validator_value] if isinstance(error.validator_value, str) else list(error.validator_value)
        quote = expected[0] == "string" and isinstance(instance, (int, float)) and not isinstance(instance, bool)
        return [Problem("SCHEMA-TYPE", path, both("schema.type_quote" if quote else "schema.type", key=key,
                                                  expected=lambda lang: article(expected, lang),
                                                  actual=lambda lang: type_name(instance, lang)),
                        value=shown(instance))]
    if error.validator == "pattern":
        return [pattern_problem(path, key, schema, instance)]
    if error.validator in ("minimum", "maximum"):
        if key == "orgnr":
            return [Problem("SCHEMA-PATTERN", path, both("schema.orgnr", value=instance), value=shown(instance))]
        return [Problem("SCHEMA-VALUE", path, both("schema.range", key=key, value=instance), value=shown(instance))]
    if error.validator == "enum":
        return [value_problem(path, key, instance, error.validator_value)]
    if error.validator == "propertyNames":
        return [Problem("SCHEMA-LANGUAGE", path, both("schema.language", value=instance), value=shown(instance))]
    return [invalid(path, error, instance)]


def convert_any_of(error, path, key, schema, instance) -> list[Problem]:
    branches = schema.get("anyOf", [])
    codes = next((b["enum"] for b in branches if isinstance(b, dict) and "enum" in b), None)
    if codes is not None:
        if isinstance(instance, str):
            return [value_problem(path, key, instance, codes)]
        return [Problem("SCHEMA-TYPE", path, both("schema.type_code", key=key,
                                                  actual=lambda lang: type_name(instance, lang)),
                        value=shown(instance))]
    chosen = choose_branch(branches, instance)
    sub = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == chosen]
    if not sub:
        return [invalid(path, error, instance)]
    problems = []
    for child in sub:
        problems.extend(convert(child))
    return problems


def choose_branch(branches, instance) -> int:
    """Which alternative the author meant: the one whose JSON type fits the value."""
    wanted = {list: "array", dict: "object", str: "string"}.get(type(instance))
    for index, branch in enumerate(branches):
        resolved = branch
        if "$ref" in branch:
            resolved = {"type": "object"}
        types = resolved.get("type")
        types = [types] if isinstance(types, str) else (types or [])
        if wanted in types or ("anyOf" in resolved and wanted != "array" and index == 0 and not types):
            return index
    return 0


def value_problem(path, key, value, codes) -> Problem:
    close = difflib.get_close_matches(str(value), [str(c) for c in codes], n=1, cutoff=0.5)
    if not close:
        lowered = {str(c).lower(): str(c) for c in codes}
        close = [lowered[str(value).lower()]] if str(value).lower() in lowered else []
    listing = ", ".join(map(str, codes[:12])) + (", …" if len(codes) > 12 else "")
    return Problem("SCHEMA-VALUE", path, both("schema.unknown_value", value=value, key=key, known=listing),
                   value=str(value), suggestion=close[0] if close else None)


def pattern_problem(path, key, schema, instance) -> Problem:
    examples = schema.get("examples") or []
    close = difflib.get_close_matches(str(instance), examples, n=1, cutoff=0.5) if examples else []
    return Problem("SCHEMA-PATTERN", path, both("schema.pattern", key=key, value=instance,
                                                what=pattern_meaning(schema.get("pattern", ""))),
                   value=shown(instance), suggestion=close[0] if close else None)


def pattern_meaning(pattern: str):
    """What values of the pattern look like, in words: a function of the language."""
    if pattern == LANGUAGE_TAG:
        key = "schema.pattern.language"
    elif pattern.startswith("^-?\\d{4}"):
        key = "schema.pattern.date"
    elif "\\d{6}" in pattern:
        key = "schema.pattern.orgnr"
    elif pattern.startswith("^\\w+/"):
        key = "schema.pattern.media_type"
    elif "A-Za-z0-9+.-" in pattern:
        key = "schema.pattern.iri"
    else:
        return lambda lang: tr("schema.pattern.other", lang, pattern=pattern)
    return lambda lang: tr(key, lang)


# JSON Schema types as `'key' must be …` names them (others are named as the schema writes them)
JSON_TYPES = {"string": "schema.json.string", "object": "schema.json.object", "array": "schema.json.array",
              "integer": "schema.json.integer", "number": "schema.json.number", "null": "schema.json.null"}


def article(expected: list[str], lang: str) -> str:
    return alternatives((tr(JSON_TYPES[part], lang) if part in JSON_TYPES else part for part in expected), lang)


def type_name(value, lang: str) -> str:
    if isinstance(value, bool):
        key = "schema.json.boolean"
    elif isinstance(value, (int, float)):
        key = "schema.json.number"
    elif isinstance(value, dict):
        key = "schema.json.mapping"
    elif isinstance(value, list):
        key = "schema.json.array"
    elif value is None:
        key = "schema.json.null"
    else:
        key = "schema.json.string"
    return tr(key, lang)


def invalid(path, error, instance) -> Problem:
    """Any other schema error: jsonschema's own (English) message, in every language."""
    return Problem("SCHEMA-INVALID", path, {lang: error.message[:200] for lang in LANGUAGES}, value=shown(instance))


def shown(value) -> str | None:
    if isinstance(value, (dict, list)):
        return None
    return str(value)


PLACEHOLDER = "TODO"  # what `ena-grunddata init` writes where the author must fill in


def placeholders(data, path) -> list[Problem]:
    """Values still holding the starter's placeholder: a Warning each, so nothing half-filled gets published."""
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in placeholders(value, path + (key,))]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in placeholders(value, path + (index,))]
    if isinstance(data, str) and PLACEHOLDER in data:
        return [Problem("SCHEMA-PLACEHOLDER", path, both("schema.placeholder", placeholder=PLACEHOLDER, value=data),
                        value=data, severity="warning")]
    return []
