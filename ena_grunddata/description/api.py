"""The YAML/JSON description format (issue "Describe"): author DCAT-AP-SE metadata as plain data, get RDF.

    description = read_description("katalog.yaml")
    result = build_description(description)          # graph + findings (schema problems) + minted identifiers
    data = describe_graph(graph)                      # the reverse: any DCAT-AP-SE graph as a description

The loader calls `looks_like_description_file` when walking folders and `graph_from_document` for `.yaml/.yml/.json`
inputs; the graph it returns carries `ena_locations` (term -> line) so SHACL findings point at the author's lines,
and `validate` adds `schema_findings(document)` to the report.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import sys
from dataclasses import dataclass, field

import yaml
from rdflib import Graph

from .build import Built, build, derived_identifier, random_identifier
from .check import schema_problems
from .identifiers import write_back
from .parse import parse
from .schema import full_schema
from .source import Source, json_path, read_source
from .values import Vocab
from ..errors import InputError, file_error
from ..load import DEFAULT_MAX_INPUT_BYTES
from ..report import Finding

from ..load.vocabularies import builtin_vocabularies, load_vocabularies
from ..load.formats import looks_like_description_file  # noqa: F401  (the loader's sniff, public here too)

SECTION_KEYS = ("catalog", "datasets", "services", "series")


# ------------------------------------------------------------------------------------------------ loader hooks


_active_vocabularies: contextvars.ContextVar = contextvars.ContextVar("ena_description_vocabularies", default=())


@contextlib.contextmanager
def vocabularies_in_use(vocabularies):
    """While loading for `validate --vocabulary FILE`, description files accept the codes FILE defines."""
    token = _active_vocabularies.set(tuple(str(v) for v in vocabularies or ()))
    try:
        yield
    finally:
        _active_vocabularies.reset(token)


def graph_from_document(document) -> Graph:
    """For the loader: the RDF of a description file. Raises InputError only when the YAML/JSON does not parse;
    schema problems become findings (see `schema_findings`) and whatever is valid is still built."""
    outcome = _outcome(document.name, document.text, _active_vocabularies.get())
    graph = Graph()  # a copy: the cached outcome must not change when a caller changes the graph
    for prefix, namespace in outcome.built.graph.namespaces():
        graph.bind(prefix, namespace)
    graph += outcome.built.graph
    graph.ena_locations = outcome.lines
    return graph


def schema_findings(document) -> list[Finding]:
    """Schema findings of a description document already loaded (cached: the loader has just checked it)."""
    return list(_outcome(document.name, document.text, _active_vocabularies.get()).findings)


# ------------------------------------------------------------------------------------------------ library API


@dataclass
class Outcome:
    source: Source
    built: Built
    findings: list[Finding]
    lines: dict = field(default_factory=dict)  # term -> line
    problems: list = field(default_factory=list)  # (finding, column, suggestion), in the order of findings

    @property
    def ok(self) -> bool:
        """No problem that stops `describe` (warnings, such as placeholders left, do not)."""
        return not any(f.severity.label == "violation" for f in self.findings)


def vocabulary(vocabularies=()) -> Vocab:
    if not vocabularies:
        return _builtin_vocab(id(builtin_vocabularies()))
    return _user_vocab(tuple(str(v) for v in vocabularies))


@functools.lru_cache(maxsize=4)
def _user_vocab(vocabularies: tuple) -> Vocab:
    return Vocab(load_vocabularies(vocabularies))


@functools.lru_cache(maxsize=2)
def _builtin_vocab(_key) -> Vocab:
    return Vocab(builtin_vocabularies())


@functools.lru_cache(maxsize=16)
def _outcome(name: str, text: str, vocabularies: tuple = ()) -> Outcome:
    return build_text(name, text, vocab=vocabulary(vocabularies))


def read_text(path, max_bytes: int | None = None) -> str:
    """A description file's text ("-" reads standard input), refusing more than `max_bytes`."""
    limit = max_bytes or DEFAULT_MAX_INPUT_BYTES
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as error:
        raise file_error(error, path) from None
    if len(data) > limit:
        raise InputError(f"input is over the limit of {limit:,} bytes (raise it with --max-input-bytes)",
                         where=str(path))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"not valid UTF-8 at byte {error.start}", where=str(path),
                         line=data.count(b"\n", 0, error.start) + 1) from None


def build_text(name: str, text: str, *, vocab: Vocab | None = None, mint=None) -> Outcome:
    """Check and build one description. `mint(path, node)` gives identifiers to entities that lack one."""
    vocab = vocab or vocabulary()
    source = read_source(name, text)
    if isinstance(source.data, dict) and {"@context", "@graph", "@id"} & set(source.data):
        raise InputError("this is JSON-LD, not a description: read it with `describe --from-rdf`", where=name)
    problems = schema_problems(source, vocab)
    built = build(source.data if isinstance(source.data, dict) else {}, vocab, mint)
    problems += built.problems
    details = sorted((problem_finding(p, source) for p in problems), key=lambda d: (d[0].line or 0, d[1] or 0,
                                                                                    d[0].focus, d[0].code))
    lines = {term: source.key_position(path)[0] for term, path in built.locations.items()}
    return Outcome(source=source, built=built, findings=[d[0] for d in details], lines=lines, problems=details)


def build_description(path, *, vocabularies=(), write_ids=True, max_bytes=None) -> Outcome:
    """Check and build a description file ("-": standard input). New identifiers are random UUIDs when
    `write_ids` (the caller writes them back with `text_with_identifiers`), else UUIDs derived from each
    resource's IRI."""
    text = read_text(path, max_bytes)
    mint = random_identifier if write_ids else derived_identifier
    name = "<stdin>" if str(path) == "-" else str(path)
    return build_text(name, text, vocab=vocabulary(vocabularies), mint=mint)


def text_with_identifiers(outcome: Outcome) -> str | None:
    """The author's text with the minted identifiers inserted (None: nothing to write, or not safely possible)."""
    if not outcome.built.minted:
        return None
    return write_back(outcome.source, outcome.built.minted)


def describe_graph(graph: Graph, *, vocabularies=()) -> dict:
    """Any DCAT-AP-SE graph as a description; what the format has no key for is kept under `extra`."""
    return parse(graph, vocabulary(vocabularies))


def description_graph(data: dict, *, vocabularies=()) -> Graph:
    """A description (plain data) as RDF, without minting identifiers."""
    return build(data, vocabulary(vocabularies)).graph


def dump_yaml(data: dict, header: str = "") -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return header + body


def json_schema(vocabularies=()) -> dict:
    return full_schema(vocabulary(vocabularies))


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Block style, and strings that a YAML 1.1 reader would take for something else stay quoted."""


def _str_representer(dumper, value):
    style = "|" if "\n" in value and not value.startswith((" ", "\n")) and not value.endswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


# ------------------------------------------------------------------------------------------------ findings


MESSAGES_SUGGEST = (" (did you mean '{}'?)", " (menade du '{}'?)")


def problem_finding(problem, source: Source) -> tuple[Finding, int | None, str | None]:
    """The finding for one problem, with the column and suggestion the describe command prints."""
    line, column = source.key_position(problem.path) if problem.at_key else source.position(problem.path)
    location = json_path(problem.path)
    en, sv = problem.en, problem.sv
    if problem.suggestion:
        en += MESSAGES_SUGGEST[0].format(problem.suggestion)
        sv += MESSAGES_SUGGEST[1].format(problem.suggestion)
    finding = Finding(code=problem.code, severity=problem.severity, focus=location, path=None, value=problem.value,
                      messages={"en": en, "sv": sv}, shape=None, source=source.name, line=line)
    return finding, column, problem.suggestion


def error_line(finding: Finding, column: int | None = None, lang: str = "en") -> str:
    """`file:line:column: $.json.path: message` (the format editors and CI annotations understand)."""
    where = f"{finding.source}:{finding.line}" + (f":{column}" if column else "")
    return f"{where}: {finding.focus}: {finding.message(lang)}".replace("\r", "\\r").replace("\n", "\\n")
