"""`validate --endpoint`: the fast engine's compiled shapes run as SPARQL queries inside a SPARQL 1.1 store.

The catalog stays where it lives; the client sends one query per check (batched as in the local engine), two at a
time, and reads the violations back row by row from the whole answer spooled to a temporary file (STREAMED stores),
or in pages of at most `page_size` rows (ORDER BY + LIMIT/OFFSET: Virtuoso, or --page-size). Past
report.SPILL_AT findings wait in a temporary SQLite file (report.FindingSpill), so the client's memory grows
neither with the store nor with the findings. Nothing the user owns is written:

- focus sets, which the local engine materialises into a side graph, become sub-queries (`FocusSet.where` /
  `FocusSet.parent` from fast_compile), so the endpoint only ever answers SELECT and ASK;
- the vocabularies the shapes need (concept schemes, licence lists, class hierarchy) are sent once into their own
  graph `urn:ena-grunddata:vocabulary:<digest>` (Graph Store PUT, or SPARQL Update where the store has no Graph
  Store Protocol), and every query reads `FROM <data graph> FROM <vocabulary graph>`: the same merge the local
  engine validates, while the user's graph is never touched. A later run with the same vocabularies finds the
  graph complete and sends nothing;
- ill-typed literals, which the local engine lists in its side graph, are recognised by their lexical form
  (XML Schema's lexical spaces as regular expressions, see LEXICAL).

Stores differ (documented in README, `validate --endpoint`): Oxigraph keeps integer-derived types
(xsd:nonNegativeInteger, xsd:int, …) by value as xsd:integer and canonicalises numbers and date-times, so for the
`oxigraph` layout a derived integer type is accepted as xsd:integer within the type's range (a publisher who wrote
xsd:integer where xsd:nonNegativeInteger is required cannot be told apart there). Virtuoso answers at most
`ResultSetMaxRows` rows per query (10,000 by default), so its layout pages by 10,000; its SPARQL differs from
SPARQL 1.1 in ways `dialect` rewrites, and it stores some literals in other forms, which the compiler accepts
(STORED_AS, STORED_LEXICAL).

Findings carry the graph IRI as their source (no file, no line).
"""

from __future__ import annotations

import hashlib
import re
from itertools import islice
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from ... import http
from ...errors import RemoteError, UsageError
from ...namespaces import GRUNDDATA_PREFIXES
from .fast_compile import Compiler, Unsupported, _groups, compile_shapes, sparql_string

DCAT_CATALOG = "http://www.w3.org/ns/dcat#Catalog"
VOCABULARY_GRAPH = "urn:ena-grunddata:vocabulary:"
# Rows per request. A page asks for one row more than it keeps (to know whether more follow), so Virtuoso's
# default ResultSetMaxRows of 10,000 allows 9,999.
PAGE_SIZES = {"oxigraph": 50_000, "fuseki": 50_000, "graphdb": 50_000, "virtuoso": 9_999}
# Stores that answer a query whole, however many rows: without --page-size, each check is one request whose
# answer is spooled to a temporary file and read one row at a time (ijson), so the store evaluates every check
# once, unsorted; paging with ORDER BY + LIMIT/OFFSET evaluates and sorts it again for every page (at 250,000
# datasets a check with 500,000 rows took longer than the 600 s deadline that way).
STREAMED = {"oxigraph", "fuseki", "graphdb"}
# Stores that may answer the same RDF 1.1 term in two forms (see Paged): their rows are de-duplicated.
TWO_FORMS = {"virtuoso"}
# Virtuoso refuses ORDER BY with OFFSET + LIMIT above MaxSortedTopRows (10,000): there the ordered query is a
# sub-query and only the outer query is cut (OpenLink's advice for paging through large results).
SORTED_SUBQUERY = {"virtuoso"}
DEFAULT_REQUEST_TIMEOUT = 600.0  # one query on a national catalog may take minutes
STREAMED_MAX_BYTES = 64 * 1024 ** 3  # a spooled answer goes to disk, not memory
_FOCUS_REF = re.compile(r"GRAPH <urn:ena:fast:meta> \{ <urn:ena:fast:set:(\d+)> <urn:ena:fast:member> \?this \}")
_PREFIXES = re.compile(r"^\s*((?:PREFIX\s+[\w\-.]*:\s*<[^>]*>\s*)*)", re.IGNORECASE)
_HEAD = re.compile(r"^\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)

# XML Schema 1.1 lexical spaces (what rdflib's `ill_typed` checks for these types), as XPath regular expressions.
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_DATE = r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?INF$|^NaN$"
LEXICAL = {
    "integer": _INTEGER, "long": _INTEGER, "int": _INTEGER, "short": _INTEGER, "byte": _INTEGER,
    "nonNegativeInteger": _INTEGER, "positiveInteger": _INTEGER, "nonPositiveInteger": _INTEGER,
    "negativeInteger": _INTEGER, "unsignedLong": _INTEGER, "unsignedInt": _INTEGER, "unsignedShort": _INTEGER,
    "unsignedByte": _INTEGER,
    "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$", "double": _NUMBER, "float": _NUMBER,
    "boolean": r"^(true|false|1|0)$",
    "date": f"^{_DATE}{_TZ}$", "dateTime": f"^{_DATE}T{_TIME}{_TZ}$", "dateTimeStamp": f"^{_DATE}T{_TIME}"
                                                                                      r"(Z|[+-][0-9]{2}:[0-9]{2})$",
    "time": f"^{_TIME}{_TZ}$", "gYear": r"^-?([1-9][0-9]{3,}|0[0-9]{3})" + _TZ + "$",
    "gYearMonth": r"^-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])" + _TZ + "$",
    "duration": r"^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$",
}
# Value ranges of integer-derived types (min, max; None = unbounded): a store that keeps them as xsd:integer
# (Oxigraph) still tells a negative xsd:nonNegativeInteger from a good one.
INTEGER_RANGES = {
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None), "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1), "long": (-2 ** 63, 2 ** 63 - 1), "int": (-2 ** 31, 2 ** 31 - 1),
    "short": (-2 ** 15, 2 ** 15 - 1), "byte": (-128, 127), "unsignedLong": (0, 2 ** 64 - 1),
    "unsignedInt": (0, 2 ** 32 - 1), "unsignedShort": (0, 65535), "unsignedByte": (0, 255),
}
# What each store layout does to typed literals, and how the compiler adapts (see README).
INTEGERS_BY_VALUE = {"oxigraph"}
# Virtuoso keeps typed literals by value (tested on 7.2, Debian's virtuoso-opensource-7): a GeoSPARQL wktLiteral
# becomes its own geometry type (coordinates as 32-bit floats), a valid xsd:duration becomes a number of seconds
# (months for year-month durations) and an overflowing double STR()s as "inf". The datatype check accepts what
# those values became; README, validate --endpoint, lists what this cannot tell apart.
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
STORED_AS = {"virtuoso": {"http://www.opengis.net/ont/geosparql#wktLiteral": VIRTUOSO_GEOMETRY}}
STORED_LEXICAL = {"virtuoso": {"duration": r"^-?[0-9]+(\.[0-9]+)?$", "double": r"^-?inf$", "float": r"^-?inf$"}}
# Virtuoso evaluates a path with *, + or ? wrongly when its start is bound by the rest of the query (it finds only
# the start's own statements, or nothing): shapes with such paths are refused there (validate a local copy).
NO_REPEATED_PATHS = {"virtuoso"}
# Virtuoso matches a typed constant in a triple pattern only against the same stored form ("x"^^xsd:string not
# against a stored "x"), and its sameTerm is rewritten by the dialect (below): its layout compares values with
# literal constants, and writes sh:in's literals compactly.
TERMS_BY_PARTS = {"virtuoso"}
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def compiler_for(layout: str):
    """A Compiler whose sh:datatype test needs no side graph (and accepts what `layout` stores), and whose term
    tests `layout` evaluates as SPARQL 1.1 does."""

    class RemoteCompiler(Compiler):
        COUNTS_APART = False  # (one query per batch over HTTP)

        def datatype_ok(self, datatype, v) -> str:
            if datatype in (RDFS.Literal, RDF.langString, XSD.string, RDFS.Datatype):
                return super().datatype_ok(datatype, v)
            local = str(datatype)[len(str(XSD)):] if str(datatype).startswith(str(XSD)) else None
            same = f"DATATYPE({v}) = <{datatype}>"
            parts = [f"isLiteral({v})"]
            if layout in INTEGERS_BY_VALUE and local in INTEGER_RANGES:
                same = f"DATATYPE({v}) IN (<{datatype}>, <{XSD.integer}>)"
            stored = STORED_AS.get(layout, {}).get(str(datatype))
            if stored:
                same = f"DATATYPE({v}) IN (<{datatype}>, <{stored}>)"
            parts.append(same)
            if local in LEXICAL:
                lexical = f"REGEX(STR({v}), {sparql_string(LEXICAL[local])})"
                also = STORED_LEXICAL.get(layout, {}).get(local)
                if also:
                    lexical = f"({lexical} || REGEX(STR({v}), {sparql_string(also)}))"
                parts.append(lexical)
            if local in INTEGER_RANGES:
                low, high = INTEGER_RANGES[local]
                number = f"<{XSD.integer}>(STR({v}))"
                if low is not None:
                    parts.append(f"COALESCE({number} >= {low}, false)")
                if high is not None:
                    parts.append(f"COALESCE({number} <= {high}, false)")
            return "(" + " && ".join(parts) + ")"

        def path(self, node) -> str:
            if layout in NO_REPEATED_PATHS and not isinstance(node, URIRef):
                for predicate, name in ((SH.zeroOrMorePath, "sh:zeroOrMorePath"),
                                        (SH.oneOrMorePath, "sh:oneOrMorePath"), (SH.zeroOrOnePath, "sh:zeroOrOnePath")):
                    if self.one(node, predicate) is not None:
                        raise Unsupported(f"{name}: {layout} evaluates paths with *, + or ? wrongly where their "
                                          "start is bound")
            return super().path(node)

        def literals_in(self, v, literals) -> list:
            if layout not in TERMS_BY_PARTS:
                return super().literals_in(v, literals)
            # What the dialect makes of sameTerm with each literal (`dialect`), one test per datatype or language
            # with the lexical forms in one IN (…): a list of 80 media types stays a short query.
            kinds: dict = {}
            for literal in literals:
                if literal.language:
                    kind = f'LCASE(LANG({v})) = {sparql_string(literal.language.lower())}'
                else:
                    kind = f"DATATYPE({v}) = <{literal.datatype or XSD.string}>"
                kinds.setdefault(kind, []).append(sparql_string(str(literal)))
            return [f"(isLiteral({v}) && {kind} && STR({v}) IN ({', '.join(dict.fromkeys(forms))}))"
                    for kind, forms in kinds.items()]

        def has_value(self, x, path, term) -> str:
            if layout not in TERMS_BY_PARTS or not isinstance(term, Literal):
                return super().has_value(x, path, term)
            # A typed constant in a triple pattern ("x"^^xsd:string) does not match the plain literal Virtuoso
            # stores for it: the value is compared instead.
            v = self.var()
            return f"EXISTS {{ {x} {path} {v} . FILTER({self.same_term(v, term)}) }}"

    RemoteCompiler.__name__ = f"RemoteCompiler_{layout}"
    return RemoteCompiler


_programs: dict = {}
# Virtuoso compiles a 40-condition batch for tens of seconds even on a small graph: it gets one query per check.
UNBATCHED = {"virtuoso"}


def compiled(shapes, layout: str):
    """The shapes compiled for `layout` (cached per shapes graph and layout; raises Unsupported)."""
    key = (id(shapes.graph), len(shapes.graph), layout)
    if key not in _programs:
        _programs.clear()  # one shapes bundle per run: keep no stale programs
        program = compile_shapes(shapes.graph, compiler_for(layout))
        if layout in UNBATCHED:
            program.checks = [(key, part) for key, check in program.checks
                              for part in (check.parts if check.kind.startswith("batch:") else [check])]
        _programs[key] = program
    return _programs[key]


# --------------------------------------------------------------------------------------------- query text


class QueryBuilder:
    """Check queries made self-contained for a remote store: focus sets inlined, dataset named, paged."""

    def __init__(self, program, dataset: str, layout: str = "oxigraph", classes: dict | None = None):
        self.sets = {focus_set.key: focus_set for focus_set in program.focus_sets}
        self.dataset = dataset  # "FROM <…> FROM <…>"
        self.layout = layout
        self.classes = classes or {}  # class IRI -> its proper subclasses in the dataset (Virtuoso's dialect)

    def members(self, key: int, var: str = "?this", depth: int = 0) -> tuple[str, list]:
        """(sub-query binding `var` to the members of focus set `key`, PREFIX lines it needs)."""
        focus_set = self.sets[key]
        if focus_set.parent is not None:
            parent_key, path = focus_set.parent
            p, v = f"?_p{depth}", f"?_m{depth}"
            inner, prefixes = self.members(parent_key, p, depth + 1)
            return f"{{ SELECT DISTINCT ({v} AS {var}) WHERE {{ {inner} {p} {path} {v} }} }}", prefixes
        if not focus_set.where:
            return "{ FILTER(false) }", []
        union = " UNION ".join(f"{{ {pattern} }}" for _, pattern in focus_set.where)
        projection = "?this" if var == "?this" else f"(?this AS {var})"
        prefixes = [prefix for prefix, _ in focus_set.where if prefix]
        return f"{{ SELECT DISTINCT {projection} WHERE {{ {union} }} }}", prefixes

    def inline(self, text: str) -> tuple[str, list]:
        """`text` with every focus-set reference replaced by its sub-query; PREFIX lines the sub-queries need."""
        needed: list = []
        groups = _groups(text)

        def substitute(match):
            # Inside FILTER (NOT) EXISTS, ?this is already bound to a member by the outer pattern: the copy
            # inject_focus put there would only be evaluated again (and Virtuoso cannot compile a sub-query
            # that refers to the outer ?this there).
            inner = [(start, end) for start, end, _ in groups if start < match.start() and match.end() <= end]
            if inner and re.search(r"\bEXISTS\s*$", text[:max(inner)[0]], re.IGNORECASE):
                return ""
            pattern, prefixes = self.members(int(match.group(1)))
            needed.extend(prefixes)
            return pattern

        inlined = _FOCUS_REF.sub(substitute, text)
        if "urn:ena:fast:meta" in inlined:
            raise Unsupported("a check that reads the local engine's side graph")
        return inlined, needed

    def check(self, query: str) -> tuple[str, str, list]:
        """(PREFIX lines, SELECT body without prefixes, ORDER BY variables) of a check query."""
        match = _PREFIXES.match(query)
        own = match.group(1)
        body, needed = self.inline(query[match.end():])
        head = _HEAD.match(body)
        names = re.findall(r"[?$](\w+)", head.group(1)) if head and head.group(1).strip() != "*" else ["this"]
        order = list(dict.fromkeys(names))
        return join_prefixes([own] + needed), body, order

    def page(self, check, size: int, offset: int, ordered: bool = True) -> str:
        prefixes, body, order = self.check(self.text(check))
        body = dialect(body, self.layout, self.classes)
        ordering = ("ORDER BY " + " ".join(f"?{name}" for name in order)) if ordered else ""
        if ordered and self.layout in SORTED_SUBQUERY:
            return (f"{prefixes}\nSELECT * {self.dataset} WHERE {{ {{ SELECT * WHERE {{ {{ {body} }} }} {ordering} }} }} "
                    f"LIMIT {size} OFFSET {offset}")
        if size is None:  # the whole answer (STREAMED)
            return f"{prefixes}\nSELECT * {self.dataset} WHERE {{ {{ {body} }} }} {ordering}"
        return (f"{prefixes}\nSELECT * {self.dataset} WHERE {{ {{ {body} }} }} {ordering} "
                f"LIMIT {size} OFFSET {offset}")

    @staticmethod
    def text(check) -> str:
        """The check's query as the local engine runs it (a batch names its failing parts in one short string
        ?_flags, "0,3,": 40 booleans a row would make answers ten times larger)."""
        return check.query

    def ask_members(self, key: int) -> str:
        pattern, prefixes = self.members(key)
        pattern = dialect(pattern, self.layout, self.classes)
        return f"{join_prefixes(prefixes)}\nASK {self.dataset} WHERE {{ {pattern} }}"


# --------------------------------------------------------------------------------------------- Virtuoso's dialect
# Where Virtuoso 7 answers standard SPARQL differently, its layout rewrites the query text (each rewrite gives the
# SPARQL 1.1 answer on Virtuoso; tests/test_endpoint.py checks them against pyoxigraph on both stores):
# - STRSTARTS, STRENDS, CONTAINS: an unbound first argument stops the whole query ("SL001 … needs a string value")
#   where SPARQL makes a per-solution error: the argument gets "" instead (COALESCE).
# - SUBSTR: compared with `=` against another string function's result (REPLACE(…) = SUBSTR(…)), its value is
#   never equal; CONCAT(SUBSTR(…)), the same term in SPARQL 1.1, compares as it should.
# - DATATYPE of a language-tagged literal is an error (RDF 1.0), so a test like DATATYPE(?v) = xsd:date is an
#   error instead of false: it gets rdf:langString, as in SPARQL 1.1.
# - sameTerm: with a constant, or under negation, it answers wrongly (a literal constant never matches; the
#   IRI test becomes unknown under !; "0"^^xsd:integer is sameTerm "false"^^xsd:boolean): it is tested by the
#   terms' kinds and parts instead.
# - rdf:type/rdfs:subClassOf* C (focus sets, sh:class): the path finds nothing where its start is bound by the
#   rest of the query; the subclasses of C are asked once (standalone, which Virtuoso answers right) and the
#   pattern becomes rdf:type with a list of classes (QueryBuilder, `classes`).
STRING_TESTS = ("STRSTARTS", "STRENDS", "CONTAINS")
NULL_SAFE_STRINGS = {"virtuoso"}
DIALECTS = {"virtuoso"}
_CALL = re.compile(r"(?<![\w:?$])([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def rewrite_calls(text: str, rules: dict) -> str:
    """`text` with every call NAME(…) whose NAME (any case) is in `rules` replaced by rules[NAME](name, args);
    the arguments (as written, whitespace kept) are rewritten first. Strings, IRIs and comments are left alone."""
    out, i, n = [], 0, len(text)
    while i < n:
        skip = _opaque(text, i)
        if skip > i:
            out.append(text[i:skip])
            i = skip
            continue
        call = _CALL.match(text, i) if (text[i].isalpha() or text[i] == "_") else None
        if call is None or call.group(1).upper() not in rules:
            if call is not None:  # a word that is no call to rewrite: copy it whole (SUBSTR inside MYSUBSTR)
                out.append(text[i:call.end(1)])
                i = call.end(1)
            else:
                out.append(text[i])
                i += 1
            continue
        args, end = _arguments(text, call.end())
        if end is None:  # unbalanced: leave the rest as it is
            out.append(text[i:])
            break
        rewritten = [rewrite_calls(arg, rules) for arg in args]
        out.append(rules[call.group(1).upper()](call.group(1), rewritten))
        i = end
    return "".join(out)


def _opaque(text: str, i: int) -> int:
    """The end of a string literal, IRI or comment starting at `i` (or `i` when none starts there)."""
    ch = text[i]
    if ch in "\"'":
        quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
        j = i + len(quote)
        while j < len(text) and not text.startswith(quote, j):
            j += 2 if text[j] == "\\" else 1
        return min(j + len(quote), len(text))
    if ch == "<":
        iri = _IRI_TOKEN.match(text, i)
        return iri.end() if iri else i
    if ch == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    return i


_IRI_TOKEN = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def _arguments(text: str, start: int):
    """(arguments as written, index after the closing parenthesis) of a call whose "(" ends at `start`."""
    args, depth, i, begin = [], 0, start, start
    while i < len(text):
        skip = _opaque(text, i)
        if skip > i:
            i = skip
            continue
        ch = text[i]
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            if depth == 0:
                args.append(text[begin:i])
                return args, i + 1
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[begin:i])
            begin = i + 1
        i += 1
    return args, None


def _null_safe(name, args):
    if len(args) != 2:
        return f"{name}({','.join(args)})"
    return f'{name}(COALESCE({args[0].strip()}, ""),{args[1]})'


def _substr(name, args):
    return f"CONCAT({name}({','.join(args)}))"


def _datatype(name, args):
    if len(args) != 1:
        return f"{name}({','.join(args)})"
    x = args[0].strip()
    return f'IF(isLiteral({x}) && LANG({x}) != "", <{RDF_LANGSTRING}>, {name}({x}))'


_STRING_TOKEN = r'"""(?:[^\\]|\\.)*?"""|\'\'\'(?:[^\\]|\\.)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
_LITERAL_TOKEN = re.compile(rf"({_STRING_TOKEN})(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(<[^<>\s]*>|[\w\-.]*:[\w\-.]*))?")
_NUMBER_TOKEN = re.compile(r"[+-]?(?:(\d+)|(\d*\.\d+)|((?:\d+\.?\d*|\.\d+)[eE][+-]?\d+))")
_IRI_CONSTANT = re.compile(r"<[^<>\s]*>|[A-Za-z][\w\-.]*:[\w\-.]*|:[\w\-.]*")


def _constant(text: str):
    """("iri", IRI text) or ("literal", quoted lexical form, language or None, datatype text) of a constant
    term as written in a query; None for anything else (variables, expressions)."""
    text = text.strip()
    literal = _LITERAL_TOKEN.fullmatch(text)
    if literal:
        quoted, language, datatype = literal.groups()
        if quoted[:3] in ('"""', "\'\'\'"):
            quoted = '"' + quoted[3:-3].replace('"', '\\"').replace("\n", "\\n") + '"'
        return "literal", quoted, language, datatype or f"<{XSD.string}>"
    number = _NUMBER_TOKEN.fullmatch(text)
    if number:
        kind = "integer" if number.group(1) else "decimal" if number.group(2) else "double"
        return "literal", sparql_string(text), None, f"<{XSD[kind]}>"
    if text in ("true", "false"):
        return "literal", sparql_string(text), None, f"<{XSD.boolean}>"
    if _IRI_CONSTANT.fullmatch(text):
        return "iri", text
    return None


def _kind(x: str) -> str:
    """The datatype of literal `x` as SPARQL 1.1 has it (rdf:langString for a language-tagged one)."""
    return f'IF(LANG({x}) != "", <{RDF_LANGSTRING}>, DATATYPE({x}))'


def _same_term(name, args):
    """sameTerm by the terms' kinds and parts. Virtuoso evaluates functions of a constant literal (LANG, DATATYPE)
    to nothing, so a constant's parts are written out instead."""
    if len(args) != 2:
        return f"{name}({','.join(args)})"
    a, b = (arg.strip() for arg in args)
    if _constant(a) and not _constant(b):
        a, b = b, a
    constant = _constant(b)
    if constant and _constant(a):
        return f"{name}({a}, {b})"
    if constant and constant[0] == "iri":
        return f"(isIRI({a}) && {a} = {b})"
    if constant:
        _, quoted, language, datatype = constant
        if language:
            return f"(isLiteral({a}) && LCASE(LANG({a})) = {sparql_string(language.lower())} && STR({a}) = {quoted})"
        return f"(isLiteral({a}) && {_kind(a)} = {datatype} && STR({a}) = {quoted})"
    literal = (f"isLiteral({b}) && STR({a}) = STR({b}) && LCASE(LANG({a})) = LCASE(LANG({b})) && "
               f"{_kind(a)} = {_kind(b)}")
    return (f"IF(isLiteral({a}), {literal}, IF(isIRI({a}), isIRI({b}) && STR({a}) = STR({b}), "
            f"isBlank({b}) && IF({name}({a}, {b}), true, false)))")


_IN = re.compile(r"\b(NOT\s+)?IN\s*\(", re.IGNORECASE)
_OPERAND_END = re.compile(r"[?$]?[\w\-.:]*[\w]$")


def _structure(text: str):
    """(closing -> opening parenthesis, set of positions inside strings, IRIs and comments) of a query text."""
    pairs, stack, opaque, i = {}, [], set(), 0
    while i < len(text):
        skip = _opaque(text, i)
        if skip > i:
            opaque.update(range(i, skip))
            i = skip
            continue
        if text[i] == "(":
            stack.append(i)
        elif text[i] == ")" and stack:
            pairs[i] = stack.pop()
        i += 1
    return pairs, opaque


def in_as_comparisons(text: str) -> str:
    """`X IN (a, b)` -> `(X = a || X = b)`, `X NOT IN (a, b)` -> `(X != a && X != b)`: the definitions of SPARQL 1.1
    (§17.4.1.9f). Virtuoso makes `!(X IN …)` true where X is an error; the comparisons keep the error. Rewritten
    where X is a whole operand that is a variable or a call (what the compiler writes); the last one first."""
    limit = len(text)
    while True:
        pairs, opaque = _structure(text)
        found = [m for m in _IN.finditer(text, 0, limit) if m.start() not in opaque]
        if not found:
            return text
        match = found[-1]
        limit = match.start()
        end = match.start()
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if end and text[end - 1] == ")" and end - 1 in pairs:
            start = pairs[end - 1]
            name = re.search(r"[\w:]*$", text[:start])
            start -= len(name.group(0))
        else:
            operand = _OPERAND_END.search(text[:end])
            if operand is None or not operand.group(0).startswith(("?", "$")):
                continue
            start = operand.start()
        before = text[:start].rstrip()
        if before and before[-1] not in "(,&|{":  # X is part of a larger operand (?a + ?b IN …, !?a IN …)
            continue
        close = next((c for c, o in pairs.items() if o == match.end() - 1), None)
        if close is None:
            continue
        x = text[start:end]
        items = [item.strip() for item in _arguments(text, match.end())[0] if item.strip()]
        if match.group(1):
            replaced = "(" + " && ".join(f"{x} != {item}" for item in items) + ")" if items else "true"
        else:
            replaced = "(" + " || ".join(f"{x} = {item}" for item in items) + ")" if items else "false"
        text = text[:start] + replaced + text[close + 1:]
        limit = start


STRING_RULES = {name: _null_safe for name in STRING_TESTS}
VIRTUOSO_RULES = dict(STRING_RULES, SUBSTR=_substr, DATATYPE=_datatype, SAMETERM=_same_term)


def null_safe_strings(text: str) -> str:
    """`STRSTARTS(x, y)` -> `STRSTARTS(COALESCE(x, ""), y)` (also STRENDS, CONTAINS); strings and IRIs skipped."""
    return rewrite_calls(text, STRING_RULES)


TYPE_CLOSURE = re.compile(rf"<{re.escape(str(RDF.type))}>/<{re.escape(str(RDFS.subClassOf))}>\* (<[^>\s]*>)")
CLASS_CLOSURE = re.compile(rf"<{re.escape(str(RDF.type))}> (\?_t\d+) \. \1 <{re.escape(str(RDFS.subClassOf))}>\* "
                           r"(<[^>\s]*>)")


def classes_named(texts) -> set:
    """The classes C of every rdf:type/rdfs:subClassOf* C the compiler wrote (focus sets, sh:class)."""
    found = set()
    for text in texts:
        found.update(match.group(1)[1:-1] for match in TYPE_CLOSURE.finditer(text))
        found.update(match.group(2)[1:-1] for match in CLASS_CLOSURE.finditer(text))
    return found


def subclass_query(classes, dataset: str) -> str:
    """Every (class, proper subclass) pair of `classes` in the dataset, one standalone path per class."""
    branches = " UNION ".join(f"{{ ?sub <{RDFS.subClassOf}>+ <{c}> . BIND(<{c}> AS ?class) }}"
                              for c in sorted(classes))
    return f"SELECT DISTINCT ?class ?sub {dataset} WHERE {{ {branches} }}"


def with_class_lists(text: str, classes: dict) -> str:
    """rdf:type/rdfs:subClassOf* C as rdf:type with C and its subclasses (`classes`: C -> its subclasses)."""
    counter = iter(range(1 << 30))

    def members(iri: str) -> str:
        return ", ".join(f"<{c}>" for c in [iri] + sorted(classes.get(iri, ())))

    def typed(match):
        iri = match.group(1)[1:-1]
        if not classes.get(iri):
            return f"<{RDF.type}> <{iri}>"
        k = f"?_k{next(counter)}"
        return f"<{RDF.type}> {k} . FILTER({k} IN ({members(iri)}))"

    def in_class(match):
        return f"<{RDF.type}> {match.group(1)} . FILTER({match.group(1)} IN ({members(match.group(2)[1:-1])}))"

    return TYPE_CLOSURE.sub(typed, CLASS_CLOSURE.sub(in_class, text))


def dialect(text: str, layout: str, classes: dict | None = None) -> str:
    """The query text as `layout` must be sent (unchanged for stores that follow SPARQL 1.1)."""
    if layout in DIALECTS:
        text = in_as_comparisons(with_class_lists(rewrite_calls(text, VIRTUOSO_RULES), classes or {}))
    elif layout in NULL_SAFE_STRINGS:
        text = null_safe_strings(text)
    return text


def join_prefixes(parts) -> str:
    lines = []
    for part in parts:
        for line in re.findall(r"PREFIX\s+[\w\-.]*:\s*<[^>]*>", part or "", re.IGNORECASE):
            if line not in lines:
                lines.append(line)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- results




class Row:
    """One solution, read like a pyoxigraph QuerySolution (row["this"], row[Variable]; None when unbound)."""

    __slots__ = ("values",)

    def __init__(self, values: dict):
        self.values = values

    def __getitem__(self, name):
        return self.values.get(name if isinstance(name, str) else name.value)


class Rows(list):
    """Solutions of one page, with `variables` as pyoxigraph gives them."""

    def __init__(self, variables, rows):
        super().__init__(rows)
        self.variables = [ox.Variable(name) for name in variables]


class Paged:
    """The rows of every page of one check, read lazily (the describers iterate once). Rows that are equal as
    RDF 1.1 terms are one row: a check's rows are violations, and Virtuoso keeps "x" and "x"^^xsd:string apart (as
    RDF 1.0 did) and answers both where the local engine has one term. The set of rows seen grows with the findings,
    as the findings do.

    The rows come from a stranger, so each is checked before the describer reads it (a malformed row is a
    RemoteError naming `where`, not an internal error): every variable in `required` is bound, and a batch's
    ?_flags ("0,3,") names only its `parts` parts."""

    def __init__(self, first: Rows, rest, dedupe: bool = True, required=(), parts: int = 0, where: str = ""):
        self.variables = first.variables
        self._first, self._rest = first, rest
        self._names = [variable.value for variable in first.variables]
        self._dedupe = dedupe
        self._required, self._parts, self._where = tuple(required), parts, where

    def __iter__(self):
        if not self._dedupe:  # one form per term (Oxigraph, …): nothing to merge, nothing to remember
            yield from self._rows()
            return
        seen = set()
        for row in self._rows():
            key = tuple(row.values.get(name) for name in self._names)
            if key in seen:
                continue
            seen.add(key)
            yield row

    def _rows(self):
        first, self._first = self._first, None
        yield from self._checked(first)
        del first
        for rows in self._rest:
            yield from self._checked(rows)

    def _checked(self, rows):
        required, parts = self._required, self._parts
        for row in rows:
            values = row.values
            for name in required:
                if values.get(name) is None:
                    raise self._malformed(f"a row has no value for ?{name}, which the query selects")
            if parts and not _flags_name_parts(values["_flags"], parts):
                raise self._malformed(f"a row's ?_flags ({str(values['_flags'])[:40]}) names no part of the query")
            yield row

    def _malformed(self, what: str) -> RemoteError:
        return RemoteError(f"the store's SPARQL JSON results are malformed: {what}", where=self._where)


_FLAGS = re.compile(r"(?:[0-9]{1,9},)+")


def _flags_name_parts(flags, parts: int) -> bool:
    """Whether a batch's ?_flags is a literal "i,j,…," whose every i is one of its `parts` parts."""
    return (flags.__class__ is ox.Literal and _FLAGS.fullmatch(flags.value) is not None
            and all(int(index) < parts for index in flags.value.split(",")[:-1]))


_BLANK_LABEL = re.compile(r"[^A-Za-z0-9_]")


BOOLEANS_AS_NUMBERS = {"virtuoso"}  # answers xsd:boolean values as "1" and "0"
_BOOLEAN_WORDS = {"1": "true", "0": "false"}


def term(binding: dict, booleans_as_numbers: bool = False):
    """A SPARQL JSON results binding as a pyoxigraph term (blank node labels made safe; `booleans_as_numbers`:
    the store writes xsd:boolean values as 1 and 0, which are read as true and false)."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(_BLANK_LABEL.sub("_", value) or "b")
    if kind in ("literal", "typed-literal"):
        language, datatype = binding.get("xml:lang"), binding.get("datatype")
        if language:
            return ox.Literal(value, language=language)
        if datatype:
            if booleans_as_numbers and datatype == str(XSD.boolean):
                value = _BOOLEAN_WORDS.get(value, value)
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    raise ValueError(f"unknown binding type {kind!r}")


# --------------------------------------------------------------------------------------------- the store


@dataclass
class Store:
    """One SPARQL endpoint reached through the guarded client (credentials from ENA_GRUNDDATA_* variables)."""

    endpoints: object  # publish.store.Endpoints
    allow_private: bool = False
    retries: int | None = None
    timeout: float | None = None
    queries: int = 0

    @property
    def options(self) -> dict:
        return {"allow_private": self.allow_private, "retries": self.retries, "timeout": self.timeout}

    page_size: int = 10_000

    def _post(self, query: str, accept: str, spool: bool = False):
        """The answer's bytes; with `spool`, the response whose body is in a temporary file (caller closes it)."""
        from ...load.sparql_store import AUTH_ENV, check_answer

        url = self.endpoints.query
        body = urlencode({"query": query}).encode("utf-8")
        deadline = self.timeout or DEFAULT_REQUEST_TIMEOUT
        policy = replace(http.DEFAULT_POLICY, read_timeout=deadline, deadline=deadline, per_host=WORKERS)
        # A query changes nothing: retried like a GET (form-encoded POST: queries outgrow URLs).
        response = http.request("POST", url, body=body, accept=accept, auth_env=AUTH_ENV, policy=policy,
                                headers={"Content-Type": "application/x-www-form-urlencoded"},
                                allow_private=self.allow_private,
                                max_bytes=STREAMED_MAX_BYTES if spool else max(http.DEFAULT_MAX_BYTES,
                                                                              self.page_size * 4096),
                                retries=3 if self.retries is None else self.retries, spool=spool)
        self.queries += 1
        if spool and response.status >= 300:  # the error's first line, for check_answer
            response.content = response.body.read(4096)
            response.close()
        check_answer(response, url, len(body))
        return response if spool else response.content

    def streamed(self, query: str) -> Rows:
        """Every row of `query` from one request: the answer is spooled to a temporary file and read one
        binding at a time; the first Rows (empty, with the variables) is followed by the rows in lists of 1,000.

        The variables are read by the one reader of untrusted JSON streams (load.safety.JsonItems), which reads the
        whole answer under the rules of every JSON input (nesting, lone UTF-16 surrogates, UTF-8, numbers); only an
        answer that passed is read again for its rows by ijson's C parser, several times faster, which alone would
        write a lone surrogate as "?" and take quadratic memory in the nesting depth."""
        import ijson

        from ...load.model import DEFAULT_MAX_NESTING
        from ...load.safety import JsonItems, JsonProblem

        response = self._post(query, "application/sparql-results+json", spool=True)
        numbers = self.endpoints.layout.name in BOOLEANS_AS_NUMBERS
        where = http.redact(self.endpoints.query)
        try:
            head = JsonItems(response.body, ("head", "vars"), DEFAULT_MAX_NESTING)
            variables = list(head)
            response.body.seek(0)
        except JsonProblem as problem:
            response.close()
            raise RemoteError(f"the store's SPARQL JSON results are malformed: {problem.message}",
                              where=where) from None
        if not head.found or not all(isinstance(name, str) for name in variables):
            response.close()
            raise RemoteError("the store did not answer with SPARQL JSON results", where=where)

        def rows():
            try:
                batch = []
                for binding in ijson.items(response.body, "results.bindings.item", use_float=True):
                    batch.append(Row({name: term(value, numbers) for name, value in binding.items()}))
                    if len(batch) == 1000:
                        yield batch
                        batch = []
                yield batch
            except (ijson.JSONError, KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError):
                raise RemoteError("the store's SPARQL JSON results are malformed", where=where) from None
            finally:
                response.close()

        return Rows(variables, []), rows()

    def results(self, query: str) -> dict:
        from ...load.safety import JsonProblem, load_json

        content = self._post(query, "application/sparql-results+json")
        try:
            results = load_json(content.decode("utf-8"))
            if not isinstance(results, dict):
                raise ValueError("not an object")
            return results
        except (JsonProblem, UnicodeDecodeError) as problem:  # nesting, lone surrogates, numbers, bytes
            why = problem.message if isinstance(problem, JsonProblem) else "not valid UTF-8"
            raise RemoteError(f"the store's SPARQL JSON results are malformed: {why}",
                              where=http.redact(self.endpoints.query)) from None
        except ValueError:
            raise RemoteError("the store did not answer with SPARQL JSON results",
                              where=http.redact(self.endpoints.query)) from None

    def ask(self, query: str) -> bool:
        answer = self.results(query).get("boolean")
        if not isinstance(answer, bool):
            raise RemoteError("the store did not answer an ASK query with true or false",
                              where=http.redact(self.endpoints.query))
        return answer

    def select(self, query: str) -> Rows:
        results = self.results(query)
        try:
            variables = [str(name) for name in results["head"]["vars"]]
            numbers = self.endpoints.layout.name in BOOLEANS_AS_NUMBERS
            rows = [Row({name: term(value, numbers) for name, value in binding.items()})
                    for binding in results["results"]["bindings"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise RemoteError("the store's SPARQL JSON results are malformed",
                              where=http.redact(self.endpoints.query)) from None
        return Rows(variables, rows)

    def pages(self, builder: QueryBuilder, check, size: int):
        """Every row of a check, at most `size` rows per request. Most checks fit one page: the first request
        asks for size + 1 rows without ORDER BY (sorting costs the store as much again); only when more come
        back does paging start over with ORDER BY, which keeps LIMIT/OFFSET pages stable."""
        rows = self.select(builder.page(check, size + 1, 0, ordered=False))
        if len(rows) <= size:
            yield rows
            return
        del rows
        offset = 0
        while True:
            rows = self.select(builder.page(check, size + 1, offset))
            more = len(rows) > size
            if more:
                del rows[size:]
            yield rows
            if not more:
                return
            offset += size

    def count(self, graph: str) -> int:
        from ...load.sparql_store import count_triples

        return count_triples(self.endpoints, URIRef(graph), self.options)


def vocabulary_graph_iri(vocabulary: Graph) -> str:
    """A name that changes whenever the vocabularies do (blank-node statements counted, not named)."""
    digest = hashlib.sha256()
    lines = sorted(" ".join(t.n3() for t in triple) for triple in vocabulary
                   if not any(isinstance(t, BNode) for t in triple))
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    digest.update(str(len(vocabulary)).encode())
    return VOCABULARY_GRAPH + digest.hexdigest()[:20]


def send_vocabulary(store: Store, vocabulary: Graph) -> str:
    """The vocabularies in their own graph, sent only when the store does not hold them complete already."""
    from ...load.sparql_store import GSP_MISSING, check_answer, ntriples, send, update_request

    iri = vocabulary_graph_iri(vocabulary)
    if store.count(iri) == len(vocabulary):
        return iri
    body = ntriples(vocabulary)
    endpoints = store.endpoints
    url = endpoints.graph_store(iri)
    response = send("PUT", url, body, endpoints.layout.body_type, store.options)
    if response.status in GSP_MISSING:
        url = endpoints.update
        body = update_request(URIRef(iri), body, endpoints.layout.insert_template)
        response = send("POST", url, body, "application/sparql-update", store.options)
    try:
        check_answer(response, url, len(body))
    except RemoteError as error:
        raise RemoteError(f"cannot store the vocabularies the shapes need in their own graph <{iri}> "
                          f"({error.message}); validate --endpoint needs write access to that one graph "
                          "(your graph is never written)", where=error.where) from None
    return iri


def find_graph(store: Store) -> str:
    """Without --graph: the one named graph that holds a dcat:Catalog (publish's default graph is its IRI)."""
    rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?c a <{DCAT_CATALOG}> }} }} LIMIT 3")
    graphs = [row["g"].value for row in rows if row["g"] is not None and row["g"].__class__ is ox.NamedNode]
    if len(graphs) != 1:
        found = "no named graph" if not graphs else f"{len(graphs)} or more named graphs"
        raise UsageError(f"{found} with a dcat:Catalog at {http.redact(store.endpoints.query)}; name the graph to "
                         "validate with --graph IRI")
    return graphs[0]


# --------------------------------------------------------------------------------------------- validation


class RemoteData:
    """What fast.Describer asks of the data: terms come back from the store as stored."""

    @staticmethod
    def original(term):
        return term


def validate_endpoint(url: str, *, graph: str | None = None, layout: str = "oxigraph", profiles=None, shapes=(),
                      vocabularies=(), domain=None, fail_on="violation", allow_private: bool = False,
                      retries: int | None = None, timeout: float | None = None, page_size: int | None = None,
                      limits=None, progress=None, spill_at: int | None = None):
    """Validate the graph `graph` of the store at `url` (see module docs); returns a Report. Past `spill_at`
    findings (report.SPILL_AT) they wait in a temporary file (report.FindingSpill), not in memory."""
    from ...load.sparql_store import check_graph_iri, endpoints_for
    from ...report import Report
    from ..profiles import load_shapes, load_vocabularies

    if domain:
        raise UsageError("--domain is not available with --endpoint (it would add statements to your graph); "
                         "mark the intended domain in the data (dcterms:subject) instead")
    try:
        endpoints = endpoints_for(url, layout)
    except UsageError as error:
        raise UsageError(error.message.replace("--to", "--endpoint")) from None
    if graph is not None:
        graph = str(check_graph_iri(graph))
    vocabulary = load_vocabularies(vocabularies, limits)
    shapes_bundle = load_shapes(profiles, shapes, vocabulary, limits)
    try:
        program = compiled(shapes_bundle, layout)
    except Unsupported as error:
        raise UsageError(f"--endpoint runs the fast engine, which cannot run these shapes ({error}); validate a "
                         "local copy with --engine pyshacl") from None
    stream = page_size is None and layout in STREAMED
    page_size = page_size or PAGE_SIZES.get(layout, 10_000)
    store = Store(endpoints, allow_private=allow_private, retries=retries, timeout=timeout, page_size=page_size)
    http.check_url(endpoints.query, allow_private)
    graph = graph or find_graph(store)
    if not store.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
        raise UsageError(f"graph <{graph}> holds no statements at {http.redact(endpoints.query)}; check --graph")
    vocabulary_iri = send_vocabulary(store, vocabulary)
    dataset = f"FROM <{graph}> FROM <{vocabulary_iri}>"
    classes = subclasses(store, program, dataset) if layout in DIALECTS else {}
    builder = QueryBuilder(program, dataset, layout, classes)
    marked = store.ask(f"ASK FROM <{graph}> WHERE {{ ?s <http://purl.org/dc/terms/subject> ?o . FILTER("
                       + " || ".join(f'STRSTARTS(STR(?o), "{prefix}")' for prefix in GRUNDDATA_PREFIXES) + ") }")
    findings = run(store, builder, program, shapes_bundle, graph, page_size, progress, stream=stream,
                   spill_at=spill_at)
    return Report(findings=findings, profiles=shapes_bundle.profiles, sources=[graph], fail_on=fail_on,
                  guidance=marked)


def subclasses(store: Store, program, dataset: str) -> dict:
    """Class IRI -> its proper subclasses (IRIs) in the dataset, for every class the program tests membership of
    through rdf:type/rdfs:subClassOf* (one query; Virtuoso's dialect). A blank-node subclass cannot be named in a
    query and is left out."""
    texts = [QueryBuilder.text(check) for _, check in program.checks if check.query is not None]
    texts += [pattern for focus_set in program.focus_sets for _, pattern in focus_set.where]
    named = classes_named(texts)
    if not named:
        return {}
    found: dict = {}
    for row in store.select(subclass_query(named, dataset)):
        if isinstance(row["class"], ox.NamedNode) and isinstance(row["sub"], ox.NamedNode):
            found.setdefault(row["class"].value, set()).add(row["sub"].value)
    return found


def run(store: Store, builder: QueryBuilder, program, shapes, graph: str, page_size: int, progress=None,
        stream: bool = False, spill_at: int | None = None):
    """The findings of every check, in a FindingSpill (objects while few, on disk past `spill_at`)."""
    from . import fast
    from ...report import FindingSpill

    class Describer(fast.Describer):
        def place(self, focus, focus_text):
            return graph, None

    describer = Describer(shapes, RemoteData())
    nonempty: dict = {}
    findings = FindingSpill(spill_at)
    dedupe = store.endpoints.layout.name in TWO_FORMS
    total = len(program.checks)
    where = http.redact(store.endpoints.query)

    def answer(key, check):
        """The check's rows (first, the rest), or None when its focus set is empty or it has no query."""
        if check.query is None:
            return None
        if key not in nonempty:  # (two workers may both ask: the same answer)
            nonempty[key] = store.ask(builder.ask_members(key))
        if not nonempty[key]:
            return None
        if stream:
            return store.streamed(builder.page(check, None, 0, ordered=False))
        pages = store.pages(builder, check, page_size)
        return next(pages), pages

    if not stream:  # pages are asked for while the rows are read: one check after the other
        answers = ((check, answer(key, check)) for key, check in program.checks)
    else:  # answers are spooled to disk whole: the store works on the next checks while this thread reads one
        answers = _ahead(answer, program.checks)
    for index, (check, answered) in enumerate(answers):
        if progress is not None:
            progress("checking", index, total)
        if answered is None:
            continue
        first, pages = answered
        # every variable the check's query selects is bound in its rows (a user's SPARQL constraint: ?this)
        required = ("this",) if check.kind == "sparql" else builder.check(builder.text(check))[2]
        rows = Paged(first, pages, dedupe=dedupe, required=required, parts=len(check.parts), where=where)
        findings.extend(describer.check_findings(check, rows))
    return findings


WORKERS = 2  # checks a store is asked at once (Oxigraph answers two on two cores in about half the time)


def _ahead(answer, checks):
    """(check, answer(key, check)) in order, WORKERS of them asked at once (as the local engine runs its checks)."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    queue = iter(checks)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending = deque((check, pool.submit(answer, key, check)) for key, check in islice(queue, WORKERS))
        try:
            while pending:
                check, future = pending.popleft()
                following = next(queue, None)
                if following is not None:
                    pending.append((following[1], pool.submit(answer, *following)))
                yield check, future.result()
        finally:
            for _, waiting in pending:
                waiting.cancel()
