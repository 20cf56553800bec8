"""Schema problems, ALL of them, each at its line and column with its JSON path and a suggestion."""

from __future__ import annotations

import difflib

from jsonschema import Draft202012Validator

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
        problems.append(Problem("SCHEMA-DUPLICATE-KEY", path, f"the key '{path[-1]}' appears twice; the last one "
                                "wins", f"nyckeln '{path[-1]}' förekommer två gånger; den sista gäller",
                                value=str(path[-1]), at_key=True))
    if source.data is None:
        problems.append(Problem("SCHEMA-EMPTY", (), "the file is empty: start from `ena-grunddata init`",
                                "filen är tom: börja med `ena-grunddata init`"))
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
            problems.append(Problem("SCHEMA-UNKNOWN-KEY", path + (unknown,), f"unknown key {str(unknown)!r}",
                                    f"okänd nyckel '{unknown}'", value=unknown, suggestion=close[0] if close else None,
                                    at_key=True))
        return problems
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else " or ".join(
            error.validator_value)
        hint = " (put it in quotes to make it text)" if expected.startswith("string") and isinstance(
            instance, (int, float)) and not isinstance(instance, bool) else ""
        hint_sv = " (sätt citattecken runt värdet för att göra det till text)" if hint else ""
        return [Problem("SCHEMA-TYPE", path, f"'{key}' must be {article(expected)}, not {type_name(instance)}{hint}",
                        f"'{key}' ska vara {expected}, inte {type_name(instance)}{hint_sv}", value=shown(instance))]
    if error.validator == "pattern":
        return [pattern_problem(path, key, schema, instance)]
    if error.validator in ("minimum", "maximum"):
        if key == "orgnr":
            return [Problem("SCHEMA-PATTERN", path, f"'orgnr': {instance} is not an organisation number (ten digits, "
                            "e.g. 202100-5489)", f"'orgnr': {instance} är inget organisationsnummer (tio siffror, "
                            "t.ex. 202100-5489)", value=shown(instance))]
        return [Problem("SCHEMA-VALUE", path, f"'{key}': {instance} is out of range", f"'{key}': {instance} är "
                        "utanför tillåtet intervall", value=shown(instance))]
    if error.validator == "enum":
        return [value_problem(path, key, instance, error.validator_value)]
    if error.validator == "propertyNames":
        return [Problem("SCHEMA-LANGUAGE", path, f"'{instance}' is not a language tag (use sv, en, …)",
                        f"'{instance}' är ingen språktagg (använd sv, en, …)", value=shown(instance))]
    return [Problem("SCHEMA-INVALID", path, error.message[:200], error.message[:200], value=shown(instance))]


def convert_any_of(error, path, key, schema, instance) -> list[Problem]:
    branches = schema.get("anyOf", [])
    codes = next((b["enum"] for b in branches if isinstance(b, dict) and "enum" in b), None)
    if codes is not None:
        if isinstance(instance, str):
            return [value_problem(path, key, instance, codes)]
        return [Problem("SCHEMA-TYPE", path, f"'{key}' must be a code (text), not {type_name(instance)}",
                        f"'{key}' ska vara en kod (text), inte {type_name(instance)}", value=shown(instance))]
    chosen = choose_branch(branches, instance)
    sub = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == chosen]
    if not sub:
        return [Problem("SCHEMA-INVALID", path, error.message[:200], error.message[:200], value=shown(instance))]
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
    return Problem("SCHEMA-VALUE", path, f"'{value}' is not a known value for '{key}' (known: {listing}; or a full "
                   "IRI)", f"'{value}' är inget känt värde för '{key}' (kända: {listing}; eller en fullständig IRI)",
                   value=str(value), suggestion=close[0] if close else None)


def pattern_problem(path, key, schema, instance) -> Problem:
    examples = schema.get("examples") or []
    close = difflib.get_close_matches(str(instance), examples, n=1, cutoff=0.5) if examples else []
    what_en, what_sv = pattern_meaning(schema.get("pattern", ""))
    return Problem("SCHEMA-PATTERN", path, f"'{key}': '{instance}' is not {what_en}",
                   f"'{key}': '{instance}' är inte {what_sv}", value=shown(instance),
                   suggestion=close[0] if close else None)


def pattern_meaning(pattern: str) -> tuple[str, str]:
    if pattern == LANGUAGE_TAG:
        return "a language tag such as sv or en", "en språktagg som sv eller en"
    if pattern.startswith("^-?\\d{4}"):
        return "a date (YYYY-MM-DD, a date-time or a year)", "ett datum (ÅÅÅÅ-MM-DD, datum och tid, eller ett år)"
    if "\\d{6}" in pattern:
        return "an organisation number (NNNNNN-NNNN)", "ett organisationsnummer (NNNNNN-NNNN)"
    if pattern.startswith("^\\w+/"):
        return "a media type such as text/csv", "en medietyp som text/csv"
    if "A-Za-z0-9+.-" in pattern:
        return "an absolute IRI such as https://example.se/…", "en absolut IRI som https://example.se/…"
    return f"of the form {pattern}", f"på formen {pattern}"


def article(expected: str) -> str:
    names = {"string": "text", "object": "a mapping (key: value)", "array": "a list", "integer": "a whole number",
             "number": "a number", "null": "empty"}
    return " or ".join(names.get(part.strip(), part) for part in expected.split(" or "))


def type_name(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return "text"


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
        return [Problem("SCHEMA-PLACEHOLDER", path, f"replace the placeholder {PLACEHOLDER} in '{data}'",
                        f"ersätt platshållaren {PLACEHOLDER} i '{data}'", value=data, severity="warning")]
    return []
