"""The YAML/JSON description format (issue "Describe"): author DCAT-AP-SE metadata as plain data, get RDF.

    description = read_description("katalog.yaml")
    result = build_description(description)          # graph + findings (schema problems) + minted identifiers
    data = describe_graph(graph)                      # the reverse: any DCAT-AP-SE graph as a description

The loader calls `looks_like_description_file` when walking folders and `graph_from_document` for `.yaml/.yml/.json`
inputs; the graph it returns carries `ena_locations` (term -> line) so SHACL findings point at the author's lines,
and `validate` adds `schema_findings(document)` to the report.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field

import yaml
from rdflib import Graph

from ..errors import InputError, file_error
from ..load import DEFAULT_MAX_INPUT_BYTES, check_text
from ..load.formats import looks_like_description, looks_like_description_file  # noqa: F401  (the loader's sniffs)
from ..load.vocabularies import builtin_vocabularies, load_vocabularies
from ..messages import tr
from ..report import Finding, term_text
from .build import Built, build, derived_identifier, random_identifier
from .identifiers import write_back
from .parse import parse
from .schema import full_schema
from .source import Source, json_path, read_source
from .values import Vocab, active_vocabularies

SECTION_KEYS = ("catalog", "datasets", "services", "series")


# ------------------------------------------------------------------------------------------------ loader hooks


def graph_from_document(document) -> Graph:
    """For the loader: the RDF of a description file. Raises InputError only when the YAML/JSON does not parse;
    schema problems become findings (see `schema_findings`) and whatever is valid is still built."""
    outcome = _outcome(document.name, document.text, active_vocabularies.get())
    graph = Graph()  # a copy: the cached outcome must not change when a caller changes the graph
    for prefix, namespace in outcome.built.graph.namespaces():
        graph.bind(prefix, namespace)
    graph += outcome.built.graph
    graph.ena_locations = outcome.lines
    return graph


def schema_findings(document) -> list[Finding]:
    """Schema findings of a description document already loaded (cached: the loader has just checked it)."""
    return list(_outcome(document.name, document.text, active_vocabularies.get()).findings)


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
    check_text(data, str(path))
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
    rdf = rdf_format_of(name, text)
    if rdf:
        raise InputError(f"this is RDF ({rdf}), not a description: read it with `describe --from-rdf`", where=name)
    source = read_source(name, text)
    if isinstance(source.data, dict) and {"@context", "@graph", "@id"} & set(source.data):
        raise InputError("this is JSON-LD, not a description: read it with `describe --from-rdf`", where=name)
    from .check import schema_problems  # JSON Schema: imported when a description is first read

    problems = schema_problems(source, vocab)
    built = build(source.data if isinstance(source.data, dict) else {}, vocab, mint)
    problems += built.problems
    owners = Owners(built)
    details = sorted((problem_finding(p, source, owners) for p in problems), key=lambda d: (d[0].line or 0, d[1] or 0,
                                                                                    d[0].focus, d[0].code))
    lines = {term: source.key_position(path)[0] for term, path in built.locations.items()}
    return Outcome(source=source, built=built, findings=[d[0] for d in details], lines=lines, problems=details)


def rdf_format_of(name: str, text: str) -> str | None:
    """The RDF format of text given where a description is expected (by its name, else its content), or None."""
    from ..load import DESCRIPTION_EXTENSIONS, format_from_extension, sniff_format

    lowered = name.lower()
    if lowered.endswith(DESCRIPTION_EXTENSIONS):
        return None  # YAML/JSON by name (JSON-LD is recognised once parsed)
    head = text[:8192]
    if looks_like_description(head) or head.lstrip().startswith(("{", "[")):
        return None
    return format_from_extension(lowered) or sniff_format(head.encode("utf-8"))


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


class Owners:
    """JSON path -> the RDF resource built from it, and the property of a key: links a schema error to the SHACL
    findings it causes (a misspelt `contact_point` is also "no dcat:contactPoint")."""

    def __init__(self, built: Built):
        self.graph = built.graph
        self.nodes = {tuple(path): node for node, path in built.locations.items()}

    def of(self, problem) -> tuple[str | None, str | None]:
        path = tuple(problem.path)
        for end in range(len(path) - 1, 0, -1):
            node = self.nodes.get(path[:end])
            if node is None:
                continue
            key = problem.suggestion if problem.code == "SCHEMA-UNKNOWN-KEY" and end == len(path) - 1 \
                else path[end]
            predicate = self.predicate(node, key)
            return (term_text(node), predicate) if predicate else (None, None)
        return None, None

    def predicate(self, node, key) -> str | None:
        from rdflib.namespace import RDF

        from .model import KINDS

        types = set(self.graph.objects(node, RDF.type))
        for kind in KINDS.values():
            if types & set(kind.types) and key in kind.fields_by_key:
                return str(kind.fields_by_key[key].predicate)
        return None


def problem_finding(problem, source: Source, owners: Owners | None = None) -> tuple[Finding, int | None, str | None]:
    """The finding for one problem, with the column and suggestion the describe command prints."""
    line, column = source.key_position(problem.path) if problem.at_key else source.position(problem.path)
    location = json_path(problem.path)
    messages = problem.messages
    if problem.suggestion:
        messages = {lang: tr("schema.suggestion", lang, message=text, suggestion=problem.suggestion)
                    for lang, text in messages.items()}
    resource, predicate = owners.of(problem) if owners is not None else (None, None)
    finding = Finding(code=problem.code, severity=problem.severity, focus=location, path=predicate,
                      value=problem.value, messages=messages, shape=None, source=source.name, line=line,
                      resource=resource)
    return finding, column, problem.suggestion


@functools.lru_cache(maxsize=1)
def key_of_predicate() -> dict[str, str]:
    """RDF property IRI -> the description key most kinds write it with (dcat:contactPoint -> contact_point)."""
    from collections import Counter

    from .model import KINDS

    counts: dict[str, Counter] = {}
    for kind in KINDS.values():
        for spec in kind.fields:
            counts.setdefault(str(spec.predicate), Counter())[spec.key] += 1
    return {predicate: keys.most_common(1)[0][0] for predicate, keys in counts.items()}


@functools.lru_cache(maxsize=256)
def _prefixed_names(iri: str) -> tuple[str, ...]:
    from ..namespaces import PREFIXES
    from .model import ORG

    names = []
    for prefix, namespace in (*PREFIXES.items(), ("org", ORG)):
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            names.append(f"{prefix}:{iri[len(str(namespace)):]}")
    return tuple(names)


def in_user_terms(finding: Finding) -> Finding:
    """A finding about a description file, in the author's terms: the YAML key (`contact_point`) in the message
    and in `key_name`; the RDF property stays in `path`."""
    if finding.key_name is not None or not finding.path:
        return finding
    if finding.code.startswith("SCHEMA-"):
        key = next((str(p) for p in reversed(finding.focus.split(".")) if p and not p.isdigit()), None)
        return Finding(**{**finding.__dict__, "key_name": key}) if key and key != "$" else finding
    key = key_of_predicate().get(finding.path)
    if key is None:
        return finding
    names = _prefixed_names(finding.path)
    messages = dict(finding.messages)
    if names:
        pattern = re.compile(r"(?<![\w:`<])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
        messages = {lang: pattern.sub(f"`{key}`", text) for lang, text in messages.items()}
    return Finding(**{**finding.__dict__, "messages": messages, "key_name": key})


def error_line(finding: Finding, column: int | None = None, lang: str = "en") -> str:
    """`file:line:column: $.json.path: message` (the format editors and CI annotations understand)."""
    where = f"{finding.source}:{finding.line}" + (f":{column}" if column else "")
    return f"{where}: {finding.focus}: {finding.message(lang)}".replace("\r", "\\r").replace("\n", "\\n")
