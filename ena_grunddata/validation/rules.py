"""The rules reference (docs/rules.md), generated from the shapes themselves so it cannot drift from them.

Every shape that carries an `ena:code` becomes one row: code, severity, what it applies to, the property, the check,
the message in English and Swedish, and the rationale (`rdfs:comment`). Regenerate with
`python -m ena_grunddata.validation.rules > docs/rules.md`; tests/test_rules_doc.py fails when the file is out of date.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS

from .. import resources
from ..namespaces import ENA, bind_prefixes
from ..text import pick

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
TARGET_PREDICATES = {SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf, SH.targetNode, SH.target}
NODE_KINDS = {SH.IRI: "an IRI", SH.Literal: "a literal", SH.BlankNode: "a blank node",
              SH.BlankNodeOrIRI: "an IRI or a blank node", SH.BlankNodeOrLiteral: "a blank node or a literal",
              SH.IRIOrLiteral: "an IRI or a literal"}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    applies_to: str
    path: str
    check: str
    message_en: str
    message_sv: str
    rationale: str
    sources: tuple[str, ...] = ()  # "bundle <item id>", "<document>.md § <section>", "GD-nn"


class Describer:
    """Turns the SHACL around one shape into short, readable text."""

    def __init__(self, graph: Graph, vocabularies: Graph):
        self.graph = graph
        self.vocabularies = vocabularies

    def name(self, term) -> str:
        if isinstance(term, Literal):
            return f'"{term}"'
        if isinstance(term, URIRef):
            try:
                return self.graph.namespace_manager.normalizeUri(term)
            except Exception:  # noqa: BLE001 - an IRI rdflib cannot shorten is shown whole
                return f"<{term}>"
        return "[…]"

    def items(self, head) -> list:
        return list(Collection(self.graph, head)) if head is not None else []

    def scheme(self, scheme) -> str:
        count = len(set(self.vocabularies.subjects(SKOS.inScheme, scheme)))
        label = pick(self.vocabularies.objects(scheme, SKOS.prefLabel), "en")
        return f"{label or self.name(scheme)} ({count} values, vocabularies/)"

    def applies_to(self, shape) -> str:
        """The label of the node shape that holds the rule, or of a labelled node shape with the same targets."""
        holder = self.graph.value(None, SH.property, shape) or shape
        label = self.label(holder)
        if label is None:
            label = self.labelled_targets().get(self.target_key(holder))
        return str(label) if label is not None else (self.targets(holder) or self.name(holder))

    def target_key(self, shape) -> frozenset:
        return frozenset((p, o) for p, o in self.graph.predicate_objects(shape) if p in TARGET_PREDICATES)

    def labelled_targets(self) -> dict:
        if not hasattr(self, "_labelled"):
            self._labelled = {self.target_key(s): self.label(s) for s in set(self.graph.subjects(RDFS.label, None))
                              if self.target_key(s)}
        return self._labelled

    def label(self, node):
        return pick(self.graph.objects(node, RDFS.label), "en")

    def targets(self, shape) -> str:
        parts = [self.name(c) for c in self.graph.objects(shape, SH.targetClass)]
        parts += [f"objects of {self.name(p)}" for p in self.graph.objects(shape, SH.targetObjectsOf)]
        parts += [f"subjects of {self.name(p)}" for p in self.graph.objects(shape, SH.targetSubjectsOf)]
        parts += [self.name(n) for n in self.graph.objects(shape, SH.targetNode)]
        for target in self.graph.objects(shape, SH.target):
            comment = self.graph.value(target, RDFS.comment)
            parts.append(str(comment).rstrip(".") if comment is not None else self.name(target))
        return "; ".join(sorted(parts))

    def path(self, shape) -> str:
        path = self.graph.value(shape, SH.path)
        if path is None:
            return self.sparql_path(shape)
        if isinstance(path, URIRef):
            return self.name(path)
        inverse = self.graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + self.name(inverse)
        if self.graph.value(path, RDF.first) is not None:
            return "/".join(self.name(p) for p in self.items(path))
        return "(path)"

    def sparql_path(self, shape) -> str:
        """A SPARQL rule names its result path with `BIND(prefix:name AS ?path)`."""
        for constraint in self.graph.objects(shape, SH.sparql):
            found = re.search(r"BIND\((\S+) AS \?path\)", str(self.graph.value(constraint, SH.select) or ""))
            if found:
                return found.group(1)
        return ""

    def check(self, shape) -> str:
        """Every constraint parameter of the shape, in words."""
        g = self.graph
        parts = []
        for predicate, words in ((SH.minCount, "at least {}"), (SH.maxCount, "at most {}"),
                                 (SH.qualifiedMinCount, "at least {} such value"),
                                 (SH.qualifiedMaxCount, "at most {} such value"),
                                 (SH.minLength, "length at least {}"), (SH.maxLength, "length at most {}")):
            value = g.value(shape, predicate)
            if value is not None:
                parts.append(words.format(value))
        parts += self.value_checks(shape)
        if g.value(shape, SH.sparql) is not None:
            parts.append("SPARQL rule (see the rationale and the shapes file)")
        return "; ".join(parts) or "—"

    def value_checks(self, shape) -> list[str]:
        g = self.graph
        parts = []
        for kind in g.objects(shape, SH.nodeKind):
            parts.append(f"is {NODE_KINDS.get(kind, self.name(kind))}")
        for datatype in g.objects(shape, SH.datatype):
            parts.append(f"datatype {self.name(datatype)}")
        for cls in g.objects(shape, SH["class"]):
            parts.append(f"instance of {self.name(cls)}")
        for value in g.objects(shape, SH.hasValue):
            parts.append(f"has the value {self.name(value)}")
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            parts.append(f"matches `{pattern}`" + (f" (flags {flags})" if flags else ""))
        for head in g.objects(shape, SH.languageIn):
            parts.append("language one of " + ", ".join(str(x) for x in self.items(head)))
        for head in g.objects(shape, SH["in"]):
            values = self.items(head)
            parts.append("one of " + ", ".join(self.name(v) for v in values[:6]) + (" …" if len(values) > 6 else ""))
        for scheme in g.objects(shape, ENA.allowedValuesFrom):
            parts.append(f"an IRI from {self.scheme(scheme)}")
        for scheme in g.objects(shape, ENA.allowedNotationsFrom):
            parts.append(f"a notation from {self.scheme(scheme)}")
        for node in g.objects(shape, SH.node):
            comment = g.value(node, RDFS.comment)
            parts.append(f"conforms to {self.name(node)}" + (f" ({comment})" if comment else ""))
        for inner in g.objects(shape, SH.qualifiedValueShape):
            parts.append("values that are " + (self.nested(inner) or "…"))
        for inner in g.objects(shape, SH["not"]):
            parts.append(f"not ({self.nested(inner)})")
        for connective, word in ((SH["or"], " or "), (SH["and"], " and "), (SH.xone, " or (exactly one) ")):
            for head in g.objects(shape, connective):
                parts.append("(" + word.join(self.nested(m) for m in self.items(head)) + ")")
        return parts

    def nested(self, shape) -> str:
        if isinstance(shape, URIRef) and (shape, RDF.type, SH.NodeShape) in self.graph:
            return f"conforms to {self.name(shape)}"
        parts = self.value_checks(shape)
        path = self.path(shape)
        counts = [f"{word} {self.graph.value(shape, p)}" for p, word in ((SH.minCount, "at least"),
                                                                         (SH.maxCount, "at most"))
                  if self.graph.value(shape, p) is not None]
        text = "; ".join(parts + counts)
        return f"{path}: {text}" if path else text


def load_rules() -> list[tuple[str, str, list[Rule]]]:
    """(file name, title, rules) for every shapes file shipped in the package."""
    vocabularies = Graph()
    for entry in resources.vocabulary_files():
        vocabularies.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    result = []
    for entry in resources.shapes_files():
        graph = bind_prefixes(Graph())
        graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
        describer = Describer(graph, vocabularies)
        rules = [rule_of(graph, describer, shape, code) for shape, code in graph.subject_objects(ENA.code)]
        ontology = next(graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")), None)
        title = graph.value(ontology, RDFS.label) if ontology is not None else None
        result.append((entry.name, str(title or entry.name), sorted(rules, key=lambda r: r.code)))
    return result


def rule_of(graph: Graph, describer: Describer, shape, code) -> Rule:
    messages = {m.language: str(m) for m in graph.objects(shape, SH.message) if isinstance(m, Literal)}
    return Rule(
        code=str(code),
        severity=SEVERITIES.get(graph.value(shape, SH.severity), "violation"),
        applies_to=describer.applies_to(shape),
        path=describer.path(shape),
        check=describer.check(shape),
        message_en=messages.get("en", ""),
        message_sv=messages.get("sv", ""),
        rationale=str(graph.value(shape, RDFS.comment) or ""),
        sources=sources_of(graph, shape),
    )


def sources_of(graph: Graph, shape) -> tuple[str, ...]:
    """What the rule rests on, as the shape states it: bundle items, Digg's documents, framework requirements."""
    bundle = sorted(f"bundle `{item}`" for item in graph.objects(shape, ENA.bundleItem))
    prose = sorted(f"Digg {source}" for source in graph.objects(shape, ENA.diggSource))
    requirements = sorted(str(r) for r in graph.objects(shape, ENA.requirement))
    return tuple(bundle + prose + requirements)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip() or "—"


def render_rules_markdown() -> str:
    files = load_rules()
    lines = ["# Rules reference", "",
             "Every rule the validator checks, one row per finding code, generated from the shapes in `shapes/` by",
             "`ena_grunddata.validation.rules` (`python -m ena_grunddata.validation.rules > docs/rules.md`). Do not edit by hand:",
             "tests/test_rules_doc.py fails when this file and the shapes differ.", "",
             "Severity: **violation** = the metadata breaks the specification (dataportal.se may reject or misread",
             "it); **warning** = a recommended property is missing or a deprecated form is used; **info** = advice.",
             "",
             "Source: what each rule rests on, stated on its shape: an item of Digg's DCAT-AP-SE 3.0.1 template",
             "bundle (`ena:bundleItem`, the template id), a section of Digg's documents (`ena:diggSource`,",
             "`harvesting.md`, `changes.md`, `recommendations.md`), or a requirement GD-nn of the base-data framework",
             "(`ena:requirement`). Every normative sentence of Digg's documents, with the rule that checks it or why",
             "none can, is listed in [digg-prose.md](digg-prose.md).", ""] + decisions_section(files) + [
             "", "| Shapes file | Rules | Violations | Warnings | Info |", "|---|---:|---:|---:|---:|"]
    for name, title, rules in files:
        counts = Counter(r.severity for r in rules)
        lines.append(f"| [{cell(title)}](#{anchor(title)}) (`shapes/{name}`) | {len(rules)} | {counts['violation']} "
                     f"| {counts['warning']} | {counts['info']} |")
    for name, title, rules in files:
        lines += ["", f"## {title}", "", f"Source: `shapes/{name}`."]
        groups: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            groups[rule.applies_to].append(rule)
        for applies_to in sorted(groups):
            lines += ["", f"### {applies_to}", "",
                      "| Code | Severity | Property | Check | Message (en / sv) | Rationale | Source |",
                      "|---|---|---|---|---|---|---|"]
            for rule in groups[applies_to]:
                lines.append(f"| `{rule.code}` | {rule.severity} | {cell(rule.path)} | {cell(rule.check)} | "
                             f"{cell(rule.message_en)}<br>*{cell(rule.message_sv)}* | {cell(rule.rationale)} | "
                             f"{cell('<br>'.join(rule.sources))} |")
    return "\n".join(lines) + "\n"


def decisions_section(files) -> list[str]:
    """The rules whose rationale records a decision where Digg's words disagree with each other or with the bundle."""
    decided = [rule for _, _, rules in files for rule in rules if rule.rationale.startswith("Decision")]
    if not decided:
        return []
    lines = ["## Decisions where Digg's words disagree", "",
             "Where Digg's documents and the bundle say different things, the rule records the decision in its",
             "rationale (a form that dataportal.se harvests is at most a warning that says what it prefers):", ""]
    for rule in decided:
        lines.append(f"- `{rule.code}` ({rule.severity}): {cell(rule.rationale)}")
    return lines


def anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


if __name__ == "__main__":
    print(render_rules_markdown(), end="")
