"""Description (plain data from YAML/JSON) -> RDF graph, with a source map and the problems found on the way.

Building never raises on bad values: what does not fit is skipped (the schema check reports it), so `validate` can
still run SHACL on the rest. Problems only this step can see (unknown references, a missing `id`) are returned.
"""

from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..load.parse_rdflib import ParseTimeout
from ..messages import alternatives, both
from ..namespaces import PREFIXES, bind_prefixes
from .model import (CATALOG, KINDS, MINTED_SECTIONS, ORGANISATION_BASE, PARENT, REFERENCE_SECTIONS, SECTION_ORDER,
                    SECTIONS, Kind)
from .values import Vocab, expand_curie, is_iri, scalar_to_term, text_terms


@dataclass
class Problem:
    """Something wrong that the JSON Schema cannot see; becomes a Finding (code SCHEMA-…)."""

    code: str
    path: tuple
    messages: dict  # language -> text (messages.both)
    value: str | None = None
    suggestion: str | None = None
    at_key: bool = False
    severity: str = "violation"


@dataclass
class Built:
    graph: Graph
    locations: dict = field(default_factory=dict)  # term -> JSON path of the object that produced it
    problems: list = field(default_factory=list)
    minted: dict = field(default_factory=dict)  # JSON path of an entity -> identifier minted for it


def organisation_iri(orgnr) -> URIRef | None:
    digits = re.sub(r"[\s-]", "", str(orgnr))
    return URIRef(ORGANISATION_BASE + digits) if re.fullmatch(r"\d{10}", digits) else None


class Builder:
    def __init__(self, data: dict, vocab: Vocab, mint=None):
        self.data = data if isinstance(data, dict) else {}
        self.vocab = vocab
        self.mint = mint  # callable(path, node) -> identifier text, or None: do not mint
        self.graph = bind_prefixes(Graph())
        self.bnodes: dict[str, BNode] = {}
        self.result = Built(graph=self.graph)
        self.nodes: dict[str, dict[str, object]] = {}  # section -> key -> node

    # ---------------------------------------------------------------- identities

    def bnode(self, label: str) -> BNode:
        return self.bnodes.setdefault(label, BNode())

    def node_for(self, entity, path, section=None, key=None):
        """The IRI (or blank node) an object stands for: `id`, an organisation number, or base + section/key."""
        ident = entity.get("id") if isinstance(entity, dict) else None
        if isinstance(ident, str) and ident.startswith("_:") and len(ident) > 2:
            return self.bnode(ident[2:])
        if isinstance(ident, str) and is_iri(ident):
            return URIRef(ident)
        if ident is not None:
            return BNode()  # a malformed id: the schema check reports it
        if section == "agents" and isinstance(entity, dict) and entity.get("orgnr") is not None:
            iri = organisation_iri(entity["orgnr"])
            if iri is not None:
                return iri
        base = self.data.get("base")
        if section is not None and isinstance(base, str) and is_iri(base):
            return URIRef(base + (section if section == "catalog" else f"{section}/{key}"))
        if section is not None:
            self.result.problems.append(Problem("SCHEMA-ID-MISSING", path, both("schema.id_missing"), at_key=True))
        return BNode()

    def name_sections(self):
        for section in SECTION_ORDER:
            entries = self.data.get(section)
            if not isinstance(entries, dict):
                continue
            self.nodes[section] = {}
            for key, entity in entries.items():
                if isinstance(entity, dict):
                    self.nodes[section][key] = self.node_for(entity, (section, key), section, key)

    def resolve(self, target: str, value, path):
        """A reference: a key of one of the target's sections, else an IRI."""
        if not isinstance(value, str):
            return None
        for section in REFERENCE_SECTIONS.get(target, ()):
            if value in self.nodes.get(section, {}):
                return self.nodes[section][value]
        if value.startswith("_:") and len(value) > 2:
            return self.bnode(value[2:])
        if is_iri(value):
            return URIRef(value)
        keys = [k for s in REFERENCE_SECTIONS.get(target, ()) for k in self.nodes.get(s, {})]
        sections = [f"`{s}`" for s in REFERENCE_SECTIONS.get(target, ())]
        close = difflib.get_close_matches(value, keys, n=1, cutoff=0.6)
        if not sections:
            self.result.problems.append(Problem("SCHEMA-REFERENCE", path, both("schema.not_iri", value=value),
                                                value=value))
            return None
        self.result.problems.append(Problem(
            "SCHEMA-REFERENCE", path,
            both("schema.no_such_key", value=value, where=lambda lang: alternatives(sections, lang)), value=value,
            suggestion=close[0] if close else None))
        return None

    # ---------------------------------------------------------------- building

    def build(self) -> Built:
        self.name_sections()
        catalog = self.data.get("catalog")
        catalog_node = None
        if isinstance(catalog, dict):
            catalog_node = self.node_for(catalog, ("catalog",), "catalog")
            self.entity(CATALOG, catalog, catalog_node, ("catalog",))
            self.default_members(catalog, catalog_node)
        for section in SECTION_ORDER:
            for key, entity in (self.data.get(section) or {}).items() if isinstance(self.data.get(section),
                                                                                   dict) else ():
                if isinstance(entity, dict) and key in self.nodes.get(section, {}):
                    path = (section, key)
                    self.entity(SECTIONS[section], entity, self.nodes[section][key], path)
        self.extra(self.data.get("extra"))
        return self.result

    def default_members(self, catalog: dict, node):
        """Without `datasets:`/`services:` the catalogue lists every dataset and series / service of the file."""
        from ..namespaces import DCAT

        for key, sections, predicate in (("datasets", ("datasets", "series"), DCAT.dataset),
                                         ("services", ("services",), DCAT.service)):
            if key not in catalog:
                for section in sections:
                    for member in self.nodes.get(section, {}).values():
                        self.graph.add((node, predicate, member))

    def entity(self, kind: Kind, entity: dict, node, path, parent=None):
        self.result.locations.setdefault(node, path)
        types = entity.get("rdf_type", list(kind.types))
        for value in types if isinstance(types, list) else [types]:
            term = expand_curie(value) if isinstance(value, str) else (value if isinstance(value, URIRef) else None)
            if term is not None:
                self.graph.add((node, RDF.type, term))
        for spec in kind.fields:
            if spec.key in entity:
                value = entity[spec.key]
            elif spec.default is not None:
                value = parent if spec.default == PARENT else spec.default
            elif spec.key == "identifier" and path[0] in MINTED_SECTIONS and len(path) == 2 and self.mint:
                value = self.mint(path, node)
                self.result.minted[path] = value
            else:
                continue
            if value is None:
                continue
            if spec.kind == "orgnr":
                digits = re.sub(r"[\s-]", "", str(value))
                if "identifier" not in entity and re.fullmatch(r"\d{10}", digits):
                    self.graph.add((node, spec.predicate, Literal(digits)))
                continue
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                item_path = path + (spec.key,) + ((index,) if isinstance(value, list) else ())
                for term in self.terms(spec, item, item_path, node):
                    self.graph.add((node, spec.predicate, term))

    def terms(self, spec, item, path, node) -> list:
        if isinstance(item, (URIRef, BNode)):
            return [item]  # a default that is already a term (the parent)
        if spec.kind == "text":
            return text_terms(item)
        if spec.kind == "ref":
            term = self.resolve(spec.target, item, path)
            return [term] if term is not None else []
        if spec.kind == "object":
            return self.object_terms(spec, item, path, node)
        term = scalar_to_term(spec.kind, item, spec, self.vocab)
        return [term] if term is not None else []

    def object_terms(self, spec, item, path, parent) -> list:
        kind = KINDS[spec.target]
        if isinstance(item, str):
            if kind.shorthand and not kind.section:
                item = {kind.shorthand: item}
            else:
                term = self.resolve(spec.target, item, path)
                return [term] if term is not None else []
        if not isinstance(item, dict):
            return []
        if kind.name == "Distribution" and "id" not in item and isinstance(parent, URIRef):
            # dataportal.se needs an IRI for every distribution: <dataset>/distribution/<position>
            number = path[-1] + 1 if isinstance(path[-1], int) else 1
            node = URIRef(f"{parent}/distribution/{number}")
        else:
            node = self.node_for(item, path)
        self.entity(kind, item, node, path, parent=parent)
        return [node]

    def extra(self, extra):
        """Statements the format has no key for: N-Triples lines (blank nodes shared with `id: _:x`), or Turtle."""
        if extra is None:
            return
        if isinstance(extra, list):
            text = "\n".join(line for line in extra if isinstance(line, str)) + "\n"
            fmt, context = "nt", {label: node for label, node in self.bnodes.items()}
        elif isinstance(extra, str):
            text, fmt, context = extra, "turtle", None
        else:
            return
        try:
            part = Graph()
            if context is not None:
                part.parse(data=text, format=fmt, bnode_context=context)
                self.bnodes.update(context)
            else:
                header = "".join(f"@prefix {p}: <{n}> .\n" for p, n in PREFIXES.items())
                part.parse(data=header + text, format=fmt, publicID="https://relative.invalid/extra")
        except ParseTimeout:
            raise  # the --timeout budget ran out: the whole read stops
        except Exception as error:  # rdflib raises many types for bad syntax
            message = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
            if context is None:  # Turtle: count lines from the start of the `extra` text, not our prefix header
                message = re.sub(r"at line (\d+) of <[^>]*>:?", lambda m: f"at line "
                                 f"{int(m.group(1)) - len(PREFIXES)} of `extra`", message)
                message = message.rstrip(":")
                if getattr(error, "_why", None):
                    message += f" ({error._why})"
            self.result.problems.append(Problem("SCHEMA-EXTRA", ("extra",), both("schema.extra", error=message)))
            return
        for triple in part:
            self.graph.add(triple)


def build(data, vocab: Vocab, mint=None) -> Built:
    return Builder(data, vocab, mint).build()


def random_identifier(path, node) -> str:
    return str(uuid.uuid4())


def derived_identifier(path, node) -> str:
    """Without write-back: a name-based UUID from the IRI, stable as long as the IRI is."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, str(node)))
