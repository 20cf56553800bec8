"""Exact lines: on which line of its file a finding's property (or value) is written, so code hosts annotate the
right line (SARIF, JUnit, the HTML page). Best effort, read from the document's text: what the resource writes
itself, apart from the nodes nested in it (a Turtle block and its [ … ], an RDF/XML element and the elements inside
its property elements, a JSON-LD object and the objects inside it, a description file's entry and its nested keys;
in N-Triples and N-Quads the resource's own statements, wherever they are), the property's spellings there (full
IRI, prefixed name, `a`, a YAML key), and in Turtle the line of the offending value in a list written over several
lines."""

from __future__ import annotations

import re
from array import array

from rdflib.namespace import RDF

from ..load import Document, Lines, text_index

# An N-Triples or N-Quads statement's subject as written, at the start of its line
_STATEMENT = re.compile(r"^[^\S\n]*(<[^>\n]*>|_:[^\s<]+)", re.MULTILINE)
# A JSON string (1; with the colon after it when it is a key, 2) or a bracket
_JSON_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|[{}\[\]]')
# An XML tag: a comment, CDATA section, processing instruction or declaration (no group), else an element's opening
# (or empty, 3) or closing (1) tag and its name (2)
_XML_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!][^>]*>|<(/?)([^\s/>!?]+)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>",
                      re.DOTALL)
_PREFIX_XML = re.compile(r"""xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']""")


def property_line(document: Document, subject_line: int, path: str, nested: bool | None = None) -> int | None:
    return LineFinder(document).property_line(subject_line, path, nested)


def value_line(document: Document, property_line_number: int, value: str | None) -> int | None:
    return LineFinder(document).value_line(property_line_number, value)


class LineFinder:
    """Exact lines in one document. Patterns are computed once (a catalog has many findings); the lines and the
    Turtle prefixes are those the loader read (load.text_index)."""

    def __init__(self, document: Document):
        self.document = document
        self.lines = text_index(document).lines
        self._patterns: dict = {}
        self._blocks: dict = {}  # subject line -> its block's lines (several findings share a resource)
        self._terms_for, self._terms = None, {}  # the last Turtle block's terms (turtle_terms), and for whom
        self._depths_for, self._depths = None, None  # the last Turtle block's nesting at each line (line_depths)
        self._text_for, self._text = None, ""  # the last block's text (block_text)
        self._blanked_for, self._blanked = None, ""  # the same with its literals blanked (blanked_text)
        self._json: dict = {}  # subject line -> the keys of its JSON-LD object (json_keys)
        self._statements = None  # subject -> its lines, for N-Triples and N-Quads (statement_lines)
        self._spellings: dict = {}  # property -> texts its Turtle spellings contain
        self._prefixes = None
        self._namespaces = None  # prefix -> namespaces (namespaces)
        self._paths: dict = {}  # property -> whether it can be written here (_written)
        self._count = len(self.lines)
        self._turtle = document.format in ("turtle", "trig")

    def prefixes(self) -> list:
        """(prefix, namespace) pairs the document declares, read once (not once per property)."""
        if self._prefixes is None:
            fmt = self.document.format
            if fmt in ("turtle", "trig"):
                self._prefixes = text_index(self.document).prefixes
            else:
                self._prefixes = _PREFIX_XML.findall(self.lines.text) if fmt == "rdfxml" else []
        return self._prefixes

    def span(self, first: int, last: int) -> str:
        """Lines `first` to `last` (numbered from 1) as one text, joined by line feeds."""
        starts, text = self.lines.starts, self.lines.text
        return text[starts[first - 1]:starts[last] - 1 if last < len(starts) else len(text)]

    def block(self, subject_line: int) -> range:
        if subject_line not in self._blocks:
            self._blocks[subject_line] = block_lines(self.document.format, self.lines, subject_line)
        return self._blocks[subject_line]

    def _written(self, path: str) -> bool:
        """Whether `path` is a property the document can write (not a complex path: property_line's question),
        kept per path (a national report asks hundreds of thousands of times about a few dozen)."""
        found = self._paths.get(path)
        if found is None:
            found = self._paths[path] = not (path.startswith(("^", "(", "_:")) or "/<" in path) and (
                self.pattern(path) is not None)
        return found

    def pattern(self, path: str):
        if path not in self._patterns:
            spellings = property_spellings(self.document, path, self.prefixes())
            self._patterns[path] = re.compile("|".join(spellings)) if spellings else None
        return self._patterns[path]

    def block_text(self, subject_line: int) -> str:
        """The resource's block as one text (the last block asked for is kept)."""
        if self._text_for != subject_line:
            block = self.block(subject_line)
            self._text_for, self._text = subject_line, self.span(block[0], block[-1])
        return self._text

    def blanked_text(self, subject_line: int) -> str:
        """The resource's Turtle block as one text with its literals blanked (blank_strings; the last one kept):
        what is inside a literal, on one line or several, writes no term."""
        if self._blanked_for != subject_line:
            self._blanked_for, self._blanked = subject_line, blank_strings(self.block_text(subject_line))
        return self._blanked

    def turtle_spellings(self, path: str) -> list[str]:
        """Texts one of which every Turtle spelling of `path` contains (`a` aside): <path>, prefix:local."""
        if path not in self._spellings:
            self._spellings[path] = [f"<{path}>"] + [f"{prefix}:{path[len(namespace):]}"
                                                     for prefix, namespace in self.prefixes()
                                                     if len(path) > len(namespace) and path.startswith(namespace)]
        return self._spellings[path]

    def turtle_terms(self, subject_line: int, nested: bool | None = None) -> dict:
        """IRI -> the first line of the resource's Turtle block that writes it (in full, as a prefixed name, or
        as `a` for rdf:type): each block is read once, however many findings its resource has (the same
        spellings property_spellings gives, read the other way round). The block is read as one piece of text
        (quoted literals and terms never run over a line end), its line ends found with the terms. `nested`:
        terms of the resource itself (False), of the nodes nested in its block (True), or either (None)."""
        if self._terms_for != (subject_line, nested):  # findings come sorted: a resource's are consecutive
            self._terms_for = (subject_line, nested)
            self._terms = terms_in(self.blanked_text(subject_line), self.namespaces(), subject_line, nested)
        return self._terms

    def line_depths(self, subject_line: int) -> list[int]:
        """How deep in nested nodes and lists ([ ], ( )) each line of the resource's Turtle block starts (the
        block's first line at 0), read once per block."""
        if self._depths_for != subject_line:
            depths, depth = [], 0
            for line in _NO_BRACKETS.sub("", self.blanked_text(subject_line)).split("\n"):
                depths.append(depth)
                depth += line.count("[") + line.count("(") - line.count("]") - line.count(")")
            self._depths_for, self._depths = subject_line, depths
        return self._depths

    def namespaces(self) -> dict:
        """prefix -> the namespaces the document declares for it (read once)."""
        if self._namespaces is None:
            self._namespaces = {}
            for prefix, namespace in self.prefixes():
                self._namespaces.setdefault(prefix, []).append(namespace)
        return self._namespaces

    def turtle_line(self, subject_line: int, path: str, nested: bool | None = None) -> int | None:
        """The first line of the resource's Turtle block that writes `path` (not rdf:type, which `a` spells):
        the line turtle_terms gives, found without reading the whole block's terms. Only a line holding one of
        the property's spellings outside literals can write it (terms never run over a line end, so each line is
        read as turtle_terms reads it), and most findings are about the first such line. `nested` as for
        turtle_terms: the nesting each line starts at is read then (line_depths)."""
        text = self._text if self._text_for == subject_line else self.block_text(subject_line)
        # Literals over several lines are rare: a block without one is read line by line (a line's literals blanked
        # when it is read), not blanked whole first (at 25,000 datasets that took a fifth of SARIF's writing)
        long = '"""' in text or "'''" in text
        if long:
            text = self._blanked if self._blanked_for == subject_line else self.blanked_text(subject_line)
        spellings = self._spellings.get(path) or self.turtle_spellings(path)
        start, end = 0, len(text)
        while start <= end:
            at = -1
            for spelling in spellings:
                found = text.find(spelling, start)
                if found >= 0 and (at < 0 or found < at):
                    at = found
            if at < 0:
                return None
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line_end = end if line_end < 0 else line_end
            offset = text.count("\n", 0, line_start)
            depth = 0
            if nested is not None and (text.find("[", 0, line_start) >= 0 or text.find("(", 0, line_start) >= 0):
                depth = self.line_depths(subject_line)[offset]
            line = text[line_start:line_end] if long else _SHORT_STRING.sub('""', text[line_start:line_end])
            if path in terms_in(line, self.namespaces(), 0, nested, depth):
                return subject_line + offset
            start = line_end + 1
        return None

    def property_line(self, subject_line: int, path: str, nested: bool | None = None) -> int | None:
        """Best effort: the first line that writes `path` for the resource described from `subject_line`.

        Read per syntax: a Turtle block (until a line at the left margin starts the next resource), an RDF/XML
        element or a JSON-LD object (until it closes), the resource's statements in N-Triples and N-Quads, a YAML
        entry (until a line indented no deeper). None when the property is not written there (a missing property:
        the resource's own line is the right place then). `nested` says whose property it is: the resource's own
        (False: not one of a node nested in it), a nested node's (True: a blank node is placed on the line of the
        resource that refers to it), or either (None).
        """
        lines, fmt = self.lines, self.document.format
        if not 0 < subject_line <= self._count or not self._written(path):
            return None
        if self._turtle:
            # Most findings are about a property the resource lacks: no spelling of it is in the block's text, and
            # only the lines that hold one are read (it may be inside a literal or another term there).
            if path != _RDF_TYPE:
                return self.turtle_line(subject_line, path, nested)
            return self.turtle_terms(subject_line, nested).get(path)
        if fmt == "rdfxml":
            return self.xml_line(subject_line, path, nested)
        if fmt == "jsonld":
            return self.json_line(subject_line, path, nested)
        if fmt in ("ntriples", "nquads"):
            if nested:
                return None  # (which blank node of the resource's is not known: its line is the right place)
            return self.statement_line(subject_line, path)
        pattern = self.pattern(path)
        block = self.block(subject_line)
        own_keys = key_column(lines[block[1] - 1]) if fmt == "description" and len(block) > 1 else None
        for number in block:
            text = lines[number - 1]
            if own_keys is not None and key_column(text) != own_keys and number != subject_line:
                continue  # YAML: a key of a nested entry (a distribution's title is not the dataset's)
            if pattern.search(text):
                return number
        return None

    def xml_line(self, subject_line: int, path: str, nested: bool | None = None) -> int | None:
        """RDF/XML: the first line of the resource's element (the one whose rdf:about is on `subject_line`) that
        opens a property element for `path`, read tag by tag: the resource's own properties are its children
        (depth 1), a nested node's are deeper (2 inside rdf:parseType="Resource", else 3). The element ends
        where it closes, so a nested node with an rdf:about of its own is inside it too."""
        text, pattern = self.lines.text, self.pattern(path)
        line_start = self.lines.starts[subject_line - 1]
        about = text.find("about", line_start)
        start = text.rfind("<", 0, about if about >= 0 else line_start)
        if start < 0:
            return None
        depth, at = 0, start
        while True:
            match = _XML_TAG.search(text, at)
            if match is None:
                return None
            at, name = match.end(), match.group(2)
            if name is None:
                continue  # a comment, CDATA section, processing instruction or declaration
            if match.group(1):  # a closing tag
                depth -= 1
                if depth <= 0:
                    return None  # the resource's element is closed
                continue
            if depth >= 1 and (nested is None or (depth > 1) == nested) and pattern.match(text, match.start()):
                return self.lines.number_at(match.start())
            if match.group(3):
                if depth == 0:
                    return None  # the resource's element is empty (<… rdf:about="…"/>)
                continue
            if depth == 1 and nested is False:
                # Only the resource's own properties count: another property's element is passed over whole (a
                # catalog's element may hold every dataset of a national catalog), found by its closing tag when
                # no element of the same name opens inside it
                close = text.find(f"</{name}>", at)
                if close >= 0 and text.find(f"<{name}", at, close) < 0:
                    at = close + len(name) + 3
                    continue
            depth += 1

    def statement_line(self, subject_line: int, path: str) -> int | None:
        """N-Triples, N-Quads: the first line that states `path` of the subject stated on `subject_line`. A
        resource's statements need not be next to each other there, so there is no block to search (a search from
        the resource's line on read the rest of the file for every finding: a 5,000-dataset catalog's SARIF took
        four and a half minutes); the lines of each subject are read once (statement_lines)."""
        subject = (self.lines[subject_line - 1].split(None, 1) or [""])[0]
        predicate = f"<{path}>"
        for number in self.statement_lines().get(subject, ()):
            terms = self.lines[number - 1].split(None, 2)
            if len(terms) > 1 and terms[1] == predicate:
                return number
        return None

    def statement_lines(self) -> dict:
        """subject as written -> the numbers of the lines that state something of it (N-Triples, N-Quads; an
        array of numbers per subject: at 25,000 datasets a map of every subject and predicate held 245 MB)."""
        if self._statements is None:
            self._statements = {}
            number = self.lines.number_at
            for match in _STATEMENT.finditer(self.lines.text):
                found = self._statements.get(match.group(1))
                if found is None:
                    found = self._statements[match.group(1)] = array("i")
                found.append(number(match.start()))
        return self._statements

    def json_line(self, subject_line: int, path: str, nested: bool | None = None) -> int | None:
        """JSON-LD: the first line of the resource's object (the one whose "@id" is on `subject_line`) with a key
        for `path`, its own keys (False: in the object itself) or those of objects nested in it (True)."""
        own, inner = self.json_keys(subject_line)
        pattern, found = self.pattern(path), []
        for keys in ((own,) if nested is False else (inner,) if nested else (own, inner)):
            found += [line for key, line in keys.items() if pattern.match(key)]
        return min(found) if found else None

    def json_keys(self, subject_line: int) -> tuple[dict, dict]:
        """The keys of the resource's JSON-LD object from its "@id" on (each as written with its colon, e.g.
        '"dct:title":') -> the first line writing it: (its own, those of nested objects). Read once per resource,
        to where the object closes (a catalog's object may hold a whole catalog's datasets)."""
        if subject_line not in self._json:
            own: dict = {}
            inner: dict = {}
            text = self.lines.text
            start = text.find('"@id"', self.lines.starts[subject_line - 1])
            depth = 0
            for match in _JSON_TOKEN.finditer(text, start if start >= 0 else len(text)):
                token = match.group(1)
                if token is None:
                    depth += 1 if match.group() in "{[" else -1
                    if depth < 0:
                        break  # the object is closed
                elif match.group(2) is not None:  # a key (a string and its colon)
                    keys, key = inner if depth else own, match.group()
                    if key not in keys:
                        keys[key] = match.start()
            number = self.lines.number_at
            self._json[subject_line] = ({key: number(at) for key, at in own.items()},
                                        {key: number(at) for key, at in inner.items()})
        return self._json[subject_line]

    def value_line(self, property_line_number: int, value: str | None) -> int | None:
        """Turtle lists values with commas over several lines: the line of the offending value, if it is there."""
        if not value or self.document.format not in ("turtle", "trig"):
            return None
        for number in range(property_line_number, len(self.lines) + 1):
            text = self.lines[number - 1]
            if f'"{value}"' in text or f"<{value}>" in text:
                return number
            if text.rstrip().endswith((";", ".")):
                return None
        return None


def terms_in(text: str, namespaces: dict, number: int, nested: bool | None = None, depth: int = 0) -> dict:
    """IRI -> the number of the first line of `text` (Turtle with quoted literals blanked, its first line numbered
    `number`) that writes it in full, as a prefixed name (`namespaces`: prefix -> namespaces) or as `a`. With
    `nested`, only terms inside nested nodes or lists ([ ], ( ); True) or outside them (False) count, `text`
    starting `depth` deep. Comments are no terms."""
    found: dict = {}
    for match in _TURTLE_TOKEN.finditer(text):
        kind = match.lastindex
        if kind == 1:
            number += 1
        elif kind == 6:
            depth += 1 if match.group(6) in "[(" else -1
        elif kind is None or (nested is not None and (depth > 0) != nested):
            continue  # a comment; or a term of the other side
        elif kind == 5:
            found.setdefault(_RDF_TYPE, number)
        elif kind == 2:
            if match.group(2):
                found.setdefault(match.group(2), number)
        else:
            local = (match.group(4) or "").rstrip(".")
            for namespace in namespaces.get(match.group(3), ()) if local else ():
                found.setdefault(namespace + local, number)
    return found


def key_column(text: str) -> int:
    stripped = text.lstrip()
    return indent(text) + (2 if stripped.startswith("- ") else 0)


def property_spellings(document: Document, path: str, prefixes: list) -> list[str]:
    """Regular expressions for the ways the property IRI can be written in this document (`prefixes`: the
    document's (prefix, namespace) declarations, LineFinder.prefixes)."""
    namespace, local = split_iri(path)
    if not local:
        return []
    escaped_local = re.escape(local)
    spellings = [re.escape(f"<{path}>")] if document.format != "description" else []
    if document.format in ("turtle", "trig"):
        for prefix, iri in prefixes:
            if iri == namespace:
                spellings.append(rf"(?<![\w:-]){re.escape(prefix)}:{escaped_local}(?![\w.-]*[\w-])")
        if path == str(RDF.type):
            spellings.append(r"(?<![\w:-])a(?=\s)")
    elif document.format == "rdfxml":
        for prefix, iri in prefixes:
            if iri == namespace:
                spellings.append(rf"<{re.escape(prefix)}:{escaped_local}[\s/>]")
    elif document.format == "jsonld":
        spellings += [rf'"{re.escape(path)}"\s*:', rf'"(?:[\w.-]+:)?{escaped_local}"\s*:']
    elif document.format == "description":  # keys are the local names in snake_case: contactPoint -> contact_point
        from ..description.api import key_of_predicate

        snake = re.escape(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).lower())
        key = key_of_predicate().get(path)  # the format's own key: dcterms:accessRights -> access
        keys = "|".join(dict.fromkeys([escaped_local, snake, *([re.escape(key)] if key else [])]))
        spellings.append(rf"^\s*(?:-\s*)?(?:{keys})\s*:")
    return spellings


def split_iri(iri: str) -> tuple[str, str]:
    for separator in ("#", "/"):
        if separator in iri:
            head, _, tail = iri.rpartition(separator)
            if tail:
                return head + separator, tail
    return iri, ""


def block_lines(fmt: str, lines: Lines, start: int) -> range:
    """The lines of the resource whose block starts on line `start` (Turtle or TriG, else a description file)."""
    end = len(lines)
    if fmt in ("turtle", "trig"):  # one search of the text: the next line that starts a resource as far left
        text, begin = lines.text, lines.starts[start - 1]
        margin = turtle_margin(indent(lines[start - 1]))
        found = margin.search(text, lines.starts[start] - 1) if start < end else None
        while found is not None:  # (not a line of a long literal, which may start at the margin)
            closed = long_string_end(text, begin, found.start())
            if closed is None:
                break
            found = margin.search(text, closed) if closed < len(text) else None
        return range(start, (lines.number_at(found.start() + 1) - 1 if found else end) + 1)
    first_indent = indent(lines[start - 1])
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if indent(text) <= first_indent:  # a description file (YAML): the next entry
            end = number - 1
            break
    return range(start, end + 1)


def long_string_end(text: str, begin: int, at: int) -> int | None:
    """Where the long literal (in three quotes, double or single) open at `at` ends: the text is read from `begin`,
    a line start outside any literal. None when none is open there."""
    if text.find('"""', begin, at) < 0 and text.find("'''", begin, at) < 0:
        return None  # (most blocks have none)
    quote = None
    for match in _LONG_QUOTE.finditer(text, begin, at):
        if quote is None:
            quote = match.group()
        elif match.group() == quote:
            quote = None
    if quote is None:
        return None
    closed = text.find(quote, at)
    return len(text) if closed < 0 else closed + 3


def indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def turtle_margin(indentation: int):
    """What ends the Turtle block of a resource whose line is indented `indentation` characters: a line indented no
    deeper that is neither a comment nor the close of a nested node or list. Found by the line feed before it,
    which the regular expression engine looks for much faster than a line start. In TriG a graph's resources are
    indented inside its braces: the next of them, or the graph's closing brace, ends one (where a block used to
    run to the graph's end: a 5,000-dataset TriG catalog's SARIF took 83 s)."""
    found = _MARGINS.get(indentation)
    if found is None:
        found = _MARGINS[indentation] = re.compile(rf"\n[^\S\n]{{0,{indentation}}}[^\s#\])]")
    return found


_MARGINS: dict = {}  # indentation -> turtle_margin's expression
# A Turtle line's terms, read with its literals blanked (blank_strings): an IRI in full (2), a prefixed name (3, 4; its
# local part without a final "."), or `a` (5, followed by white space on its line); the brackets of nested nodes and
# lists (6), and comments (no group). None of these runs over a line end, so a block's lines are read as one text,
# line ends found among the terms (1).
_TURTLE_TOKEN = re.compile(
    r"(\n)|<([^<>\s]*)>|(?<![\w:-])([\w.-]*):([\w.-]*)|(?<![\w:-])(a)(?=[^\S\n])|([\[\]()])|#[^\n]*")
_LONG_QUOTE = re.compile(r'"""|\'\'\'')
_SHORT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
# What may hold brackets that open no node or list: IRIs and comments (read after the strings are blanked)
_NO_BRACKETS = re.compile(r"<[^<>\s]*>|#[^\n]*")
# Every Turtle string: long ones (which may run over line ends) and short ones, in either quote
_ANY_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                         r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', re.DOTALL)


def blank_strings(text: str) -> str:
    """Turtle with every string blanked (`""`), its line ends kept: brackets and names in a literal are no terms."""
    if '"""' not in text and "'''" not in text:
        return _SHORT_STRING.sub('""', text)  # (a fixed replacement: several times faster)
    return _ANY_STRING.sub(lambda match: '""' + "\n" * match.group().count("\n"), text)


_RDF_TYPE = str(RDF.type)
