"""Where each resource came from: the source, and (computed on demand) the line that describes it."""

from __future__ import annotations

import bisect
import re
from array import array

from rdflib import BNode, Graph, URIRef

from .model import Document

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

    def merge(self, other: "Origins") -> None:
        """Take in another load's origins (per-source validation loads each file on its own)."""
        for term, source in other._source_of.items():
            self._source_of.setdefault(term, source)
        for name, document in other._documents.items():
            self._documents.setdefault(name, document)
        for term, line in other._explicit.items():
            self._explicit.setdefault(term, line)

    def describes(self, term) -> bool:
        """Whether a loaded source describes `term` (has it as a subject on a line we can find)."""
        source = self.source_of(term)
        return source is not None and (term in self._explicit or str(term) in self._line_index(source))

    def undescribed(self, iris) -> set[str]:
        """Those of `iris` (texts) that no loaded source describes."""
        return {iri for iri in iris if not self.describes(URIRef(iri))}

    def locate(self, term, graph: Graph | None = None) -> tuple[str | None, int | None]:
        """(source, line) of a subject; a blank node borrows the place of the resource that refers to it."""
        source = self._source_of.get(term)
        if isinstance(term, BNode) and graph is not None:
            # of several resources that refer to it, the first in the file (a graph hands them out in no set
            # order: the line must not change from run to run), as the fast engine's origins choose
            places = [self.locate(parent, None) for parent in set(graph.subjects(None, term)) if parent != term]
            if places:
                parent_source, parent_line = min(places, key=lambda place: (place[1] is None, place[1] or 0,
                                                                             place[0] or ""))
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


class OriginsUnion:
    """The origins of several loads read as one (per-source validation loads each file on its own, and the fast
    engine's origins look sources up in their own store)."""

    def __init__(self, parts):
        self.parts = list(parts)

    def source_of(self, term) -> str | None:
        return next((found for part in self.parts if (found := part.source_of(term)) is not None), None)

    def describes(self, term) -> bool:
        return any(part.describes(term) for part in self.parts)

    def undescribed(self, iris) -> set[str]:
        left = set(iris)
        for part in self.parts:  # described by any part: described
            left = part.undescribed(left)
        return left

    def locate(self, term, graph: Graph | None = None) -> tuple[str | None, int | None]:
        for part in self.parts:
            place = part.locate(term, graph)
            if place[0] is not None:
                return place
        return None, None


class Lines:
    """A document's lines as every report numbers them: split at line feeds (a carriage return alone ends a line
    too, as in old Mac files), so U+2028 or NEL inside a literal starts no line. Each line is cut from the text when
    asked for (a national catalog has a million lines; a list of them all cost as much as the text twice over)."""

    def __init__(self, text: str, starts: bytes | None = None):
        """`starts`: the line starts as numbered before (the bytes of another Lines' `starts`, of the same text)."""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.starts = array("q")  # where each line starts in the text
        if starts is None:
            self.starts.append(0)
            self.starts.extend(match.end() for match in _LINE_FEED.finditer(text))
        else:
            self.starts.frombytes(starts)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> str:
        if index < 0:
            index += len(self.starts)
        start = self.starts[index]  # IndexError past the end, as a list
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.text[start:end]

    def number_at(self, offset: int) -> int:
        """The number (from 1) of the line holding the text's character at `offset`."""
        return bisect.bisect_right(self.starts, offset)


_LINE_FEED = re.compile("\n")
# A prefix declaration (`@prefix a: <…> .`, `PREFIX a: <…>`), read from a line's start or on from the end of one
# before it on the same line (a search for declarations anywhere took several times as long on a national catalog);
# it may go on over further lines.
_PREFIX = re.compile(r"[^\S\n]*\.?[^\S\n]*(?i:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>")
# One match per line, the whole text in one findall (a national catalog has a million lines; a search for the lines
# that start with a term made and numbered a match object each: 2.3 s against 0.8 s), numbered as Lines numbers
# them. Groups: 1 a prefix declaration begins (read with _PREFIX), 2 and 3 an IRI (3 is ">" when there is one), 4 a
# prefixed name whole (":" at least), 5 and 6 its prefix and local name. Nothing here reads past a line feed.
_TURTLE_LINES = re.compile(
    r"^[^\S\n]*(?:((?i:@prefix|PREFIX)(?=\s))|<([^>\n]*)(>)|(([A-Za-z][\w.-]*)?:([^\s;,()\[\]]*)))?[^\n]*",
    re.MULTILINE)
_XML_SUBJECT = re.compile(r"""\b(?:rdf:)?about\s*=\s*["']([^"']*)["']""")
_JSONLD_ID = re.compile(r'"@id"\s*:\s*"([^"]*)"')


class TextIndex:
    """What one reading of a document's text finds, kept with the document (`text_index`): its lines as every
    report numbers them, the first line that describes each subject, and (Turtle, TriG) the prefixes it declares,
    in order. The exact-line finder (render/lines.py) takes the same lines and prefixes: at 25,000 datasets
    numbering the lines again took 0.3 s and reading the prefixes again 0.24 s, after the checks."""

    __slots__ = ("lines", "subjects", "prefixes")

    def __init__(self, lines: Lines, subjects: dict[str, int], prefixes: list[tuple[str, str]]):
        self.lines = lines
        self.subjects = subjects
        self.prefixes = prefixes


def text_index(document: Document) -> TextIndex:
    """The document's TextIndex, read on first use (during the fast engine's load: in its read-ahead child, or on
    a thread of its own)."""
    index = document.index
    if index is None:
        index = document.index = _read_index(document)
    return index


def subject_lines(document: Document) -> dict[str, int]:
    """Best-effort map from subject IRI to the first line that describes it."""
    return text_index(document).subjects


def _read_index(document: Document) -> TextIndex:
    lines: dict[str, int] = {}
    declared: list[tuple[str, str]] = []
    numbered = Lines(document.text)
    text = numbered.text
    if document.format in ("turtle", "trig", "ntriples", "nquads", "description"):
        prefixes: dict[str, str] = {}
        starts = numbered.starts
        covered = 0  # the last line a declaration read over: what stands at the start of those lines is not read
        for number, (directive, iri, bracket, name, name_prefix, local) in enumerate(_TURTLE_LINES.findall(text), 1):
            if bracket:
                if iri not in lines and number > covered:
                    lines[iri] = number
            elif name:
                namespace = prefixes.get(name_prefix)
                if namespace is not None and number > covered:
                    iri = namespace + local
                    if iri not in lines:
                        lines[iri] = number
            elif directive and number > covered:
                match = _PREFIX.match(text, starts[number - 1])  # (the line starts with blanks and the keyword)
                if match is None:
                    continue
                while match:  # further directives on the same line (`@prefix a: <…> . @prefix b: <…> .`)
                    prefix, namespace = match.group(1), match.group(2)
                    prefixes[prefix] = namespace
                    declared.append((prefix, namespace))
                    end = match.end()
                    match = _PREFIX.match(text, end)
                covered = numbered.number_at(end - 1)
    elif document.format in ("rdfxml", "jsonld"):
        for match in (_XML_SUBJECT if document.format == "rdfxml" else _JSONLD_ID).finditer(text):
            if match.group(1) not in lines:
                lines[match.group(1)] = numbered.number_at(match.start())
    return TextIndex(numbered, lines, declared if document.format in ("turtle", "trig") else [])
