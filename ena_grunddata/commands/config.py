"""The project configuration: what a repository fixes once, in `[tool.ena-grunddata]` of `pyproject.toml` or at the
top level of `ena-grunddata.toml` (README, "Project configuration").

Found from the current folder upwards: in each folder, `ena-grunddata.toml` first, then a `pyproject.toml` that has a
`[tool.ena-grunddata]` table (one without it is passed over). `--config FILE` names the file, `--no-config` ignores
any. Checked with a JSON Schema: an unknown key is an error with a did-you-mean suggestion, a value of the wrong type
one line naming the file and the key (exit 2). Options given on the command line win over the file.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..messages import LANGUAGES

CONFIG_NAME = "ena-grunddata.toml"
TOOL_KEY = "ena-grunddata"
SEVERITIES = ["violation", "warning", "info"]
CODE_PATTERN = "^[A-Za-z][A-Za-z0-9_-]*$"

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "profiles": {"type": "array", "items": {"enum": ["dcat-ap-se", "grunddata"]}, "uniqueItems": True},
        "domain": {"type": "string", "minLength": 1},
        "vocabularies": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "shapes": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "fail-on": {"enum": SEVERITIES},
        "merge": {"type": "boolean"},
        "lang": {"enum": list(LANGUAGES)},
        "ignore": {"type": "array", "items": {"oneOf": [
            {"type": "string", "pattern": CODE_PATTERN},
            {"type": "object", "additionalProperties": False, "required": ["code"], "properties": {
                "code": {"type": "string", "pattern": CODE_PATTERN},
                "files": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "focus": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "reason": {"type": "string"},
            }},
        ]}},
        "severity": {"type": "object", "propertyNames": {"pattern": CODE_PATTERN},
                     "additionalProperties": {"enum": SEVERITIES}},
    },
}
# configuration key -> the click parameter it gives a default for (in every command that has it)
OPTION_OF = {"profiles": "profiles", "domain": "domain", "vocabularies": "vocabularies", "shapes": "extra_shapes",
             "fail-on": "fail_on", "merge": "merge", "lang": "lang"}


@dataclass(frozen=True)
class Ignore:
    code: str
    files: tuple[str, ...] = ()  # globs, relative to the configuration's folder
    focus: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class ProjectConfig:
    path: str | None = None  # None: no configuration file
    values: dict = field(default_factory=dict)
    ignore: list[Ignore] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return Path(self.path).resolve().parent if self.path else Path.cwd()

    def defaults(self) -> dict:
        """Option defaults, by click parameter name; file names made relative to where the command runs."""
        found = {}
        for key, option in OPTION_OF.items():
            if key not in self.values:
                continue
            value = self.values[key]
            if key in ("vocabularies", "shapes"):
                value = [self.relative(name) for name in value]
            found[option] = value
        return found

    def relative(self, name: str) -> str:
        path = self.folder / name
        try:
            return os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            return str(path)


def find_config(start: Path | None = None) -> Path | None:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and has_tool_table(pyproject):
            return pyproject
    return None


def has_tool_table(path: Path) -> bool:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False  # unreadable: not ours to judge (a pyproject.toml of another tool)
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError):  # TOMLDecodeError, a number too long to convert, nesting too deep
        return "[tool.ena-grunddata" in text  # ours but broken: load_config says so, with the line
    return isinstance(data.get("tool"), dict) and TOOL_KEY in data["tool"]


def load_config(path: str | os.PathLike | None = None, *, search: bool = True) -> ProjectConfig:
    """The configuration at `path`, or the one found from the current folder upwards (or none)."""
    if path is None:
        found = find_config() if search else None
        if found is None:
            return ProjectConfig()
        path = shown(found)
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError("configuration file not found", where=name) from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the configuration: {getattr(error, 'strerror', None) or error}",
                         where=name) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"not valid TOML: {error}", where=name) from None
    except RecursionError:
        raise UsageError("not valid TOML here: arrays or tables nested too deep to read", where=name) from None
    except ValueError as error:  # tomllib converts integers whole: Python refuses more than 4,300 digits
        why = ("an integer of more than 4,300 digits (write it as a string)" if "digits" in str(error)
               else str(error)[:120])
        raise UsageError(f"not valid TOML here: {why}", where=name) from None
    if Path(path).name == "pyproject.toml":
        table, label = (data.get("tool") or {}).get(TOOL_KEY), "[tool.ena-grunddata]"
        if table is None:
            raise UsageError("has no [tool.ena-grunddata] table", where=name)
    else:
        table, label = data, "ena-grunddata.toml"
    check(table, name, label)
    return ProjectConfig(path=name, values=table, ignore=[ignore_entry(e) for e in table.get("ignore", [])],
                         severity=dict(table.get("severity", {})))


def shown(path: Path) -> str:
    """A found configuration as the user would name it from here."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def ignore_entry(entry) -> Ignore:
    if isinstance(entry, str):
        return Ignore(code=entry)
    return Ignore(code=entry["code"], files=tuple(entry.get("files", ())), focus=tuple(entry.get("focus", ())),
                  reason=entry.get("reason", ""))


def check(table, name: str, label: str) -> None:
    """One line for the first problem, naming the key: unknown keys get a suggestion."""
    if not isinstance(table, dict):
        raise UsageError(f"{label} must be a table of settings", where=name)
    import jsonschema  # when there is a configuration to check: most runs have none

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(table), key=lambda e: (list(e.absolute_path), e.message))
    if not errors:
        return
    error = errors[0]
    raise UsageError(describe_error(error, table), where=name)


def describe_error(error, table) -> str:
    path = list(error.absolute_path)
    where = key_path(path)
    if error.validator == "additionalProperties":
        container = table
        for part in path:
            container = container[part]
        allowed = list(error.schema.get("properties", {}))
        unknown = sorted(set(container) - set(allowed))
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(allowed)})"
        return f"unknown key '{key_path(path + [key])}'{hint}"
    if error.validator == "enum":
        return f"{where}: {error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "type":
        expected = {"array": "a list", "string": "a string", "boolean": "true or false", "object": "a table"}
        return f"{where}: must be {expected.get(error.validator_value, error.validator_value)}, " \
               f"not {toml_type(error.instance)}"
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        branch = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == 1]
        if branch:
            return describe_error(sorted(branch, key=lambda e: list(map(str, e.absolute_path)))[0], table)
    if error.validator == "oneOf":
        return f"{where}: must be a finding code or a table with code (and optionally files, focus, reason)"
    if error.validator == "pattern":
        return f"{where}: {error.instance!r} is not a finding code"
    if error.validator == "required":
        return f"{where}: {error.message}"
    return f"{where}: {error.message}"


def key_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def toml_type(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
