"""rdflib parsing under a time budget with no network, and error lines that name file and line."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import threading
import warnings

import rdflib
from rdflib import Dataset, Graph

from ..errors import InputError
from .formats import sniff_format
from .model import FORMATS, Document, Limits, RdfFormat
from .safety import (
    _LANGUAGE_TAG,
    _LONG_LINE,
    check_safe,
    decode_utf8,
    with_known_contexts,
)
from .terms import check_terms

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
        decode_utf8(document)  # every command refuses a description that is not UTF-8 (never U+FFFD in output)
        with time_budget(limits.timeout, document.name):  # `extra:` statements are parsed too
            graph = _read_description(document)
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


# The description format (YAML/JSON, `description/`) is read through the same door as RDF. It lives in a later stage
# (it needs the vocabularies and builds RDF with the description model), so it plugs its reader in here when the
# package is imported (`ena_grunddata/__init__.py`) instead of this stage importing it: no import circle.
_DESCRIPTION_READER = []


def register_description_reader(reader) -> None:
    """`reader(document) -> rdflib.Graph` (with `ena_locations`, the description's source map)."""
    _DESCRIPTION_READER[:] = [reader]


def _read_description(document: Document) -> Graph:
    if not _DESCRIPTION_READER:
        raise InputError("description files cannot be read here (ena_grunddata.description is not loaded)",
                         where=document.name)
    return _DESCRIPTION_READER[0](document)
