"""The one loader: turns files, folders, standard input and URLs into RDF graphs, safely.

Every command reads RDF through here. Bytes are read by us (never by rdflib, which would open paths and URLs
itself), checked (size, encoding, entity declarations, JSON-LD contexts), then parsed into a fresh graph under a
time budget, so a failing document contributes nothing and a hostile one cannot hang or reach the network.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from ..errors import InputError, UsageError, file_error

# rdflib logs a full traceback for every ill-typed literal; such literals become findings instead.
logging.getLogger("rdflib").setLevel(logging.CRITICAL)
# Keep lexical forms as written ("01"^^xsd:integer stays "01"): we report on data, we do not rewrite it.
rdflib.NORMALIZE_LITERALS = False

MiB = 1024 * 1024
DEFAULT_MAX_INPUT_BYTES = 256 * MiB
DEFAULT_TIMEOUT = 300.0
# Deepest [ ] / ( ) in Turtle, objects/arrays in JSON-LD, elements in RDF/XML. rdflib's parsers recurse per level
# and hit Python's recursion limit at 120-330 levels (fewer when called deep in a stack); real metadata needs < 20.
DEFAULT_MAX_NESTING = 100


@dataclass(frozen=True)
class RdfFormat:
    name: str
    rdflib_name: str
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]


FORMATS = {
    f.name: f
    for f in (
        RdfFormat("rdfxml", "xml", ("application/rdf+xml",), (".rdf", ".owl", ".xml")),
        RdfFormat("turtle", "turtle", ("text/turtle", "application/x-turtle"), (".ttl", ".turtle")),
        RdfFormat("jsonld", "json-ld", ("application/ld+json",), (".jsonld", ".json-ld")),
        RdfFormat("ntriples", "nt", ("application/n-triples",), (".nt",)),
        RdfFormat("nquads", "nquads", ("application/n-quads",), (".nq",)),
        RdfFormat("trig", "trig", ("application/trig",), (".trig",)),
    )
}
FORMAT_ALIASES = {"xml": "rdfxml", "rdf": "rdfxml", "ttl": "turtle", "json-ld": "jsonld", "nt": "ntriples",
                  "nq": "nquads"}
# YAML/JSON description files (the `describe` format) are loaded through the same door.
DESCRIPTION_EXTENSIONS = (".yaml", ".yml", ".json")
ACCEPT_HEADER = ("application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.8, "
                 "application/n-triples;q=0.7, application/trig;q=0.6, application/n-quads;q=0.6, */*;q=0.1")


@dataclass
class Limits:
    """Bounds on every document read: bytes before parsing, seconds of parsing."""

    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    timeout: float | None = DEFAULT_TIMEOUT
    allow_private: bool = False
    max_nesting: int = DEFAULT_MAX_NESTING


@dataclass
class Document:
    """The bytes of one input and what we know about them."""

    name: str  # as shown to the user: the path as given, the URL, or <stdin>
    data: bytes
    format: str  # a key of FORMATS, or "description"
    base: str  # base IRI for relative references

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass
class Loaded:
    """Graphs read from one or more sources, remembering where each resource came from."""

    graph: Graph
    sources: list[str]
    origins: Origins
    documents: list[Document] = field(default_factory=list)


def normalise_format(name: str | None) -> str | None:
    if name is None:
        return None
    key = name.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    if key not in FORMATS and key != "description":
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown input format '{name}' (known: {known})")
    return key


# --------------------------------------------------------------------------------------------- reading bytes


def expand_sources(sources) -> list[str]:
    """Turn folders into the RDF and description files below them (sorted, hidden folders skipped)."""
    expanded = []
    for source in sources:
        source = str(source)
        if source == "-" or is_url(source):
            expanded.append(source)
            continue
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and is_loadable_name(p, path))
            expanded.extend(str(p) for p in found)
        else:
            expanded.append(source)
    return expanded


def is_loadable_name(path: Path, root: Path) -> bool:
    relative = path.relative_to(root).parts
    if any(part.startswith(".") for part in relative):
        return False
    suffix = path.suffix.lower()
    if suffix in DESCRIPTION_EXTENSIONS:
        return _description_module().looks_like_description_file(path)
    return format_from_extension(path.name) is not None


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_documents(sources, *, input_format=None, limits: Limits | None = None) -> list[Document]:
    limits = limits or Limits()
    forced = normalise_format(input_format)
    documents = []
    for source in expand_sources(sources):
        documents.append(read_document(source, forced=forced, limits=limits))
    return documents


def read_document(source: str, *, forced=None, limits: Limits) -> Document:
    content_type = None
    base = None
    if source == "-":
        name = "<stdin>"
        data = _read_capped(sys.stdin.buffer, name, limits.max_input_bytes)
    elif is_url(source):
        from .. import http  # only when the user gave a URL: offline by default

        response = http.fetch(source, accept=ACCEPT_HEADER, max_bytes=limits.max_input_bytes,
                              allow_private=limits.allow_private)
        name, data, content_type, base = source, response.content, response.content_type, response.url
    else:
        name = source
        path = Path(source)
        if path.is_dir():
            raise InputError("is a folder with no RDF or description files", where=name)
        try:
            size = path.stat().st_size
            if size > limits.max_input_bytes:
                raise InputError(too_large(size, limits.max_input_bytes), where=name)
            with path.open("rb") as handle:
                data = _read_capped(handle, name, limits.max_input_bytes)
        except OSError as error:
            raise file_error(error, name) from None
    data = strip_bom(data)
    fmt = forced or choose_format(name, content_type, data)
    return Document(name=name, data=data, format=fmt, base=base or base_for(name))


def too_large(size, limit) -> str:
    return f"input is {size:,} bytes, over the limit of {limit:,} bytes (raise it with --max-input-bytes)"


def _read_capped(stream, name, limit) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"input is over the limit of {limit:,} bytes (raise it with --max-input-bytes)",
                         where=name)
    return data


def strip_bom(data: bytes) -> bytes:
    # Windows editors write a UTF-8 byte-order mark that rdflib's Turtle parser rejects.
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def base_for(name: str) -> str:
    """Relative IRIs resolve against this base. Never a local path: that would leak into published data."""
    if is_url(name):
        return name
    return "https://relative.invalid/" + Path(name).name.replace(" ", "%20") if name != "<stdin>" \
        else "https://relative.invalid/stdin"


# --------------------------------------------------------------------------------------------- formats


def format_from_extension(name: str) -> str | None:
    lowered = name.lower()
    for fmt in FORMATS.values():
        if lowered.endswith(fmt.extensions):
            return fmt.name
    return None


def format_from_media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json":
        return "jsonld"
    for fmt in FORMATS.values():
        if media in fmt.media_types:
            return fmt.name
    return None


_NT_LINE = re.compile(r'^\s*(<[^>]*>|_:\S+)\s+<[^>]*>\s+(<[^>]*>|_:\S+|".*)\s*(<[^>]*>|_:\S+)?\s*\.\s*(#.*)?$')


def sniff_format(data: bytes) -> str | None:
    head = data[:8192].lstrip()
    starts_with_statement = re.match(rb'<[^\s<>"]*>\s+<', head)  # IRI then a term: not XML
    if head.startswith(b"<") and not starts_with_statement:
        lowered = head[:2048].lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return None
        return "rdfxml" if (b"rdf" in lowered or lowered.startswith(b"<?xml")) else None
    if head[:1] in (b"{", b"["):
        return "jsonld"
    text = head.decode("utf-8", errors="replace")
    if re.search(r"^\s*(@prefix|@base|prefix\s|base\s)", text, re.MULTILINE | re.IGNORECASE):
        return "trig" if re.search(r"^\s*\S+\s*\{", text, re.MULTILINE) and "GRAPH" in text.upper() else "turtle"
    lines = [line for line in text.splitlines()[:-1] or text.splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    if lines and all(_NT_LINE.match(line) for line in lines):
        without_literals = [re.sub(r'"(?:[^"\\]|\\.)*"(@[\w-]+|\^\^<[^>]*>)?', " L ", line) for line in lines]
        with_graph = any(len(re.findall(r"<[^>]*>|_:\S+|\sL\s", line)) >= 4 for line in without_literals)
        return "nquads" if with_graph else "ntriples"
    if lines and lines[0].lstrip().startswith(("<", "_:")):
        return "turtle"
    return None


def choose_format(name: str, content_type: str | None, data: bytes) -> str:
    """Extension first, then the server's Content-Type, then the content itself."""
    lowered = name.lower().split("?")[0]
    if lowered.endswith(DESCRIPTION_EXTENSIONS):
        if lowered.endswith(".json") and looks_like_jsonld(data):
            return "jsonld"
        return "description"
    fmt = format_from_extension(lowered) if not is_url(name) else None
    fmt = fmt or format_from_media_type(content_type) or (format_from_extension(lowered) if is_url(name) else None)
    if fmt is None and _description_module().looks_like_description(data[:256 * 1024].decode("utf-8", "replace")):
        return "description"  # e.g. `validate - < katalog.yaml`
    fmt = fmt or sniff_format(data)
    if fmt is None:
        if not data.strip():
            raise InputError("empty input: no RDF to read", where=name)
        got = f" (server sent {content_type})" if content_type else ""
        raise InputError(f"cannot tell the RDF format{got}; name it with --input-format "
                         f"({'|'.join(FORMATS)})", where=name)
    return fmt


def looks_like_jsonld(data: bytes) -> bool:
    head = data[:4096]
    return any(key in head for key in (b'"@context"', b'"@graph"', b'"@id"', b'"@type"'))


# --------------------------------------------------------------------------------------------- parsing


class ParseTimeout(Exception):
    pass


_network_forbidden = threading.local()
_audit_hook_installed = False


def _audit(event, args):
    # Backstop for rdflib and pyshacl, which open URLs and files named inside documents.
    if event == "urllib.Request" and getattr(_network_forbidden, "active", False):
        raise PermissionError(f"network access refused while parsing: {args[0]}")


@contextlib.contextmanager
def no_network():
    global _audit_hook_installed
    if not _audit_hook_installed:
        sys.addaudithook(_audit)
        _audit_hook_installed = True
    previous = getattr(_network_forbidden, "active", False)
    _network_forbidden.active = True
    try:
        yield
    finally:
        _network_forbidden.active = previous


@contextlib.contextmanager
def time_budget(seconds: float | None, name: str):
    """Interrupt a parse that runs past `seconds` (main thread only; elsewhere no budget can be enforced)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise ParseTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except ParseTimeout:
        raise InputError(f"time budget exceeded ({seconds:g} s); raise it with --timeout", where=name) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parse_document(document: Document, limits: Limits | None = None) -> Graph:
    """Parse one document into a fresh graph, or raise InputError with file and line."""
    limits = limits or Limits()
    if document.format == "description":
        graph = _description_module().graph_from_document(document)
        check_terms(document, graph)  # the same IRI and literal rules as RDF input (a store refuses the rest)
        return graph
    if not document.data.strip():  # rdflib: Turtle gives 0 triples, JSON-LD and RDF/XML a parse error
        raise InputError("empty input: no RDF to read", where=document.name)
    check_safe(document, limits)
    fmt = FORMATS[document.format]
    try:
        with no_network(), time_budget(limits.timeout, document.name), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # rdflib warns on the terminal about odd literals ("weird boolean")
            graph = _parse(document, fmt)
    except InputError:
        raise
    except RecursionError:
        raise InputError("nesting too deep to parse", where=document.name) from None
    except MemoryError:
        raise InputError("out of memory while parsing", where=document.name) from None
    except Exception as error:  # rdflib raises many unrelated types for bad syntax
        raise syntax_error(document, error) from None
    check_terms(document, graph)
    return graph


def _parse(document: Document, fmt: RdfFormat) -> Graph:
    # pyshacl sets rdflib.NORMALIZE_LITERALS back to True after every validation: set it for each parse.
    rdflib.NORMALIZE_LITERALS = False
    data = document.data if fmt.name == "rdfxml" else decode_utf8(document)
    if fmt.name == "jsonld":
        data = with_known_contexts(data)
    if fmt.name == "ntriples" and _LONG_LINE.search(document.data):
        # rdflib's N-Triples reader rescans its buffer per 2 KiB read: a 2 MB line took 135 s. N-Triples is a
        # subset of Turtle, and the Turtle parser is linear here.
        return Graph().parse(data=data, format="turtle", publicID=document.base)
    if fmt.name not in ("nquads", "trig"):
        return Graph().parse(data=data, format=fmt.rdflib_name, publicID=document.base)
    # Named graphs are merged: validation looks at the statements, not at which graph holds them.
    dataset = Dataset()
    dataset.parse(data=data, format=fmt.rdflib_name, publicID=document.base)
    graph = Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        graph.add((subject, predicate, obj))
    return graph


_LONG_LINE = re.compile(rb"[^\n]{16384}")


def decode_utf8(document: Document) -> str:
    try:
        return document.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = document.data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not valid UTF-8 at byte {error.start}", where=document.name, line=line) from None


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)


def check_safe(document: Document, limits: Limits | None = None) -> None:
    """Refuse what would make a parser expand entities, fetch anything, recurse too deep or drop data silently."""
    limits = limits or Limits()
    if document.format == "rdfxml":
        match = _ENTITY_DECLARATION.search(document.data) or _EXTERNAL_DTD.search(document.data)
        if match:
            line = document.data.count(b"\n", 0, match.start()) + 1
            what = "entity declarations" if b"ENTITY" in match.group(0).upper() else "external DTDs"
            raise InputError(f"{what} are not allowed in RDF/XML (they can expand without bound or read "
                             "local files)", where=document.name, line=line)
        check_xml_nesting(document, limits.max_nesting)
    elif document.format == "jsonld":
        check_jsonld_contexts(document, limits.max_nesting)
    elif document.format in ("turtle", "trig"):
        check_turtle_nesting(document, limits.max_nesting)
    check_control_characters(document)


# A raw C0 control (other than tab, LF, CR), or an escape of one that is not itself an escaped backslash.
_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ESCAPED_CONTROL = re.compile(rb"\\(?:u|U0000)(?:000[0-8bBcCeEfF]|001[0-9a-fA-F])")


def _escaped_control(data: bytes):
    """The first \\u escape of a control character that is not itself escaped (`\\\\u0000` is text)."""
    if b"\\u00" not in data and b"\\U0000" not in data:
        return None
    for match in _ESCAPED_CONTROL.finditer(data):
        start = match.start()
        while start > 0 and data[start - 1] == 0x5C:  # backslashes before this one
            start -= 1
        if (match.start() - start) % 2 == 0:
            return match
    return None


def check_control_characters(document: Document) -> None:
    """Refuse C0 control characters before any parser (rdflib or pyoxigraph) sees them: XML 1.0 cannot carry
    them, so an export to RDF/XML would be corrupt, and a NUL was written raw into N-Triples."""
    if document.format == "rdfxml":
        return  # XML 1.0 forbids them itself: the XML parser reports them with line and column
    match = _RAW_CONTROL.search(document.data) or _escaped_control(document.data)
    if match is not None:
        decode_utf8(document)  # not UTF-8 (UTF-16 is full of NUL bytes) is the better message
    if match is None:
        return
    code = document.data[match.start()] if len(match.group(0)) == 1 else int(match.group(0)[-4:], 16)
    line = document.data.count(b"\n", 0, match.start()) + 1
    raise InputError(f"a literal contains the control character U+{code:04X}, which RDF/XML and most tools "
                     "cannot carry; remove it", where=document.name, line=line)


def check_jsonld_contexts(document: Document, max_nesting: int = DEFAULT_MAX_NESTING) -> None:
    try:
        tree = json.loads(decode_utf8(document))
    except json.JSONDecodeError as error:
        raise InputError(error.msg, where=document.name, line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise too_deep(document.name, max_nesting) from None
    if json_depth_exceeds(tree, max_nesting):
        raise too_deep(document.name, max_nesting)
    for reference in remote_contexts(tree):
        if reference in KNOWN_CONTEXTS:
            continue
        raise InputError(f"remote JSON-LD context not allowed: {reference} (put the context inline)",
                         where=document.name, line=_line_of(document.text, reference))
    check_jsonld_values(document, tree)


def remote_contexts(node):
    """Every @context or @import given by reference rather than inline."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import"):
                    values = value if isinstance(value, list) else [value]
                    for entry in values:
                        if isinstance(entry, str):
                            yield entry
                        else:
                            stack.append(entry)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


# ----------------------------------------------------------------- nesting, JSON-LD contexts and dropped values


def too_deep(name: str, limit: int, line: int | None = None) -> InputError:
    return InputError(f"nesting too deep (more than {limit} levels)", where=name, line=line)


# Strings, IRIs and comments are skipped so that brackets inside them do not count.
_TURTLE_NESTING_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>|#[^\n]*|[\[\]()]", re.DOTALL)


def check_turtle_nesting(document: Document, limit: int) -> None:
    """rdflib's Turtle parser recurses once per [ ] or ( ) level: refuse deep nesting before it does."""
    text = document.text
    if text.count("[") + text.count("(") <= limit:
        return
    depth = 0
    for token in _TURTLE_NESTING_TOKENS.finditer(text):
        bracket = token.group(0)
        if bracket in ("[", "("):
            depth += 1
            if depth > limit:
                raise too_deep(document.name, limit, text.count("\n", 0, token.start()) + 1)
        elif bracket in ("]", ")"):
            depth = max(depth - 1, 0)


class _TooDeep(Exception):
    pass


def check_xml_nesting(document: Document, limit: int) -> None:
    """A quick expat pass (entities are already refused): deep RDF/XML breaks rdflib's serialisers later."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(name, attributes):
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _TooDeep(parser.CurrentLineNumber)

    def end(name):
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(document.data, True)
    except _TooDeep as deep:
        raise too_deep(document.name, limit, deep.args[0]) from None
    except xml.parsers.expat.ExpatError:
        return  # rdflib's parser reports syntax errors with their position


def json_depth_exceeds(tree, limit: int) -> bool:
    stack = [(tree, 1)] if isinstance(tree, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


# Context IRIs we know, served from the copies shipped in ena_grunddata/data (never fetched).
KNOWN_CONTEXTS = {
    "https://w3id.org/ena-grunddata/context.jsonld": "context-ena-grunddata.jsonld",
    "http://w3id.org/ena-grunddata/context.jsonld": "context-ena-grunddata.jsonld",
}


def known_context(iri: str) -> dict:
    from importlib import resources

    text = resources.files("ena_grunddata.data").joinpath(KNOWN_CONTEXTS[iri]).read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def with_known_contexts(text: str) -> str:
    """Replace every known context IRI by the shipped copy, so rdflib never looks it up."""
    if not any(iri in text for iri in KNOWN_CONTEXTS):
        return text

    def substitute(node):
        if isinstance(node, list):
            return [substitute(item) for item in node]
        if not isinstance(node, dict):
            return node
        result = {}
        for key, value in node.items():
            if key in ("@context", "@import"):
                entries = value if isinstance(value, list) else [value]
                entries = [known_context(e) if isinstance(e, str) and e in KNOWN_CONTEXTS else substitute(e)
                           for e in entries]
                value = entries if isinstance(value, list) else entries[0]
                if key == "@import":  # an imported context is merged into the one that imports it
                    result.update({k: v for k, v in value.items() if k not in node})
                    continue
            elif key != "@value":
                value = substitute(value)
            result[key] = value
        return result

    return json.dumps(substitute(json.loads(text)), ensure_ascii=False)


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass
class _JsonLdTerms:
    defined: set = field(default_factory=set)
    json_literals: set = field(default_factory=set)  # terms whose values are JSON literals (@type @json)
    vocab: bool = False
    languages: list = field(default_factory=list)


def _context_terms(tree) -> _JsonLdTerms:
    """Every term any context in the document defines (scoping is ignored: this only finds keys nothing maps)."""
    terms = _JsonLdTerms()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    entries = value if isinstance(value, list) else [value]
                    for entry in entries:
                        if isinstance(entry, str) and entry in KNOWN_CONTEXTS:
                            entry = known_context(entry)
                        if isinstance(entry, dict):
                            _add_context(entry, terms, stack)
                elif key != "@value":
                    stack.append(value)
    return terms


def _add_context(context: dict, terms: _JsonLdTerms, stack: list) -> None:
    for key, value in context.items():
        if key == "@vocab" and value is not None:
            terms.vocab = True
        elif key == "@language" and value is not None:
            terms.languages.append(value)
        elif key == "@import" or key.startswith("@"):
            continue
        else:
            terms.defined.add(key)
            if isinstance(value, dict):
                if value.get("@type") == "@json":
                    terms.json_literals.add(key)
                if value.get("@language") is not None:
                    terms.languages.append(value["@language"])
                if "@context" in value:  # a scoped context
                    stack.append({"@context": value["@context"]})


def check_jsonld_values(document: Document, tree) -> None:
    """rdflib drops, without a word, values under unmapped keys, @ids that are not IRIs and bad language tags."""
    terms = _context_terms(tree)
    for tag in terms.languages:
        _check_language_tag(document, tag)
    ignored: dict[str, int] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key == "@id" and isinstance(value, str) and _BAD_IRI_CHARACTER.search(value):
                raise InputError(f"invalid IRI <{_escaped(value)}> in @id (characters such as spaces, quotes and "
                                 "angle brackets must be percent-encoded)", where=document.name,
                                 line=_line_of(document.text, json.dumps(value)[1:-1]))
            if key == "@language":
                _check_language_tag(document, value)
            if key in ("@context", "@value") or key in terms.json_literals:
                continue
            if not (key.startswith("@") or key in terms.defined or ":" in key or terms.vocab):
                ignored[key] = ignored.get(key, 0) + (len(value) if isinstance(value, list) else 1)
            stack.append(value)
    if ignored:
        key, count = next(iter(ignored.items()))
        others = f" (and {len(ignored) - 1} other keys)" if len(ignored) > 1 else ""
        raise InputError(f"JSON-LD key '{key}'{others} is not mapped to an IRI by any @context, @vocab or prefix: "
                         f"{sum(ignored.values())} value{'s' if sum(ignored.values()) != 1 else ''} would be "
                         "ignored (define the term in @context or use a full IRI)", where=document.name,
                         line=_line_of(document.text, f'"{key}"'))


def _check_language_tag(document: Document, tag) -> None:
    if tag is None or (isinstance(tag, str) and _LANGUAGE_TAG.match(tag)):
        return
    raise InputError(f"invalid language tag {json.dumps(tag, ensure_ascii=False)} (use a BCP 47 tag such as "
                     "sv or en-GB); the values would be ignored", where=document.name,
                     line=_line_of(document.text, json.dumps(tag, ensure_ascii=False)))


def _escaped(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


def syntax_error(document: Document, error: Exception) -> InputError:
    """One line naming the file and, where the parser knows it, the line."""
    line = column = None
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if hasattr(error, "getLineNumber"):  # xml.sax.SAXParseException
        line, column = error.getLineNumber(), error.getColumnNumber()
        message = error.getMessage()
    elif type(error).__name__ == "BadSyntax":  # rdflib's Turtle/TriG parser: its `lines` is unreliable
        parsed = getattr(error, "_str", b"").decode("utf-8", errors="replace")[: getattr(error, "_i", 0)]
        line = parsed.count("\n") + 1
        message = "bad syntax (" + getattr(error, "_why", "syntax error") + ")"
    elif isinstance(error, IndexError) and document.format in ("turtle", "trig"):
        line = document.text.rstrip().count("\n") + 1
        message = "unexpected end of input (an unfinished statement)"
    elif isinstance(error, json.JSONDecodeError):
        line, column, message = error.lineno, error.colno, error.msg
    elif _RDFXML_POSITION.match(message):  # rdflib's RDF/XML ParserError: "<uri>:line:col: text"
        line_text, column_text, message = _RDFXML_POSITION.match(message).groups()
        line, column = int(line_text), int(column_text)
    elif document.format in ("ntriples", "nquads"):
        line = first_bad_line(document)
        message = "invalid " + ("N-Triples" if document.format == "ntriples" else "N-Quads") + " statement"
    if document.format in _TURTLE_FAMILY:
        bad_tag = _first_bad_language_tag(document.text, line)
        if bad_tag is not None:
            line, column = bad_tag[0], None
            message = f"invalid language tag '@{bad_tag[1]}' (use a BCP 47 tag such as sv or en-GB)"
    return InputError(message[:300] + _format_hint(document), where=document.name, line=line, column=column)


_TURTLE_FAMILY = ("turtle", "trig", "ntriples", "nquads")
_TURTLE_LANGUAGE = re.compile(r"""["']@([^\s.;,\])}]+)""")


def _first_bad_language_tag(text: str, line: int | None) -> tuple[int, str] | None:
    """The invalid language tag on the error's line (or anywhere, when the parser gave no line)."""
    if line is not None:
        lines = text.split("\n", line)
        text, first = (lines[line - 1] if len(lines) >= line else ""), line
    else:
        first = 1
    for match in _TURTLE_LANGUAGE.finditer(text):
        if not _LANGUAGE_TAG.match(match.group(1)):
            return first + text.count("\n", 0, match.start()), match.group(1)
    return None


def _format_hint(document: Document) -> str:
    """When a parse fails and the content looks like another format family, say how to name the format."""
    looks = sniff_format(document.data)
    if looks is None or looks == document.format:
        return ""
    if (looks in _TURTLE_FAMILY) == (document.format in _TURTLE_FAMILY):
        return ""
    return f"; the content looks like {looks}: name the format with --input-format {looks}"


_RDFXML_POSITION = re.compile(r"^.*?:(\d+):(\d+): (.*)$")


def first_bad_line(document: Document) -> int | None:
    """rdflib's N-Triples parser does not say where it failed; find the first line that fails on its own."""
    fmt = FORMATS[document.format].rdflib_name
    for number, line in enumerate(document.text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Graph().parse(data=line + "\n", format=fmt)
        except Exception:
            return number
    return None


_BAD_IRI_CHARACTER = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def iri_problem(iri: str) -> str | None:
    """Why an IRI cannot be published (None: fine). rdflib accepts IRIs that every serialiser, SPARQL store and
    the fast engine (pyoxigraph, RFC 3987) refuse later, e.g. `0ttps://x` or `http://a:b/`."""
    if _BAD_IRI_CHARACTER.search(iri):
        return "characters such as spaces, quotes and angle brackets must be percent-encoded"
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - a dependency; the character check above still holds
        return None
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as error:
        return f"not a valid absolute IRI: {str(error).strip() or 'rejected'}"
    return None


def language_problem(tag: str) -> str | None:
    """rdflib accepts tags such as `v` that BCP 47, RDF stores and the fast engine refuse."""
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - a dependency
        return None
    try:
        pyoxigraph.Literal("x", language=tag)
    except ValueError as error:
        return str(error).strip().rstrip(".").lower() or "rejected"
    return None


def check_terms(document: Document, graph: Graph) -> None:
    """Refuse terms that would corrupt any output later: bad IRIs and language tags, surrogates, controls."""
    seen = set()
    checked = set()  # datatype IRIs and language tags repeat across literals: check each once
    for triple in graph:
        for term in triple:
            if term in seen or isinstance(term, BNode):
                continue
            seen.add(term)
            iri = term if isinstance(term, URIRef) else getattr(term, "datatype", None)
            problem = iri_problem(str(iri)) if iri is not None and iri not in checked else None
            checked.add(iri)
            if problem:
                shown = str(iri).encode("unicode_escape").decode("ascii")
                raise InputError(f"invalid IRI <{shown}> ({problem})", where=document.name,
                                 line=_line_of_iri(document, str(iri)))
            if isinstance(term, Literal) and term.language and term.language not in checked \
                    and language_problem(term.language):
                raise InputError(f"invalid language tag '@{term.language}' ({language_problem(term.language)}; use a "
                                 "BCP 47 tag such as sv or en-GB)", where=document.name,
                                 line=_line_of(document.text, "@" + term.language))
            checked.add(getattr(term, "language", None))
            if isinstance(term, Literal) and _SURROGATE.search(term):
                raise InputError("a literal contains a lone surrogate code point (not valid Unicode)",
                                 where=document.name, line=_line_of_pattern(document.text, _SURROGATE_ESCAPE))
            if isinstance(term, Literal) and _CONTROL_CHARACTER.search(term):
                code = ord(_CONTROL_CHARACTER.search(term).group(0))
                raise InputError(f"a literal contains the control character U+{code:04X}, which RDF/XML and most "
                                 "tools cannot carry; remove it", where=document.name,
                                 line=_line_of_pattern(document.text, _CONTROL_ESCAPE))


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\U0000[dD][89a-fA-F][0-9a-fA-F]{2}")
# C0 controls other than tab, line feed and carriage return (XML 1.0 cannot hold them; NUL ends C strings).
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\\(?:u|U0000)(?:000[0-8bBcCeEfF]|001[0-9a-fA-F])")


def _line_of_pattern(text: str, pattern: re.Pattern) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _line_of_iri(document: Document, iri: str) -> int | None:
    """The line of an IRI as written: whole, or (escaped or relative in the source) up to its first bad character."""
    line = _line_of(document.text, iri)
    if line is not None:
        return line
    written = iri[len(document.base):] if iri.startswith(document.base) and len(iri) > len(document.base) else iri
    prefix = written[:_BAD_IRI_CHARACTER.search(written).start()] if _BAD_IRI_CHARACTER.search(written) else written
    if not prefix:
        return None
    match = re.search(re.escape(prefix) + r"(?![\w>])", document.text)
    return document.text.count("\n", 0, match.start()) + 1 if match else None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    if index < 0:
        return None
    return text.count("\n", 0, index) + 1


def _description_module():
    from ..description import api as describe  # the YAML/JSON description format

    return describe


# --------------------------------------------------------------------------------------------- origins


class Origins:
    """Which source each subject came from, and (computed on demand) on which line it is described."""

    def __init__(self):
        self._source_of: dict = {}
        self._documents: dict[str, Document] = {}
        self._lines: dict[str, dict[str, int]] = {}
        self._explicit: dict = {}

    def add(self, document: Document, graph: Graph) -> None:
        self._documents[document.name] = document
        for subject in graph.subjects(unique=True):
            self._source_of.setdefault(subject, document.name)

    def set_location(self, term, source: str, line: int | None) -> None:
        """For sources that know exact positions (the description format's source map)."""
        self._source_of[term] = source
        self._explicit[term] = line

    def source_of(self, term) -> str | None:
        return self._source_of.get(term)

    def describes(self, term) -> bool:
        """Whether a loaded source describes `term` (has it as a subject on a line we can find)."""
        source = self.source_of(term)
        return source is not None and (term in self._explicit or str(term) in self._line_index(source))

    def locate(self, term, graph: Graph | None = None) -> tuple[str | None, int | None]:
        """(source, line) of a subject; a blank node borrows the place of the resource that refers to it."""
        source = self._source_of.get(term)
        if isinstance(term, BNode) and graph is not None:
            parent = next(graph.subjects(None, term), None)
            if parent is not None and parent != term:
                parent_source, parent_line = self.locate(parent, None)
                return parent_source or source, parent_line
        if source is None:
            return None, None
        if term in self._explicit:
            return source, self._explicit[term]
        return source, self._line_index(source).get(str(term))

    def _line_index(self, source: str) -> dict[str, int]:
        if source not in self._lines:
            document = self._documents.get(source)
            self._lines[source] = subject_lines(document) if document else {}
        return self._lines[source]


_TURTLE_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_TURTLE_SUBJECT = re.compile(r"^\s*(?:<([^>]*)>|([A-Za-z][\w.-]*)?:([^\s;,()\[\]]*))")
_XML_SUBJECT = re.compile(r"""\b(?:rdf:)?about\s*=\s*["']([^"']*)["']""")
_JSONLD_ID = re.compile(r'"@id"\s*:\s*"([^"]*)"')


def subject_lines(document: Document) -> dict[str, int]:
    """Best-effort map from subject IRI to the first line that describes it."""
    lines: dict[str, int] = {}
    text = document.text
    if document.format in ("turtle", "trig", "ntriples", "nquads", "description"):
        prefixes: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            prefix = _TURTLE_PREFIX.match(line)
            if prefix:
                prefixes[prefix.group(1)] = prefix.group(2)
                continue
            match = _TURTLE_SUBJECT.match(line)
            if not match:
                continue
            if match.group(1) is not None:
                iri = match.group(1)
            elif match.group(2) is not None or line.lstrip().startswith(":"):
                namespace = prefixes.get(match.group(2) or "")
                if namespace is None:
                    continue
                iri = namespace + match.group(3)
            else:
                continue
            lines.setdefault(iri, number)
    elif document.format == "rdfxml":
        for number, line in enumerate(text.splitlines(), start=1):
            for iri in _XML_SUBJECT.findall(line):
                lines.setdefault(iri, number)
    elif document.format == "jsonld":
        for number, line in enumerate(text.splitlines(), start=1):
            for iri in _JSONLD_ID.findall(line):
                lines.setdefault(iri, number)
    return lines


# --------------------------------------------------------------------------------------------- entry point


def read_inputs(sources, *, input_format=None, limits: Limits | None = None) -> list[Document]:
    """The documents behind the user's sources; none at all is a usage or input error."""
    sources = list(sources)
    if not sources:
        raise UsageError("no input given (name files, folders, URLs or - for standard input)")
    documents = read_documents(sources, input_format=input_format, limits=limits or Limits())
    if not documents:
        raise InputError("no RDF or description files found", where=", ".join(map(str, sources)))
    return documents


def load(sources, *, input_format=None, limits: Limits | None = None) -> Loaded:
    """Read and parse every source into one graph; the first bad document stops everything (exit 2)."""
    limits = limits or Limits()
    documents = read_inputs(sources, input_format=input_format, limits=limits)
    graph = Graph()
    origins = Origins()
    for document in documents:
        part = parse_document(document, limits)
        origins.add(document, part)
        locations = getattr(part, "ena_locations", None)  # description files carry a source map
        if locations:
            for term, line in locations.items():
                origins.set_location(term, document.name, line)
        graph += part
    return Loaded(graph=graph, sources=[d.name for d in documents], origins=origins, documents=documents)



# --------------------------------------------------------------------------------------------- fast parsing

OXIGRAPH_FORMATS = {"rdfxml": "RDF_XML", "turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS",
                    "trig": "TRIG"}


class RefusedByOxigraph(Exception):
    """pyoxigraph refused a document that rdflib reads: the caller takes rdflib's graph instead."""


def parse_document_oxigraph(document: Document, limits: Limits | None = None, sink=None):
    """Parse with pyoxigraph's native parser (for the fast engine) and hand the quads to `sink`.

    The same safety rules as parse_document hold (check_safe, no network, time budget). JSON-LD and description
    files go through parse_document and come back as an rdflib Graph (else None is returned). On a syntax error
    rdflib parses again so the error names file and line; if rdflib accepts what pyoxigraph refused,
    RefusedByOxigraph is raised and the caller reads the document with parse_document.
    """
    limits = limits or Limits()
    if document.format not in OXIGRAPH_FORMATS:
        return parse_document(document, limits)
    if not document.data.strip():
        raise InputError("empty input: no RDF to read", where=document.name)
    if document.format in ("turtle", "trig"):
        # Only the nesting bound is left out: it protects rdflib's recursive parser, pyoxigraph parses nesting
        # iteratively (200,000 levels parse fine), and a fallback to rdflib checks again. Control characters
        # would still corrupt every output.
        check_control_characters(document)
    else:
        check_safe(document, limits)
    import pyoxigraph

    fmt = getattr(pyoxigraph.RdfFormat, OXIGRAPH_FORMATS[document.format])
    try:
        with no_network(), time_budget(limits.timeout, document.name):
            quads = pyoxigraph.parse(document.data, format=fmt, base_iri=document.base, rename_blank_nodes=True)
            if document.format in ("nquads", "trig"):  # named graphs are merged, as in parse_document
                quads = (pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads)
            sink(quads)
    except InputError:
        raise
    except RecursionError:
        raise InputError("nesting too deep to parse", where=document.name) from None
    except MemoryError:  # pyoxigraph caps one token at 16 MiB ("buffer maximal size"); rdflib reads it
        raise RefusedByOxigraph(document.name) from None
    except (SyntaxError, ValueError, OSError, UnicodeError):
        parse_document(document, limits)  # raises InputError with rdflib's file:line message
        raise RefusedByOxigraph(document.name) from None
    return None
