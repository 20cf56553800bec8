"""Safety scans before any parser runs: encoding, entity declarations, control characters, nesting, JSON-LD contexts
and JSON-LD values that a parser would silently drop."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..errors import InputError
from .model import DEFAULT_MAX_NESTING, Document, Limits
from .terms import _BAD_IRI_CHARACTER, CONTROL_CLASS, CONTROL_ESCAPE, RESERVED_IRI_PREFIX, _escaped, _line_of

_LONG_LINE = re.compile(rb"[^\n]{16384}")


def decode_utf8(document: Document) -> str:
    try:
        return document.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = document.data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not valid UTF-8 at byte {error.start}", where=document.name, line=line) from None


# --------------------------------------------------------------------------------------------- untrusted JSON

MAX_JSON_DIGITS = 4000  # Python refuses to convert integers of more than 4,300 digits (a ValueError deep inside)
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonProblem(ValueError):
    """Why untrusted JSON cannot be read; callers turn it into their own error (input or remote)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_json(text: str):
    """json.loads for text from strangers: every way it can fail is a JsonProblem with a position when known.

    Integers of more than MAX_JSON_DIGITS digits (Python cannot convert them), nesting deep enough to exhaust the
    recursion limit, and lone UTF-16 surrogates (`"\\ud800"`, which no UTF-8 output can carry) are refused.
    """

    def parse_int(digits: str) -> int:
        if len(digits) > MAX_JSON_DIGITS:
            raise JsonProblem(f"a number with {len(digits.lstrip('-')):,} digits (more than {MAX_JSON_DIGITS:,}); "
                              "write it as a string", line=_line_of(text, digits[:40]))
        return int(digits)

    try:
        tree = json.loads(text, parse_int=parse_int)
    except JsonProblem:
        raise
    except json.JSONDecodeError as error:
        raise JsonProblem(error.msg, error.lineno, error.colno) from None
    except RecursionError:
        raise JsonProblem("nesting too deep to read") from None
    except ValueError as error:  # e.g. an exponent Python cannot hold
        raise JsonProblem(f"unreadable number ({str(error)[:80]})") from None
    surrogate = _first_surrogate(tree)
    if surrogate is not None:
        escape = f"\\u{ord(surrogate):04x}"
        line = _line_of(text, escape) or _line_of(text, escape.upper().replace("\\U", "\\u"))
        raise JsonProblem(f"a lone UTF-16 surrogate ({escape}) is not a character; remove it or write the whole "
                          "pair", line=line)
    return tree


class JsonItems:
    """The items of one array of an untrusted JSON document, read from a binary file one at a time.

        items = JsonItems(handle, ("resource", "children"), max_nesting=100)
        for item in items: ...          # each built as json.loads would build it
        items.found, items.top          # whether the array was there; the top-level scalar values

    Memory stays near one item's tree, not the document's (ijson's parser reads the file in small chunks). The rules
    of load_json hold, every failure a JsonProblem: nesting deeper than `max_nesting` levels (counted from the
    root), lone UTF-16 surrogates, bytes that are not UTF-8, numbers the parser cannot hold. A key on the path that
    appears twice in its object is refused too (json.loads would keep the last one; a stream has already read the
    first). A first pass over the file (_scan) refuses what ijson's C parser lets through and json.loads does not:
    that parser writes a lone surrogate escape as "?" (and two high ones as another character), takes a vertical tab
    or form feed for whitespace, and says nothing of a string left open after the document. Stricter than
    json.loads: integers beyond 64 bits, NaN and Infinity are refused by the C parser.
    """

    def __init__(self, handle, path: tuple[str, ...], max_nesting: int = DEFAULT_MAX_NESTING):
        self.handle, self.path, self.max_nesting = handle, tuple(path), max_nesting
        self.found = False  # the array at `path` was in the document
        self.top: dict = {}  # the document's top-level scalar values (the last one of a key wins, as in json.loads)

    def __iter__(self):
        import ijson

        if _scan(self.handle):
            _check_surrogate_pairs(self.handle)
        try:  # where ijson has no C parser, its Python parser keeps lone surrogates: they are looked for in the text
            yield from self._items(ijson.basic_parse(self.handle, use_float=True), ijson.backend_name == "python")
        except JsonProblem:
            raise
        except ijson.JSONError as error:
            message = (str(error).strip().splitlines() or [type(error).__name__])[0].strip(" b'\"")
            if "UTF8" in message or "utf-8" in message:
                message = "not valid UTF-8"
            raise JsonProblem(message[:200]) from None
        except UnicodeDecodeError:
            raise JsonProblem("not valid UTF-8") from None
        except ValueError as error:  # an integer of more than 4,300 digits (ijson's Python parser)
            raise JsonProblem(f"unreadable number ({str(error)[:80]})") from None

    def _items(self, events, check_strings: bool):
        import ijson

        path, limit = self.path, self.max_nesting
        array = len(path) + 1  # the level of the array whose items are wanted (the root object is level 1)
        level = 0  # containers open
        matched = 0  # how many of the open containers, from the root, are the path's
        keys: list = []  # the current key in each open object of the path
        seen: list[set] = []  # the path's keys met in each open object of the path
        builder = None  # the item being built
        for event, value in events:
            lone = check_strings and (event == "string" or event == "map_key") and _SURROGATE.search(value)
            if lone:
                escape = f"\\u{ord(lone.group(0)):04x}"
                raise JsonProblem(f"a lone UTF-16 surrogate ({escape}) is not a character; remove it or write the "
                                  "whole pair")
            opens = event == "start_map" or event == "start_array"
            closes = event == "end_map" or event == "end_array"
            if opens:
                level += 1
                if level > limit:
                    raise JsonProblem(f"nesting deeper than {limit} levels")
            if builder is not None:  # inside an item
                builder.event(event, value)
                if closes:
                    level -= 1
                    if level == array:
                        yield builder.value
                        builder = None
                continue
            if closes:
                if level == matched:
                    matched -= 1
                    if level < array:
                        keys.pop()
                        seen.pop()
                level -= 1
            elif matched == array and level == (array + 1 if opens else array):  # an item of the array
                if opens:
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                else:
                    yield value
            elif event == "map_key":
                if level == matched:
                    keys[-1] = value
                    if level <= len(path) and value == path[level - 1]:
                        if value in seen[-1]:
                            raise JsonProblem(f"the key '{value}' appears twice in one object")
                        seen[-1].add(value)
            elif opens:
                if level == 2 and matched == 1:  # a top-level key given again, now with an object or array
                    self.top.pop(keys[0], None)
                if level == matched + 1 and event == ("start_array" if level == array else "start_map") \
                        and (level == 1 or keys[-1] == path[level - 2]):
                    matched = level
                    if level == array:
                        self.found = True
                    else:
                        keys.append(None)
                        seen.append(set())
            elif level == 1 and matched == 1:
                self.top[keys[0]] = value


_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_ESCAPED_QUOTE = re.compile(rb'(\\+)"')
_SCAN_CHUNK = 1 << 20


def _scan(handle) -> bool:
    """One pass over the file before ijson reads it (then back to its start), refusing a vertical tab or form feed
    (JSON's whitespace is space, tab, CR and LF; inside a string no raw control character is allowed) and an odd
    number of string quotes (a string left open after the document). Returns whether the file holds what may be a
    \\u escape of a UTF-16 surrogate (then _check_surrogate_pairs reads it again, exactly)."""
    start = handle.tell()
    tail = b""  # the last bytes of the chunk before: a surrogate escape can straddle two chunks
    run = 0  # the backslashes that end the chunk before (only their parity matters)
    quotes = 0  # quotes not escaped by a backslash
    surrogate = False
    try:
        while True:
            chunk = handle.read(_SCAN_CHUNK)
            if not chunk:
                break
            if b"\x0b" in chunk or b"\x0c" in chunk:
                raise JsonProblem("a vertical tab or form feed (not JSON whitespace, and not allowed raw in a string)")
            surrogate = surrogate or bool(_ESCAPED_SURROGATE.search(tail + chunk if tail else chunk))
            quotes += chunk.count(b'"')
            if chunk[:1] == b'"' and run % 2:
                quotes -= 1
            for match in _ESCAPED_QUOTE.finditer(chunk):
                if (len(match.group(1)) + (run if match.start() == 0 else 0)) % 2:
                    quotes -= 1
            stripped = len(chunk) - len(chunk.rstrip(b"\\"))
            run = run + stripped if stripped == len(chunk) else stripped
            tail = chunk[-3:] if len(chunk) >= 3 else (tail + chunk)[-3:]
    finally:
        handle.seek(start)
    if quotes % 2:
        raise JsonProblem("a string is not closed (or a quote is left over after the end)")
    return surrogate


_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|[\s\S])")


def _check_surrogate_pairs(handle) -> None:
    """Every \\u escape of a high surrogate must be followed at once by one of a low surrogate, and every low one
    preceded by a high one, as json.loads pairs them; anything else is refused as load_json refuses it. Escapes are
    read left to right (so `\\\\ud800` is a backslash and text); a chunk is read up to its last 12 bytes, which
    start the next one, so an escape and the one after it are always seen whole. Then back to the file's start."""
    start = handle.tell()
    carry, offset = b"", 0  # offset: where `carry` starts in the file
    high = None  # (where the next escape must start, the code) after a high surrogate's escape
    try:
        while True:
            chunk = handle.read(_SCAN_CHUNK)
            buffer = carry + chunk
            last = len(buffer) if not chunk else len(buffer) - 12  # escapes starting here are read next time
            end = 0
            for match in _ESCAPE.finditer(buffer):
                if match.start() >= last:
                    break
                end = match.end()
                code = int(match.group(1), 16) if match.group(1) else -1
                low = 0xDC00 <= code <= 0xDFFF
                if high is not None and (offset + match.start() != high[0] or not low):
                    _lone(high[1])
                if low and high is None:
                    _lone(code)
                high = (offset + end, code) if 0xD800 <= code <= 0xDBFF else None
            if not chunk:
                if high is not None:
                    _lone(high[1])
                return
            cut = max(end, last, 0)
            carry, offset = buffer[cut:], offset + cut
    finally:
        handle.seek(start)


def _lone(code: int) -> None:
    raise JsonProblem(f"a lone UTF-16 surrogate (\\u{code:04x}) is not a character; remove it or write the whole "
                      "pair")


def _first_surrogate(tree):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            match = _SURROGATE.search(node)
            if match:
                return match.group(0)
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)


# What a file that is no RDF text most often is, by its first bytes (a download saved compressed, a spreadsheet or a
# PDF named .rdf, a UTF-16 export): said as such, rather than as the first byte a parser or scan stumbles on.
_GIVE_TEXT = "give a text file (RDF, or a YAML/JSON description)"
_NOT_TEXT = (
    (b"\x1f\x8b", "gzip-compressed data", "decompress it first (gunzip)"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document such as .xlsx)", "unpack it first"),
    (b"\xfd7zXZ\x00", "xz-compressed data", "decompress it first (unxz)"),
    (b"(\xb5/\xfd", "zstd-compressed data", "decompress it first (unzstd)"),
    (b"BZh", "bzip2-compressed data", "decompress it first (bunzip2)"),
    (b"%PDF-", "a PDF document", _GIVE_TEXT),
    (b"\x89PNG", "a PNG image", _GIVE_TEXT),
    (b"\xff\xd8\xff", "a JPEG image", _GIVE_TEXT),
    (b"GIF87a", "a GIF image", _GIVE_TEXT),
    (b"GIF89a", "a GIF image", _GIVE_TEXT),
    (b"SQLite format 3\x00", "an SQLite database", _GIVE_TEXT),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls, .doc)", _GIVE_TEXT),
    (b"\xff\xfe\x00\x00", "UTF-32 text", "save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "UTF-32 text", "save it as UTF-8"),
    (b"\xff\xfe", "UTF-16 text", "save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text", "save it as UTF-8"),
)


def check_text(data: bytes, name: str) -> None:
    """Refuse bytes whose start shows a compressed file, an archive, an image, a database or UTF-16 text, naming
    what they are and what to do (RDF and descriptions are read as UTF-8 text). Called where bytes come in (a file,
    standard input, a URL, a harvested page, a description file), before the format is guessed from them."""
    for signature, what, advice in _NOT_TEXT:
        if data.startswith(signature) and (signature != b"BZh" or data[4:10] == b"1AY&SY"):
            raise InputError(f"this is {what}, not UTF-8 text: {advice}", where=name)


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
_RAW_CONTROL = re.compile(CONTROL_CLASS.encode("latin-1"))  # the one policy (load/terms.py), on bytes
_ESCAPED_CONTROL = re.compile(CONTROL_ESCAPE.encode("ascii"))


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
    raise InputError(f"the control character U+{code:04X} is not allowed (RDF/XML and most tools cannot carry it "
                     "in a literal); remove it", where=document.name, line=line)


def check_jsonld_contexts(document: Document, max_nesting: int = DEFAULT_MAX_NESTING) -> None:
    try:
        tree = load_json(decode_utf8(document))
    except JsonProblem as problem:
        if problem.message.startswith("nesting too deep"):
            raise too_deep(document.name, max_nesting) from None
        raise InputError(problem.message, where=document.name, line=problem.line, column=problem.column) from None
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


class _XmlRefused(Exception):
    pass


def check_xml_nesting(document: Document, limit: int) -> None:
    """A quick expat pass: deep RDF/XML breaks rdflib's serialisers later, and entity declarations and external
    DTDs are refused here in every encoding expat reads (UTF-16 with or without a byte-order mark, a declared
    ISO-8859-1...), where a byte pattern only sees UTF-8 and its ASCII-compatible relatives."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def doctype(name, system_id, public_id, has_internal_subset):
        if system_id or public_id:
            raise _XmlRefused("external DTDs", parser.CurrentLineNumber)

    def entity(name, *args):
        raise _XmlRefused("entity declarations", parser.CurrentLineNumber)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity

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
    except _XmlRefused as refused:
        what, line = refused.args
        raise InputError(f"{what} are not allowed in RDF/XML (they can expand without bound or read local files)",
                         where=document.name, line=line) from None
    except xml.parsers.expat.ExpatError:
        pass  # rdflib's parser reports syntax errors with their position
    if document.data[:4] in _WIDE_STARTS or document.data[:2] in _WIDE_STARTS:
        raise InputError("RDF/XML in UTF-16 or UTF-32 is not read (save the file as UTF-8)", where=document.name)


# Byte-order marks and the first bytes of `<?` in UTF-16 and UTF-32 without one.
_WIDE_STARTS = {b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"<\x00?\x00", b"\x00<\x00?",
                b"<\x00\x00\x00", b"\x00\x00\x00<"}


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
    vocab_dropped: bool = False
    nulled: set = field(default_factory=set)  # terms some context maps to null
    languages: list = field(default_factory=list)

    @property
    def has_vocab(self) -> bool:
        return self.vocab and not self.vocab_dropped


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
        if key == "@vocab":
            if value is None:  # scoping is ignored: once any context drops @vocab, no key may rely on it
                terms.vocab_dropped = True
            else:
                terms.vocab = True
        elif key == "@language" and value is not None:
            terms.languages.append(value)
        elif key == "@import" or key.startswith("@"):
            continue
        elif value is None or (isinstance(value, dict) and "@id" in value and value["@id"] is None):
            terms.nulled.add(key)  # a term mapped to null: its values are dropped
        else:
            terms.defined.add(key)
            if isinstance(value, dict):
                if value.get("@type") == "@json":
                    terms.json_literals.add(key)
                if value.get("@language") is not None:
                    terms.languages.append(value["@language"])
                if "@context" in value:  # a scoped context
                    stack.append({"@context": value["@context"]})


JSONLD_KEYWORDS = frozenset({"@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included",
                             "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate",
                             "@protected", "@reverse", "@set", "@type", "@value", "@version", "@vocab", "@default",
                             "@embed", "@explicit", "@omitDefault", "@requireAll"})


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
            if key.startswith("@") and key not in JSONLD_KEYWORDS:
                raise InputError(f"'{key}' is not a JSON-LD keyword: its values would be ignored (remove the @ or "
                                 "map the key in @context)", where=document.name,
                                 line=_line_of(document.text, f'"{key}"'))
            mapped = key.startswith("@") or (key in terms.defined and key not in terms.nulled) or \
                (":" in key and key.split(":", 1)[0] not in terms.nulled) or \
                (terms.has_vocab and key not in terms.nulled)
            if not mapped:
                ignored[key] = ignored.get(key, 0) + (len(value) if isinstance(value, list) else 1)
            stack.append(value)
    if ignored:
        key, count = next(iter(ignored.items()))
        others = f" (and {len(ignored) - 1} other keys)" if len(ignored) > 1 else ""
        raise InputError(f"JSON-LD key '{key}'{others} is not mapped to an IRI by any @context, @vocab or prefix "
                         "(or is mapped to null): "
                         f"{sum(ignored.values())} value{'s' if sum(ignored.values()) != 1 else ''} would be "
                         "ignored (define the term in @context or use a full IRI)", where=document.name,
                         line=_line_of(document.text, f'"{key}"'))


def _check_language_tag(document: Document, tag) -> None:
    if tag is None or (isinstance(tag, str) and _LANGUAGE_TAG.match(tag)):
        return
    raise InputError(f"invalid language tag {json.dumps(tag, ensure_ascii=False)} (use a BCP 47 tag such as "
                     "sv or en-GB); the values would be ignored", where=document.name,
                     line=_line_of(document.text, json.dumps(tag, ensure_ascii=False)))


# ----------------------------------------------------------------- JSON-LD without its tree (for pyoxigraph)

# The fast engine's own names, refused on the rdflib path (load.terms.check_terms).
_RESERVED_BYTES = re.compile(re.escape(RESERVED_IRI_PREFIX.encode("ascii")), re.IGNORECASE)
# Keywords where pyoxigraph and rdflib make different statements: @direction (rdflib drops it, pyoxigraph makes
# "x"@ar--rtl), @propagate (rdflib ignores it).
_DIFFERING_KEYWORDS = frozenset({"@direction", "@propagate"})
_EXACT_INTEGER = 2 ** 53  # JSON-LD writes larger numbers as xsd:double (pyoxigraph), rdflib as xsd:integer


def jsonld_streams(document: Document, max_nesting: int = DEFAULT_MAX_NESTING, shape: dict | None = None) -> bool:
    """Whether a JSON-LD document can go to pyoxigraph without its JSON tree: True when it passes every rule of
    check_jsonld_contexts and uses only what pyoxigraph reads into the same statements as rdflib.

    Two passes of ijson's parser over the bytes (memory: the document's contexts, not its tree). The first collects
    every @context and refuses what needs the whole-tree path: a context given by reference (remote, refused; or
    one of ours, substituted), nesting deeper than `max_nesting`, numbers that are not exact integers (rdflib keeps
    "5.5", pyoxigraph writes "5.5E0"), an array in an array (rdflib writes a list of lists as text), @graph below
    the top (rdflib drops named graphs' statements), @direction and @propagate, the tool's reserved IRIs, and
    anything JsonItems would refuse (bad UTF-8, lone surrogates...). The second checks every key as
    check_jsonld_values does. False means: take the whole-tree path (the old checks, then rdflib), which refuses
    with the same message and line as before or reads what only it reads.

    `shape`, when given, is filled with what the first pass saw of the top: "top" (the event that opened it),
    "keys" (the top object's keys, repeats included) and "graph" (the event that began the top @graph's value).
    """
    import io

    if _RESERVED_BYTES.search(document.data):
        return False
    handle = io.BytesIO(document.data)
    try:
        if _scan(handle):
            _check_surrogate_pairs(handle)
        contexts = _stream_contexts(handle, max_nesting, shape if shape is not None else {})
        if contexts is None:
            return False
        handle.seek(0)
        terms = _context_terms({"@context": contexts})
        if any(tag is not None and not _good_tag(tag, {}) for tag in terms.languages):
            return False
        iris = _ContextIris(contexts)
        if iris.doubtful:
            return False
        return _stream_keys(handle, terms, iris)
    except JsonProblem:
        return False
    except Exception as error:  # ijson's errors (bad JSON, bad UTF-8, numbers its C parser cannot hold)
        if type(error).__module__.startswith("ijson") or isinstance(error, (ValueError, UnicodeDecodeError)):
            return False
        raise


def _stream_contexts(handle, limit: int, shape: dict) -> list | None:
    """Every @context's entries (as _context_terms finds them: not inside a @value), or None when the document
    needs the whole-tree path. `shape` gets the top's form (see jsonld_streams)."""
    import decimal

    import ijson

    contexts: list = []
    containers: list = []  # the event that opened each open container ("start_map" or "start_array")
    keys: list = []  # the current key of each open map
    top_keys: set = set()
    builder, builder_level = None, 0  # an @context being built, and the containers open around it
    skip_level = 0  # inside a @value's own object or array (a JSON literal): its contexts are not contexts
    for event, value in ijson.basic_parse(handle, use_float=False):
        if event == "number" and (isinstance(value, decimal.Decimal) or abs(value) >= _EXACT_INTEGER):
            return None
        if not containers and event not in ("start_map", "start_array"):
            return None  # a scalar at the top: not JSON-LD (rdflib fails on it in its own words)
        opens = event == "start_map" or event == "start_array"
        parent = keys[-1] if containers and containers[-1] == "start_map" and event[:4] != "end_" \
            and event != "map_key" else None  # the key whose value this event starts or is
        if len(containers) == 1 and parent == "@graph":
            shape["graph"] = event
        elif not containers:
            shape["top"] = event
        if event == "map_key":
            if value in _DIFFERING_KEYWORDS or (value == "@graph" and len(containers) > 1) \
                    or (value == "@import" and builder is None):
                return None
            if len(containers) == 1:
                top_keys.add(value)
                shape.setdefault("keys", []).append(value)
            keys[-1] = value
        elif opens:
            if len(containers) >= limit or (event == "start_array" and containers and containers[-1] == "start_array"):
                return None
            containers.append(event)
            keys.append(None)
            if builder is None and not skip_level and parent == "@value":
                skip_level = len(containers)
        elif event == "end_map" or event == "end_array":
            containers.pop()
            keys.pop()
            if skip_level and len(containers) < skip_level:
                skip_level = 0
        if builder is not None:
            builder.event(event, value)
            if len(containers) == builder_level:
                contexts.append(builder.value)
                builder = None
        elif parent == "@context" and not skip_level:
            if opens:
                builder, builder_level = ijson.ObjectBuilder(), len(containers) - 1
                builder.event(event, value)
            else:
                contexts.append(value)  # a string (a reference), null or a scalar
    if "@graph" in top_keys and top_keys - {"@graph", "@context"}:
        return None  # a named graph at the top: rdflib keeps none of its statements
    entries: list = []
    seen: set = set()
    for context in contexts:
        text = json.dumps(context, sort_keys=True)
        if text in seen:  # the same context on every node of a page: once is enough
            continue
        seen.add(text)
        if len(seen) > 1000:
            return None  # so many different contexts: the rdflib path reads them (checking IRIs would cost more)
        if any(True for _ in remote_contexts({"@context": context})):
            return None  # by reference: refused (remote) or substituted (ours) on the whole-tree path
        if any(word in text for word in ('"@graph"', '"@json"', '"@none"')):
            return None  # graph containers, JSON literals, @none: not compared with rdflib
        entries.extend(context if isinstance(context, list) else [context])
    return entries


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_MAX_DEFINITIONS = 8


class _ContextIris:
    """What the contexts map names to, so that every IRI the document makes can be checked before pyoxigraph sees
    it: pyoxigraph's JSON-LD parser drops a statement with an invalid IRI without a word (as JSON-LD says), where the
    rdflib path refuses it (load.terms.check_terms). Scoping is ignored: every definition of a name is checked."""

    def __init__(self, contexts: list):
        from .terms import iri_problem

        self.prefixes: dict[str, set[str]] = {}  # a name and the IRIs (as written) it stands for
        self.vocabs: list[str] = []
        self.as_iri: set = set()  # terms whose string values are IRIs (@type @id or @vocab)
        self.doubtful = False  # a context the rdflib path must read (@base), or an IRI in it that is not valid
        written: list[str] = []
        stack = list(contexts)
        while stack:
            context = stack.pop()
            if isinstance(context, list):
                stack.extend(context)
            if not isinstance(context, dict):
                continue
            for key, value in context.items():
                if key == "@base":
                    self.doubtful = True
                elif key == "@vocab" and isinstance(value, str):
                    self.vocabs.append(value)
                    written.append(value)
                if key.startswith("@"):
                    continue
                if ":" in key:
                    written.append(key)
                definition = value.get("@id") if isinstance(value, dict) else value
                if isinstance(definition, str) and definition.startswith("@"):  # a keyword's alias ("id": "@id")
                    if definition in ("@id", "@type"):
                        self.as_iri.add(key)  # its values are IRIs, checked as @id's and @type's are
                    else:
                        self.doubtful = True
                elif isinstance(definition, str):
                    self.prefixes.setdefault(key, set()).add(definition)
                    written.append(definition)
                if isinstance(value, dict):
                    if value.get("@type") in ("@id", "@vocab"):
                        self.as_iri.add(key)
                    elif isinstance(value.get("@type"), str):
                        written.append(value["@type"])
                    for word in ("@reverse",):
                        if isinstance(value.get(word), str):
                            written.append(value[word])
                    if "@context" in value:
                        stack.append(value["@context"])
        # A name defined many ways would make every IRI written with it cost as many checks: the rdflib path reads it.
        self.doubtful = self.doubtful or any(len(defined) > _MAX_DEFINITIONS for defined in self.prefixes.values()) \
            or len(set(self.vocabs)) > _MAX_DEFINITIONS
        self.doubtful = self.doubtful or any(  # @vocab: an absolute IRI (not a compact one: scoping is ignored)
            ":" not in vocab or vocab.partition(":")[0] in self.prefixes or iri_problem(vocab) is not None
            for vocab in self.vocabs)
        self.doubtful = self.doubtful or any(self.doubt(iri, absolute=True) for iri in set(written))

    def doubt(self, value: str, vocab: bool = False, depth: int = 0, absolute: bool = False,
              blank: bool = False) -> bool:
        """Whether `value` (an @id, a key, an @type, a term's IRI) might make an IRI that is not valid. A context's
        IRIs must be `absolute` (or compact): a term defined as a relative IRI maps to no IRI."""
        from .terms import iri_problem

        if value.startswith("_:"):  # pyoxigraph drops a statement with a label it cannot hold (`_:a/b`)
            if not blank:  # a blank node only where @id gives one (not as a property, a type, a term's IRI)
                return True
            import pyoxigraph

            try:
                pyoxigraph.BlankNode(value[2:])
            except ValueError:
                return True
            return False
        if value == "":
            return absolute  # the document's own IRI as an @id; no IRI at all as a term's
        if value.startswith("@"):
            return False
        if _BAD_IRI_CHARACTER.search(value) or depth > 3:
            return True
        prefix, colon, suffix = value.partition(":")
        if colon and not suffix.startswith("//") and prefix in self.prefixes:  # a compact IRI
            return any(self.doubt(iri + suffix, depth=depth + 1) for iri in self.prefixes[prefix])
        if colon and _SCHEME.match(prefix):
            return iri_problem(value) is not None
        if absolute or ":" in re.split(r"[/?#]", value, maxsplit=1)[0]:
            return True  # not a relative reference either (or one where only an absolute IRI will do)
        if vocab and any(iri_problem(v + value) is not None for v in self.vocabs):
            return True
        return iri_problem("http://relative.invalid/" + value) is not None


def _good_tag(tag, seen: dict) -> bool:
    """A language tag the rdflib path keeps: the pattern, then BCP 47 as pyoxigraph reads it (load.terms), which
    drops a literal whose tag it refuses where the rdflib path refuses the document."""
    from .terms import language_problem

    if not isinstance(tag, str):
        return False
    good = seen.get(tag)
    if good is None:
        good = bool(_LANGUAGE_TAG.match(tag)) and language_problem(tag) is None
        if len(seen) < 10_000:
            seen[tag] = good
    return good


def _stream_keys(handle, terms: _JsonLdTerms, iris: _ContextIris) -> bool:
    """check_jsonld_values on a stream: every key mapped (or a keyword), @id an IRI without forbidden characters,
    @language a tag; the values of @context, @value and JSON-literal terms are not looked into. Every IRI written
    (keys, @id, @type, values of @id-typed terms) is checked as _ContextIris.doubt says."""
    import ijson

    depth = 0
    skip_from = 0  # the depth of the container being passed over (0: none)
    check = None  # "@id", "@language", "@type" or an @id-typed term: the key whose value comes next
    key_doubts: dict = {}  # keys repeat on every node: each is checked once
    tags: dict = {}  # and so do language tags
    arrays: dict = {}  # the depth of each open array of IRIs (@type's, an @id-typed term's): vocab-relative or not
    for event, value in ijson.basic_parse(handle, use_float=False):
        opens = event == "start_map" or event == "start_array"
        if (event == "number" or event == "boolean") and (check not in (None, "@language") or depth in arrays):
            return False  # a number where an IRI belongs: rdflib makes something else of it than pyoxigraph
        if event == "string" and (check not in (None, "@language") or depth in arrays):
            vocab = arrays[depth] if check is None else check != "@id"
            if iris.doubt(value, vocab=vocab, blank=not vocab):
                return False
        if check is not None:
            if check == "@id" and event == "string" and _BAD_IRI_CHARACTER.search(value):
                return False
            if check == "@language" and not (event == "null" or (event == "string" and _good_tag(value, tags))):
                return False
            if event == "start_array" and check != "@language":
                arrays[depth + 1] = check != "@id"
            check = None
        if opens:
            depth += 1
            if skip_from == -1:
                skip_from = depth
            continue
        if event == "end_map" or event == "end_array":
            if depth == skip_from:
                skip_from = 0
            arrays.pop(depth, None)
            depth -= 1
            continue
        if skip_from == -1:  # the skipped value was a scalar
            skip_from = 0
            continue
        if skip_from or event != "map_key":
            continue
        if value in ("@id", "@language", "@type") or value in iris.as_iri:
            check = value
        if value in ("@context", "@value") or value in terms.json_literals:
            skip_from = -1  # pass over the value that comes next
            continue
        if value.startswith("@"):
            if value not in JSONLD_KEYWORDS:
                return False
            continue
        mapped = (value in terms.defined and value not in terms.nulled) or \
            (":" in value and value.split(":", 1)[0] not in terms.nulled) or \
            (terms.has_vocab and value not in terms.nulled)
        if not mapped:
            return False
        if value not in terms.defined:
            doubt = key_doubts.get(value)
            if doubt is None:
                doubt = iris.doubt(value, vocab=":" not in value)
                if len(key_doubts) < 100_000:
                    key_doubts[value] = doubt
            if doubt:
                return False
    return True
