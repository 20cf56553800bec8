"""RDF graph -> description (plain data for YAML/JSON): the reverse of build.py.

Every statement the format can say is taken into the description, each checked to convert back to the very same
term; every statement left over goes into `extra` as N-Triples lines (blank nodes named like the `id: _:x` of the
objects they belong to). So build(parse(graph)) is isomorphic to graph, whatever the input.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..namespaces import DCAT, DCTERMS, FOAF, VCARD
from ..text import pick
from .model import CATALOG, KINDS, MINTED_SECTIONS, ORGANISATION_BASE, PARENT, REFERENCE_SECTIONS, SECTIONS
from .values import NOPE, Vocab, curie, is_iri, round_trips

# Which rdf:type puts a node in which section (first match wins).
SECTION_TYPES = (
    ("series", (DCAT.DatasetSeries,)),
    ("datasets", (DCAT.Dataset,)),
    ("services", (DCAT.DataService,)),
    ("distributions", (DCAT.Distribution,)),
    ("agents", (FOAF.Agent, FOAF.Organization, FOAF.Person)),
    ("contacts", (VCARD.Organization, VCARD.Individual, VCARD.Kind)),
    ("specifications", (DCTERMS.Standard,)),
    ("licenses", (DCTERMS.LicenseDocument,)),
    ("documents", (FOAF.Document,)),
)
OUTPUT_ORDER = ("catalog", "agents", "contacts", "specifications", "licenses", "documents", "datasets", "services",
                "series", "distributions", "extra")


class Parser:
    def __init__(self, graph: Graph, vocab: Vocab):
        self.graph = graph
        self.vocab = vocab
        self.consumed: set = set()
        self.section_of: dict = {}  # node -> (section, key)
        self.inline: dict = {}  # blank node written inline -> its dict (gets `id: _:x` if extra needs it)
        self.top_bnodes: dict = {}  # blank node of a top-level entity -> its dict
        self.labels: dict = {}
        self.reference_count = {}
        for _, _, obj in graph:
            self.reference_count[obj] = self.reference_count.get(obj, 0) + 1

    # ---------------------------------------------------------------- which node goes where

    def main_catalog(self):
        catalogs = sorted(set(self.graph.subjects(RDF.type, DCAT.Catalog)), key=_order)
        parts = set(self.graph.objects(None, DCTERMS.hasPart)) | set(self.graph.objects(None, DCAT.catalog))
        roots = [c for c in catalogs if c not in parts]
        return (roots or catalogs or [None])[0]

    def assign_sections(self, catalog):
        taken = {catalog}
        members: dict[str, list] = {}
        for section, types in SECTION_TYPES:
            found = sorted({s for t in types for s in self.graph.subjects(RDF.type, t)} - taken, key=_order)
            if section == "distributions":
                found = [d for d in found if not self.nests_in_dataset(d)]
            members[section] = found
            taken.update(found)
        for section, nodes in members.items():
            used = set()
            for node in nodes:
                key = unique_key(self.name_key(node) if section == "agents" else key_from(node, section), used)
                self.section_of[node] = (section, key)
        return members

    def name_key(self, node) -> str:
        """Agents are easier to refer to by name (bolagsverket) than by IRI (se2021005489)."""
        name = pick(self.graph.objects(node, FOAF.name), "sv") or ""
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(str.maketrans("åäöéü", "aaoeu"))).strip("-")
        return slug[:40] or key_from(node, "agents")

    def nests_in_dataset(self, distribution) -> bool:
        """A distribution that one dataset (or series) names, and nothing else, is written inside it."""
        if self.reference_count.get(distribution, 0) != 1:
            return False
        owner = next(self.graph.subjects(DCAT.distribution, distribution), None)
        return owner is not None and any((owner, RDF.type, t) in self.graph
                                         for t in (DCAT.Dataset, DCAT.DatasetSeries))

    # ---------------------------------------------------------------- extraction

    def run(self) -> dict:
        catalog = self.main_catalog()
        members = self.assign_sections(catalog)
        result: dict = {}
        if catalog is not None:
            result["catalog"] = self.entity(CATALOG, catalog, top=True, members=members)
        for section, nodes in members.items():
            if nodes:
                kind = SECTIONS[section]
                result[section] = {self.section_of[n][1]: self.entity(kind, n, top=True) for n in nodes}
        extra = self.extra_lines()
        if extra:
            result["extra"] = extra
        return {key: result[key] for key in OUTPUT_ORDER if key in result}

    def take(self, triple):
        self.consumed.add(triple)

    def entity(self, kind, node, *, top=False, parent=None, members=None) -> dict:
        data: dict = {}
        if top and kind.name == "Agent" and self.orgnr_form(node, data):
            pass
        elif isinstance(node, URIRef):
            data["id"] = str(node)
        elif top:
            data["id"] = "_:" + self.label(node)
            self.top_bnodes[node] = data
        types = {t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef)}
        if types != set(kind.types):
            data["rdf_type"] = sorted(curie(t) for t in types)
        for t in types:
            self.take((node, RDF.type, t))
        for spec in kind.fields:
            if spec.kind == "orgnr":
                continue
            if kind is CATALOG and spec.key in ("datasets", "services") and members is not None:
                if self.default_members(node, spec, members):
                    continue
                self.field(spec, node, data, top, parent)
                data.setdefault(spec.key, [])  # not every one of the file: list them, even none
                continue
            self.field(spec, node, data, top, parent)
        return data

    def orgnr_form(self, node, data) -> bool:
        match = re.fullmatch(re.escape(ORGANISATION_BASE) + r"(\d{10})", str(node))
        if not isinstance(node, URIRef) or not match:
            return False
        triple = (node, DCTERMS.identifier, Literal(match.group(1)))
        if set(self.graph.objects(node, DCTERMS.identifier)) != {triple[2]}:
            return False  # `orgnr` writes exactly this one identifier
        data["orgnr"] = match.group(1)
        self.take(triple)
        return True

    def default_members(self, catalog, spec, members) -> bool:
        sections = ("datasets", "series") if spec.key == "datasets" else ("services",)
        values = set(self.graph.objects(catalog, spec.predicate))
        if values != {m for section in sections for m in members.get(section, [])}:
            return False
        for value in values:
            self.take((catalog, spec.predicate, value))
        return True

    def field(self, spec, node, data, top, parent=None):
        values = sorted((o for o in self.graph.objects(node, spec.predicate)
                         if (node, spec.predicate, o) not in self.consumed), key=_order)
        if spec.kind == "text":
            value = self.text_value(node, spec, values)
            if value is not None:
                data[spec.key] = value
            return
        accepted = []
        for term in values:
            if accepted and not spec.many:
                break
            if spec.default is not None and not accepted and self.is_default(spec, term, parent):
                self.take((node, spec.predicate, term))
                return  # the default: no key needed
            value = self.value(spec, term, node)
            if value is NOPE:
                continue
            self.take((node, spec.predicate, term))
            accepted.append(value)
        if accepted:
            as_list = spec.many and (len(accepted) > 1 or spec.kind == "object")
            data[spec.key] = accepted if as_list else accepted[0]
        elif spec.default is not None:
            data[spec.key] = [] if spec.many else None
        elif spec.key == "identifier" and top and self.section_of.get(node, ("",))[0] in MINTED_SECTIONS:
            data[spec.key] = []  # none in the RDF: say so, or `describe` would mint one

    def is_default(self, spec, term, parent) -> bool:
        if spec.default == PARENT:
            return parent is not None and term == parent
        return round_trips(spec.kind, term, spec, self.vocab) == spec.default

    def value(self, spec, term, node):
        if spec.kind == "ref":
            return self.reference(spec.target, term)
        if spec.kind == "object":
            return self.object_value(spec, term, node)
        return round_trips(spec.kind, term, spec, self.vocab)

    def reference(self, target, term):
        placed = self.section_of.get(term)
        if placed and placed[0] in REFERENCE_SECTIONS.get(target, ()):
            return placed[1]
        if isinstance(term, URIRef) and is_iri(str(term)):
            return str(term)
        return NOPE

    def object_value(self, spec, term, owner):
        kind = KINDS[spec.target]
        if term in self.section_of:
            return self.reference(spec.target, term)
        if isinstance(term, Literal) or term in self.inline or term == owner:
            return NOPE
        once = self.reference_count.get(term, 0) == 1
        typed = any((term, RDF.type, t) in self.graph for t in kind.types)
        if once and (isinstance(term, BNode) or typed):
            data = self.entity(kind, term, parent=owner)
            if isinstance(term, BNode):
                self.inline[term] = data
                if kind.name == "Distribution":  # without an id, build would give it an IRI
                    data["id"] = "_:" + self.label(term)
                    _move_id_first(data)
            if kind.shorthand and set(data) == {kind.shorthand} and isinstance(data[kind.shorthand], str):
                return data[kind.shorthand]
            return data
        if isinstance(term, URIRef) and not (kind.shorthand and not kind.section):
            return self.reference(spec.target, term)
        return NOPE

    def text_value(self, node, spec, values):
        plain = [v for v in values if isinstance(v, Literal) and v.language is None and v.datatype is None]
        tagged = [v for v in values if isinstance(v, Literal) and v.language]
        if tagged:
            by_lang: dict = {}
            for term in tagged:
                by_lang.setdefault(term.language, []).append(str(term))
                self.take((node, spec.predicate, term))
            return {lang: texts[0] if len(texts) == 1 else texts for lang, texts in by_lang.items()}
        if len(plain) == 1:
            self.take((node, spec.predicate, plain[0]))
            return str(plain[0])
        return None

    # ---------------------------------------------------------------- what is left

    def label(self, node: BNode) -> str:
        if node not in self.labels:
            self.labels[node] = f"b{len(self.labels) + 1}"
        return self.labels[node]

    def extra_lines(self) -> list[str]:
        left = [t for t in self.graph if t not in self.consumed]
        if not left:
            return []
        renamed = Graph()
        for triple in left:
            terms = []
            for term in triple:
                if isinstance(term, BNode):
                    label = self.label(term)
                    if term in self.inline:
                        self.inline[term]["id"] = "_:" + label
                        self.inline[term] = _move_id_first(self.inline[term])
                    term = BNode(label)
                terms.append(term)
            renamed.add(tuple(terms))
        text = renamed.serialize(format="nt")
        return sorted(line for line in text.splitlines() if line.strip())


def _move_id_first(data: dict) -> dict:
    items = [("id", data["id"])] + [(k, v) for k, v in data.items() if k != "id"]
    data.clear()
    data.update(items)
    return data


def _order(term):
    return (isinstance(term, BNode), str(term))


def key_from(node, section) -> str:
    if isinstance(node, URIRef):
        text = str(node).rstrip("/#")
        tail = re.split(r"[/#:]", text)[-1]
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", tail).strip("-").lower()
        if slug:
            return slug
    return section.rstrip("s") or section


def unique_key(key, used: set) -> str:
    candidate, number = key, 2
    while candidate in used:
        candidate, number = f"{key}-{number}", number + 1
    used.add(candidate)
    return candidate


def parse(graph: Graph, vocab: Vocab) -> dict:
    return Parser(graph, vocab).run()
