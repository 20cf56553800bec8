"""Compile a SHACL shapes graph into SPARQL, following pyshacl's semantics (the reference engine) closely.

Each shape with targets becomes: one query that materialises its focus nodes into a side graph, and per constraint
one SELECT that returns only the violations (so the work stays inside oxigraph, not in Python). Shapes used by
shape-expecting constraints (sh:node, sh:not, sh:and, sh:or, sh:xone, sh:qualifiedValueShape, nested sh:property)
become SPARQL conditions. pyshacl details kept on purpose:
- with allow_warnings/allow_infos, a nested shape whose severity is sh:Warning or sh:Info always "conforms", and a
  shape whose failing results are all warnings/infos conforms too;
- sh:node fails as soon as the nested shape produces any result at all, whatever its severity;
- sh:pattern honours only the i and m flags; sh:languageIn matches the whole tag or its first subtag;
- sh:datatype fails on ill-typed literals (rdflib's notion), see fast_data.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from .fast_data import ILL_TYPED, MEMBER, META, STAND_IN

ALLOWED_SEVERITIES = (SH.Warning, SH.Info)  # pyshacl runs with allow_warnings and allow_infos
TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
PER_VALUE = ("datatype", "nodeKind", "class", "in", "pattern", "minLength", "maxLength", "languageIn",
             "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "node", "not", "and", "or", "xone")
RANGES = ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")
COMPONENTS = {
    "minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype", "nodeKind": "NodeKind", "class": "Class",
    "in": "In", "hasValue": "HasValue", "pattern": "Pattern", "minLength": "MinLength", "maxLength": "MaxLength",
    "languageIn": "LanguageIn", "uniqueLang": "UniqueLang", "minInclusive": "MinInclusive",
    "maxInclusive": "MaxInclusive", "minExclusive": "MinExclusive", "maxExclusive": "MaxExclusive",
    "equals": "Equals", "disjoint": "Disjoint", "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals",
    "node": "Node", "not": "Not", "and": "And", "or": "Or", "xone": "Xone", "closed": "Closed",
    "qualifiedMin": "QualifiedMinCount", "qualifiedMax": "QualifiedMaxCount", "sparql": "SPARQL",
}
KNOWN_PARAMETERS = {URIRef(str(SH) + name) for name in (
    "minCount", "maxCount", "datatype", "nodeKind", "class", "in", "hasValue", "pattern", "flags", "minLength",
    "maxLength", "languageIn", "uniqueLang", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive",
    "equals", "disjoint", "lessThan", "lessThanOrEquals", "node", "not", "and", "or", "xone", "closed",
    "ignoredProperties", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint", "sparql", "property", "path", "severity", "message", "deactivated",
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target", "name", "description", "order",
    "group", "defaultValue", "prefixes", "declare")}
# Parameters of SHACL features this engine does not implement (pyshacl runs instead).
UNSUPPORTED_PARAMETERS = {URIRef(str(SH) + name): "sh:" + name for name in ("expression", "rule", "js", "ask")}
AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(|\bGROUP\s+BY\b|\bVALUES\b|\bMINUS\b",
                       re.IGNORECASE)


class Unsupported(Exception):
    """A shapes graph uses something the fast engine does not cover."""


@dataclass
class Check:
    """One top-level SELECT: its rows are violations of `component` on `shape`."""

    shape: object  # rdflib term of the shape that reports
    component: str  # key of COMPONENTS
    query: str
    kind: str = "value"  # value | focus (no value) | sparql | closed
    sparql: object = None  # SparqlConstraint for kind == "sparql"
    argument: object = None  # the bound of a range check
    condition: str | None = None  # SPARQL "no violation" expression, for batching checks into one query
    focus: str | None = None
    path: str | None = None
    parts: list = field(default_factory=list)  # the checks a batch stands for
    # The same rows without the focus set, for a path that is one IRI: its values are read from the property's own
    # statements, and the caller keeps the rows whose ?this is a member (fast.run, for big focus sets)
    unfocused: str | None = None


@dataclass
class FocusSet:
    key: int
    updates: list  # SPARQL UPDATE texts that fill the set
    # The same set as patterns that bind ?this, for stores where nothing may be written (validation.engines.endpoint):
    where: list = field(default_factory=list)  # (PREFIX lines, group graph pattern) per way in, joined by UNION
    parent: tuple | None = None  # (parent set key, SPARQL path): the values of the path on the parent's members


@dataclass
class Program:
    focus_sets: list = field(default_factory=list)
    checks: list = field(default_factory=list)  # (focus set key, Check)


@dataclass
class SparqlConstraint:
    node: object
    messages: list
    projected: set


def as_sparql(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise Unsupported(f"blank node {term} used as a constant")


def sparql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


class Compiler:
    # sh:maxCount on one property as a check of its own, whose unfocused form counts the property's statements per
    # subject (fast.UNFOCUSED_FROM): for the in-memory store. A store queried over HTTP (validation.engines.endpoint)
    # takes it in its focus set's batch, one query fewer per check.
    COUNTS_APART = True

    def __init__(self, graph: Graph):
        self.g = graph
        self.counter = itertools.count()
        self.program = Program()
        self._focus_keys: dict = {}

    # ------------------------------------------------------------------------------------------ helpers

    def var(self, stem="v") -> str:
        return f"?_{stem}{next(self.counter)}"

    def values(self, shape, predicate) -> list:
        return list(self.g.objects(shape, predicate))

    def one(self, shape, predicate):
        found = self.values(shape, predicate)
        return found[0] if found else None

    def is_property_shape(self, shape) -> bool:
        return self.one(shape, SH.path) is not None

    def severity(self, shape):
        return self.one(shape, SH.severity) or SH.Violation

    def deactivated(self, shape) -> bool:
        value = self.one(shape, SH.deactivated)
        return isinstance(value, Literal) and bool(value.value)

    def items(self, head) -> list:
        return list(Collection(self.g, head))

    def path(self, node) -> str:
        """A SHACL path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        inverse = self.one(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        alternatives = self.one(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(item) for item in self.items(alternatives)) + ")"
        for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = self.one(node, predicate)
            if inner is not None:
                return f"({self.path(inner)}){suffix}"
        if self.g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(item) for item in self.items(node)) + ")"
        raise Unsupported(f"path {node}")

    def check_parameters(self, shape) -> None:
        for predicate in set(self.g.predicates(shape, None)):
            if predicate in UNSUPPORTED_PARAMETERS:
                raise Unsupported(UNSUPPORTED_PARAMETERS[predicate])
            if str(predicate).startswith(str(SH)) and predicate not in KNOWN_PARAMETERS and predicate != RDF.type:
                raise Unsupported(f"sh:{str(predicate)[len(str(SH)):]}")
        for custom in self.g.subjects(RDF.type, SH.ConstraintComponent):
            raise Unsupported(f"custom constraint component {custom}")

    # ------------------------------------------------------------------------------------------ value conditions

    def value_ok(self, name, arg, shape, v) -> str:
        """SPARQL expression: value node `v` passes per-value constraint `name` with parameter `arg`."""
        if name == "datatype":
            return self.datatype_ok(arg, v)
        if name == "nodeKind":
            return {
                SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                SH.BlankNodeOrIRI: f"(isIRI({v}) || isBlank({v}))",
                SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
                SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))",
            }.get(arg) or self.fail(f"sh:nodeKind {arg}")
        if name == "class":
            t = self.var("t")
            return (f"EXISTS {{ {v} <{RDF.type}> {t} . {t} <{RDFS.subClassOf}>* {as_sparql(arg)} }}")
        if name == "in":
            members = self.items(arg)
            iris = [as_sparql(m) for m in members if isinstance(m, URIRef)]
            literals = [m for m in members if isinstance(m, Literal)]
            if any(isinstance(m, BNode) for m in members):
                raise Unsupported("blank node in sh:in")
            parts = [f"(isIRI({v}) && {v} IN ({', '.join(iris)}))"] if iris else []
            parts += self.literals_in(v, literals)
            return "(" + " || ".join(parts) + ")" if parts else "false"
        if name == "pattern":
            flags = self.one(shape, SH.flags)
            flags = "".join(f for f in ("i", "m") if flags is not None and f in str(flags).lower())
            text = self.string_form(v)
            regex = f"REGEX({text}, {sparql_string(str(arg))}" + (f", {sparql_string(flags)})" if flags else ")")
            return f"(!isBlank({v}) && {regex})"
        if name == "minLength":
            n = int(arg)
            return "true" if n == 0 else f"(!isBlank({v}) && STRLEN({self.string_form(v)}) >= {n})"
        if name == "maxLength":
            return f"(!isBlank({v}) && STRLEN({self.string_form(v)}) <= {int(arg)})"
        if name == "languageIn":
            tags = [str(t).lower() for t in self.items(arg)]
            if "*" in tags:
                return f"(isLiteral({v}) && LANG({v}) != \"\")"
            listed = ", ".join(sparql_string(t) for t in tags)
            lang = f"LCASE(LANG({v}))"
            return (f"(isLiteral({v}) && LANG({v}) != \"\" && ({lang} IN ({listed}) || "
                    f"STRBEFORE(CONCAT({lang}, \"-\"), \"-\") IN ({listed})))")
        if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
            if not isinstance(arg, Literal):
                raise Unsupported(f"sh:{name} with a non-literal")
            string_bound = isinstance(arg.value, str)
            kind = f"(DATATYPE({v}) = <{XSD.string}> || LANG({v}) != \"\")"
            same_kind = kind if string_bound else f"!{kind}"
            # A stand-in (fast_data) is compared as the literal it stands for.
            value = (f"IF(STRSTARTS(STR(DATATYPE({v})), \"{STAND_IN}\"), "
                     f"STRDT(STR({v}), IRI(STRAFTER(STR(DATATYPE({v})), \"{STAND_IN}\"))), {v})")
            return f"(isLiteral({v}) && {same_kind} && COALESCE({value} {op} {as_sparql(arg)}, false))"
        if name == "node":
            return self.shape_condition(arg, v, "clean")
        if name == "not":
            return f"!({self.shape_condition(arg, v, 'conforms')})"
        if name == "and":
            return "(" + " && ".join(self.shape_condition(s, v, "conforms") for s in self.items(arg)) + ")"
        if name == "or":
            return "(" + " || ".join(self.shape_condition(s, v, "conforms") for s in self.items(arg)) + ")"
        if name == "xone":
            count = " + ".join(f"IF({self.shape_condition(s, v, 'conforms')}, 1, 0)" for s in self.items(arg))
            return f"(({count}) = 1)"
        raise Unsupported(f"sh:{name}")

    def fail(self, what):
        raise Unsupported(what)

    # Term tests a store-specific compiler may write differently (validation.engines.endpoint, Virtuoso).

    def same_term(self, v, term) -> str:
        """SPARQL expression: `v` is the constant `term`."""
        return f"sameTerm({v}, {as_sparql(term)})"

    def literals_in(self, v, literals) -> list:
        """SPARQL expressions, one of which holds when `v` is one of the constant `literals` (sh:in)."""
        return [self.same_term(v, m) for m in literals]

    def has_value(self, x, path, term) -> str:
        """SPARQL expression: `x` has the constant `term` among the values of `path`."""
        return f"EXISTS {{ {x} {path} {as_sparql(term)} }}"

    @staticmethod
    def string_form(v) -> str:
        return f"STR({v})"

    def datatype_ok(self, datatype, v) -> str:
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        if datatype == RDF.langString:
            return f"(isLiteral({v}) && LANG({v}) != \"\")"
        if datatype == XSD.string:
            return f"(isLiteral({v}) && LANG({v}) = \"\" && DATATYPE({v}) = <{XSD.string}>)"
        if datatype == RDFS.Datatype:
            return f"(isLiteral({v}) && LANG({v}) = \"\")"
        stand_in = f"<{STAND_IN}{datatype}>"
        return (f"(isLiteral({v}) && DATATYPE({v}) IN (<{datatype}>, {stand_in}) && "
                f"NOT EXISTS {{ GRAPH <{META.value}> {{ <{ILL_TYPED.value}> <{MEMBER.value}> {v} }} }})")

    # ------------------------------------------------------------------------------------------ shape conditions

    def constraints(self, shape) -> list:
        """(name, argument) for every constraint on the shape, in a stable order."""
        self.check_parameters(shape)
        found = []
        for name in ("minCount", "maxCount", "hasValue", "uniqueLang", "equals", "disjoint", "lessThan",
                     "lessThanOrEquals", "closed") + PER_VALUE:
            for arg in self.values(shape, SH[name]):
                if name == "closed" and not (isinstance(arg, Literal) and arg.value is True):
                    continue
                if name == "uniqueLang" and not (isinstance(arg, Literal) and arg.value is True):
                    continue
                found.append((name, arg))
        if self.values(shape, SH.qualifiedValueShape):
            if self.is_property_shape(shape):
                for q in self.values(shape, SH.qualifiedValueShape):
                    if self.one(shape, SH.qualifiedMinCount) is not None:
                        found.append(("qualifiedMin", q))
                    if self.one(shape, SH.qualifiedMaxCount) is not None:
                        found.append(("qualifiedMax", q))
        for node in self.values(shape, SH.sparql):
            found.append(("sparql", node))
        return found

    def shape_condition(self, shape, x, mode) -> str:
        """SPARQL expression: focus node `x` conforms to `shape` (mode conforms | clean | noviol)."""
        if self.deactivated(shape):
            return "true"
        allowed = self.severity(shape) in ALLOWED_SEVERITIES
        if mode == "conforms":
            if allowed:
                return "true"
            mode = "noviol"
        parts = []
        if not (mode == "noviol" and allowed):
            for name, arg in self.constraints(shape):
                parts.append(self.constraint_ok(shape, name, arg, x))
        for child in self.values(shape, SH.property):
            if self.is_property_shape(shape):
                v = self.var()
                child_ok = self.shape_condition(child, v, mode)
                parts.append(f"NOT EXISTS {{ {x} {self.path(self.one(shape, SH.path))} {v} . FILTER(!({child_ok})) }}")
            else:
                parts.append(self.shape_condition(child, x, mode))
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def constraint_ok(self, shape, name, arg, x) -> str:
        """SPARQL expression: constraint `name` of `shape` produces no result for focus node `x`."""
        is_property = self.is_property_shape(shape)
        path = self.path(self.one(shape, SH.path)) if is_property else None
        if name in PER_VALUE:
            if not is_property:
                return self.value_ok(name, arg, shape, x)
            v = self.var()
            return f"NOT EXISTS {{ {x} {path} {v} . FILTER(!({self.value_ok(name, arg, shape, v)})) }}"
        if name in ("minCount", "maxCount"):
            n = int(arg)
            if not is_property:
                raise Unsupported(f"sh:{name} on a node shape")
            if name == "minCount":
                return "true" if n == 0 else f"EXISTS {{ {self.distinct_values(x, path, n)} }}"
            return f"NOT EXISTS {{ {self.distinct_values(x, path, n + 1)} }}"
        if name == "hasValue":
            if not is_property:
                return self.same_term(x, arg)
            return self.has_value(x, path, arg)
        if name == "uniqueLang":
            a, b = self.var(), self.var()
            return (f"NOT EXISTS {{ {x} {path} {a} . {x} {path} {b} . FILTER(!sameTerm({a}, {b}) && "
                    f"isLiteral({a}) && isLiteral({b}) && LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}")
        if name in ("equals", "disjoint"):
            v = self.var()
            values = f"{x} {path} {v}" if is_property else f"BIND({x} AS {v})"
            other = f"{x} {as_sparql(arg)} {v}"
            if name == "disjoint":
                return f"NOT EXISTS {{ {values} . {other} }}"
            return f"(NOT EXISTS {{ {values} . FILTER NOT EXISTS {{ {other} }} }} && " \
                   f"NOT EXISTS {{ {other} . FILTER NOT EXISTS {{ {values} }} }})"
        if name == "closed":
            allowed = self.closed_predicates(shape)
            p, o = self.var("p"), self.var("o")
            values = self.value_bind(x, path)
            listed = f"FILTER({p} NOT IN ({', '.join(allowed)}))" if allowed else ""
            return f"NOT EXISTS {{ {values[0]} {values[1]} {p} {o} . {listed} }}"
        if name in ("qualifiedMin", "qualifiedMax"):
            counted = self.qualified_condition(shape, arg)
            if name == "qualifiedMin":
                n = int(self.one(shape, SH.qualifiedMinCount))
                return "true" if n <= 0 else f"EXISTS {{ {self.distinct_values(x, path, n, counted)} }}"
            n = int(self.one(shape, SH.qualifiedMaxCount))
            return f"NOT EXISTS {{ {self.distinct_values(x, path, n + 1, counted)} }}"
        raise Unsupported(f"sh:{name} inside another shape")

    def value_bind(self, x, path):
        if path is None:
            return "", x
        v = self.var()
        return f"{x} {path} {v} .", v

    def distinct_values(self, x, path, n, condition=None) -> str:
        """A graph pattern that matches when `x` has at least `n` distinct values (meeting `condition`)."""
        if n > 5:
            raise Unsupported("counts above 5")
        names = [self.var() for _ in range(n)]
        lines = [f"{x} {path} {v} ." for v in names]
        filters = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        if condition is not None:
            filters += [condition(v) for v in names]
        if filters:
            lines.append(f"FILTER({' && '.join(filters)})")
        return " ".join(lines)

    def qualified_condition(self, shape, qualified):
        siblings = []
        disjoint = self.one(shape, SH.qualifiedValueShapesDisjoint)
        if isinstance(disjoint, Literal) and disjoint.value is True:
            for parent in self.g.subjects(SH.property, shape):
                for sibling_property in self.g.objects(parent, SH.property):
                    for sibling in self.g.objects(sibling_property, SH.qualifiedValueShape):
                        if sibling != qualified and sibling not in siblings:
                            siblings.append(sibling)

        def condition(v):
            ok = self.shape_condition(qualified, v, "conforms")
            for sibling in siblings:
                ok += f" && !({self.shape_condition(sibling, v, 'conforms')})"
            return f"({ok})"

        return condition

    def closed_predicates(self, shape) -> list:
        allowed = set()
        for child in self.values(shape, SH.property):
            path = self.one(child, SH.path)
            if isinstance(path, URIRef):
                allowed.add(path)
        for ignored in self.values(shape, SH.ignoredProperties):
            allowed.update(m for m in self.items(ignored) if isinstance(m, URIRef))
        return sorted(as_sparql(p) for p in allowed)

    # ------------------------------------------------------------------------------------------ top level

    def focus_set(self, shape) -> int | None:
        """Register the query that fills the shape's focus set; None when the shape has no targets."""
        signature = tuple(sorted((str(p), str(o)) for p in TARGET_PREDICATES for o in self.values(shape, p)))
        implicit = (shape, RDF.type, RDFS.Class) in self.g
        if implicit:
            signature += (("implicit", str(shape)),)
        if not signature:
            return None
        if signature in self._focus_keys:
            return self._focus_keys[signature]
        key = len(self._focus_keys)
        self._focus_keys[signature] = key
        member = f"GRAPH <{META.value}> {{ <urn:ena:fast:set:{key}> <{MEMBER.value}> ?this }}"
        updates, where = [], []
        classes = self.values(shape, SH.targetClass) + ([shape] if implicit else [])
        branches = [f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {as_sparql(c)} }}" for c in classes]
        branches += [f"{{ ?this {as_sparql(p)} ?_o }}" for p in self.values(shape, SH.targetSubjectsOf)]
        branches += [f"{{ ?_s {as_sparql(p)} ?this }}" for p in self.values(shape, SH.targetObjectsOf)]
        nodes = self.values(shape, SH.targetNode)
        if nodes:
            branches.append(f"{{ VALUES ?this {{ {' '.join(as_sparql(n) for n in nodes)} }} }}")
        if branches:
            # DISTINCT: a resource both typed and referred to is written once (50,000 distributions: 0.24 -> 0.18 s)
            union = " UNION ".join(branches)
            updates.append(f"INSERT {{ {member} }} WHERE {{ SELECT DISTINCT ?this WHERE {{ {union} }} }}")
            where.append(("", union))
        for target in self.values(shape, SH.target):
            select = self.one(target, SH.select)
            if select is None:
                raise Unsupported("sh:target without sh:select")
            if self.deactivated(shape):
                continue
            prefixes = self.prefixes(target)
            updates.append(f"{prefixes}\nINSERT {{ {member} }} WHERE {{ {{ {select} }} }}")
            where.append((prefixes, f"{{ {select} }}"))
        self.program.focus_sets.append(FocusSet(key, updates, where))
        return key

    def compile_top(self, shape) -> None:
        if self.deactivated(shape):
            return
        key = self.focus_set(shape)
        if key is None:
            return
        self.compile_checks(shape, key)

    def compile_checks(self, shape, key) -> None:
        """Violation queries for `shape` on focus set `key`, and for its sh:property shapes."""
        if self.deactivated(shape):
            return
        focus = f"GRAPH <{META.value}> {{ <urn:ena:fast:set:{key}> <{MEMBER.value}> ?this }}"
        is_property = self.is_property_shape(shape)
        path = self.path(self.one(shape, SH.path)) if is_property else None
        for name, arg in self.constraints(shape):
            self.program.checks.append((key, self.check(shape, name, arg, focus, path)))
        children = self.values(shape, SH.property)
        if children and is_property:
            child_key = len(self._focus_keys) + 1000 + next(self.counter)
            fill = (f"INSERT {{ GRAPH <{META.value}> {{ <urn:ena:fast:set:{child_key}> <{MEMBER.value}> ?_v }} }} "
                    f"WHERE {{ {focus} ?this {path} ?_v }}")
            self.program.focus_sets.append(FocusSet(child_key, [fill], parent=(key, path)))
            key = child_key
        for child in children:
            if not self.is_property_shape(child):
                raise Unsupported(f"sh:property {child} is not a property shape")
            self.compile_checks(child, key)

    def check(self, shape, name, arg, focus, path) -> Check:
        if name in RANGES:  # compared in Python with pyshacl's own comparison (ill-typed values included)
            if path is None:
                return Check(shape, name, f"SELECT ?this WHERE {{ {focus} }}", kind="range", argument=arg)
            return Check(shape, name, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value }}",
                         kind="range", argument=arg)
        if name in PER_VALUE:
            if path is None:
                ok = self.value_ok(name, arg, shape, "?this")
                return Check(shape, name, f"SELECT ?this WHERE {{ {focus} FILTER(!({ok})) }}", kind="self",
                             condition=ok, focus=focus)
            ok = self.value_ok(name, arg, shape, "?value")
            where = f"?this {path} ?value . FILTER(!({ok}))"
            return Check(shape, name, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {where} }}",
                         condition=ok, focus=focus, path=path,
                         unfocused=f"SELECT DISTINCT ?this ?value WHERE {{ {where} }}" if one_iri(path) else None)
        if name == "uniqueLang":
            query = (f"SELECT ?this ?lang WHERE {{ {{ SELECT DISTINCT ?this (LCASE(LANG(?a)) AS ?lang) WHERE {{ "
                     f"{focus} ?this {path} ?a . ?this {path} ?b . FILTER(!sameTerm(?a, ?b) && isLiteral(?a) && "
                     f"isLiteral(?b) && LANG(?a) != \"\" && LCASE(LANG(?a)) = LCASE(LANG(?b))) }} }} }}")
            return Check(shape, name, query, kind="focus")
        if name in ("equals", "disjoint"):
            values = f"?this {path} ?value" if path else "BIND(?this AS ?value)"
            other = f"?this {as_sparql(arg)} ?value"
            if name == "disjoint":
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} . {other} }}"
            else:
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {values} . FILTER NOT EXISTS {{ {other} }}"
                         f" }} UNION {{ {other} . FILTER NOT EXISTS {{ {values} }} }} }}")
            return Check(shape, name, query)
        if name in ("lessThan", "lessThanOrEquals"):
            values = f"?this {path} ?value" if path else "BIND(?this AS ?value)"
            query = f"SELECT ?this ?value ?other WHERE {{ {focus} {values} . ?this {as_sparql(arg)} ?other }}"
            return Check(shape, name, query, kind="compare")
        if name == "closed":
            allowed = self.closed_predicates(shape)
            listed = f"FILTER(?path NOT IN ({', '.join(allowed)}))" if allowed else ""
            node = f"?this {path} ?_n . ?_n" if path else "?this"
            query = f"SELECT DISTINCT ?this ?path ?value WHERE {{ {focus} {node} ?path ?value . {listed} }}"
            return Check(shape, name, query, kind="closed")
        if name == "sparql":
            return self.sparql_check(shape, arg, focus)
        ok = self.constraint_ok(shape, name, arg, "?this")
        if name == "maxCount" and self.COUNTS_APART and one_iri(path or ""):
            # A check of its own (not batched): on a big focus set the property's statements are counted per
            # subject once (unfocused), where a batch asked each member for two values (at 25,000 datasets the
            # maxCount parts of the dataset and distribution batches took 0.9 s of CPU, counting 0.45 s)
            counted = f"SELECT ?this WHERE {{ ?this {path} ?value }} GROUP BY ?this HAVING (COUNT(?value) > {int(arg)})"
            return Check(shape, name, f"SELECT ?this WHERE {{ {focus} FILTER(!({ok})) }}", kind="focus",
                         focus=focus, unfocused=counted)
        return Check(shape, name, f"SELECT ?this WHERE {{ {focus} FILTER(!({ok})) }}", kind="focus", condition=ok,
                     focus=focus)

    # ------------------------------------------------------------------------------------------ SHACL-SPARQL

    def prefixes(self, node) -> str:
        declared = {}
        ontologies = set(self.g.subjects(RDF.type, OWL.Ontology))
        for holder in self.values(node, SH.prefixes):
            declares = self.values(holder, SH.declare)
            if not (declares and holder in ontologies):
                for ontology in ontologies:
                    declares += self.values(ontology, SH.declare)
            for declaration in declares:
                prefix, namespace = self.one(declaration, SH.prefix), self.one(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    declared[str(prefix)] = str(namespace)
        return "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in declared.items())

    def sparql_check(self, shape, node, focus) -> Check:
        select = str(self.one(node, SH.select) or "")
        if not select:
            raise Unsupported("sh:sparql without sh:select (ASK validators)")
        if AGGREGATE.search(select):
            raise Unsupported("sh:sparql with aggregates, VALUES or MINUS")
        if re.search(r"\$shapesGraph\b", select):
            raise Unsupported("$shapesGraph")
        if re.search(r"[$?]currentShape\b", select):
            if not isinstance(shape, URIRef):
                raise Unsupported("$currentShape on a blank node shape")
            select = re.sub(r"[$?]currentShape\b", f"<{shape}>", select)
        path_node = self.one(shape, SH.path)
        if path_node is not None:
            select = re.sub(r"\$PATH\b", self.path(path_node), select)
        match = re.search(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\s*\{", select, re.IGNORECASE | re.DOTALL)
        if not match:
            raise Unsupported("sh:sparql query shape not understood")
        projection = match.group(2)
        projected = set(re.findall(r"[?$](\w+)", projection)) if projection.strip() != "*" else {"*"}
        head = select[:match.start(2)]
        if "*" not in projected and "this" not in projected:
            projection = "?this " + projection
        body = inject_focus("{" + select[match.end():], focus)
        query = f"{self.prefixes(node)}\n{head}{projection}WHERE {body}"
        deactivated = self.one(node, SH.deactivated)
        if isinstance(deactivated, Literal) and deactivated.value is True:
            query = None
        info = SparqlConstraint(node=node, messages=self.values(node, SH.message), projected=projected)
        return Check(shape, "sparql", query, kind="sparql", sparql=info)


_THIS = re.compile(r"[?$]this\b")


def _groups(text: str) -> list:
    """(start, end, depth) of every {...} in a SPARQL text, skipping strings, IRIs and comments."""
    groups, stack = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if ch == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        iri = _IRI.match(text, i) if ch == "<" else None
        if iri:
            i = iri.end()
            continue
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            start = stack.pop()
            groups.append((start, i, len(stack)))
        i += 1
    return groups


_IRI = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def _insert(text: str, insertions: dict) -> str:
    for position in sorted(insertions, reverse=True):
        text = text[:position + 1] + " " + insertions[position] + " " + text[position + 1:]
    return text


def inject_focus(text: str, focus: str) -> str:
    """Put the focus-set pattern at the start of every group that mentions $this.

    pyshacl pre-binds $this (substitution): even a UNION branch or an EXISTS that does not bind $this itself sees
    the focus node. Joining the focus set into each such group gives the same answers in one query.
    """
    groups = _groups(text)
    starts = {start for start, end, _ in groups if _THIS.search(text, start, end)} | ({0} if groups else set())
    return correlate(_insert(text, {start: focus for start in starts}), focus)


def correlate(text: str, focus: str = "") -> str:
    """rdflib evaluates a join left to right, handing each solution of the left side to the right side, so a
    FILTER (NOT) EXISTS in a later UNION branch sees variables bound by earlier parts of the group. Standard
    SPARQL (oxigraph) evaluates the branch on its own. Copying the earlier parts of the outermost group into each
    such branch gives rdflib's answers."""
    groups = _groups(text)
    top = [(start, end) for start, end, depth in groups if depth == 1]
    if not top:
        return text
    body_start = min(start for start, end, depth in groups if depth == 0)
    chains = []  # runs of top-level groups joined by UNION
    for start, end in sorted(top):
        between = text[chains[-1][-1][1] + 1:start] if chains else ""
        if chains and between.strip().upper() == "UNION":
            chains[-1].append((start, end))
        else:
            chains.append([(start, end)])
    insertions = {}
    for chain in chains:
        first = chain[0][0]
        chain_text = text[first:chain[-1][1] + 1]
        before = text[body_start + 1:first]
        if not re.search(r"\bEXISTS\b", chain_text, re.IGNORECASE) or not before.replace(focus, "").strip():
            continue
        for start, _ in chain:
            insertions[start] = before
    return _insert(text, insertions)


def all_shapes(graph: Graph) -> list:
    """The shapes pyshacl validates at the top level (it finds them the same way)."""
    found = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    for predicate in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.property, SH.node):
        found.update(graph.subjects(predicate, None))
    for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found.update(graph.objects(None, predicate))
    for predicate in (SH["and"], SH["or"], SH.xone):
        for head in graph.objects(None, predicate):
            found.update(Collection(graph, head))
    return sorted(found, key=str)


def compile_shapes(graph: Graph, compiler_class=None) -> Program:
    """`compiler_class`: a Compiler subclass that adapts conditions to a store (validation.engines.endpoint)."""
    compiler = (compiler_class or Compiler)(graph)
    for shape in all_shapes(graph):
        compiler.compile_top(shape)
    compiler.program.checks = batched(compiler.program.checks)
    check_syntax(compiler.program)
    return compiler.program


def check_syntax(program: Program) -> None:
    """SHACL-SPARQL text comes from the shapes: make sure oxigraph can parse and plan it (on an empty store:
    instant). A call of a function oxigraph does not know is refused while planning (RuntimeError)."""
    import pyoxigraph

    empty = pyoxigraph.Store()
    for _, check in program.checks:
        if check.kind == "sparql" and check.query is not None:
            try:
                empty.query(check.query)
            except (SyntaxError, RuntimeError) as error:
                raise Unsupported(f"SPARQL that pyoxigraph cannot run in {check.shape} ({error})") from None
    for focus_set in program.focus_sets:
        for update in focus_set.updates:
            try:
                empty.update(update)
            except (SyntaxError, RuntimeError) as error:
                raise Unsupported(f"a SPARQL target pyoxigraph cannot run ({error})") from None


_ONE_IRI = re.compile(r"<[^<>\s]*>")


def one_iri(path: str) -> bool:
    """Whether a compiled path is a single predicate (its statements can be read without the subject)."""
    return _ONE_IRI.fullmatch(path) is not None


BATCH = 40  # checks per query: one pass over the focus set instead of one per check


def batched(checks: list) -> list:
    """Run checks that share a focus set (and a path, for value checks) in one query: each row names the checks it
    fails. A failing condition (a SPARQL error) counts as no violation, exactly as in the single query."""
    groups: dict = {}
    rest = []
    for key, check in checks:
        if check.condition is None:
            rest.append((key, check))
            continue
        groups.setdefault((key, check.kind, check.path), []).append(check)
    out = []
    for (key, kind, path), members in groups.items():
        for start in range(0, len(members), BATCH):
            part = members[start:start + BATCH]
            if len(part) == 1:
                out.append((key, part[0]))
                continue
            # The failing parts come back as one short string ("0,3,"): one value to read per row, not one per part
            flags = ", ".join(f'IF(COALESCE(!({c.condition}), false), "{i},", "")' for i, c in enumerate(part))
            values = f"?this {path} ?value ." if path else ""
            head = "SELECT DISTINCT ?this ?value" if path else "SELECT DISTINCT ?this"
            where = f'{values} BIND(CONCAT({flags}) AS ?_flags) FILTER(?_flags != "")'
            query = f"{head} ?_flags WHERE {{ {part[0].focus} {where} }}"
            unfocused = f"{head} ?_flags WHERE {{ {where} }}" if path and one_iri(path) else None
            out.append((key, Check(part[0].shape, part[0].component, query, kind="batch:" + kind, parts=part,
                                   unfocused=unfocused)))
    return out + rest
