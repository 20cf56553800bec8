"""What changed between two harvests of a source, in the shape of Digg's LDES DCAT-AP test suite.

Standalone entities (the ones DCAT-AP Feeds gives their own events) are counted by IRI:
Catalog, Dataset, DatasetSeries, Distribution, DataService, Agent (foaf:Agent/Organization/Person), contact point
(vcard:Kind/Organization/Individual) and LicenseDocument. Blank-node entities have no identity across harvests and
are not counted on their own; they are part of the description of whatever refers to them.

An entity is "updated" when the canonical hash of its description changed: the triples with the entity as subject
plus, recursively, the triples of the blank nodes it refers to ("embedded" nodes such as a checksum or a period of
time). The hash does not depend on blank-node labels, so re-serialising the same data changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..namespaces import DCAT, DCTERMS, FOAF, VCARD

ENTITY_CLASSES = (
    DCAT.Catalog, DCAT.Dataset, DCAT.DatasetSeries, DCAT.Distribution, DCAT.DataService,
    FOAF.Agent, FOAF.Organization, FOAF.Person,
    VCARD.Kind, VCARD.Organization, VCARD.Individual,
    DCTERMS.LicenseDocument,
)
KEYS = ("added", "removed", "updated", "unchanged", "addedURIs", "removedURIs", "updatedURIs")


@dataclass
class ChangeReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict:
        """Exactly the LDES test suite's report.json keys, in its order; URI lists sorted."""
        return {"added": len(self.added), "removed": len(self.removed), "updated": len(self.updated),
                "unchanged": self.unchanged, "addedURIs": sorted(self.added), "removedURIs": sorted(self.removed),
                "updatedURIs": sorted(self.updated)}

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.updated)

    def __add__(self, other: ChangeReport) -> ChangeReport:
        return ChangeReport(self.added + other.added, self.removed + other.removed, self.updated + other.updated,
                            self.unchanged + other.unchanged)


def entity_iris(graph: Graph) -> set[URIRef]:
    found = set()
    for cls in ENTITY_CLASSES:
        found.update(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))
    return found


def entity_hashes(graph: Graph, canon: Canon | None = None) -> dict[str, str]:
    """IRI -> canonical hash of the entity's description, for every standalone entity in `graph`."""
    canon = canon or Canon(graph)
    return {str(iri): canon.entity_hash(iri) for iri in entity_iris(graph)}


def compare(before: dict[str, str], after: dict[str, str]) -> ChangeReport:
    """Compare two `entity_hashes` maps."""
    report = ChangeReport()
    for iri, digest in after.items():
        if iri not in before:
            report.added.append(iri)
        elif before[iri] != digest:
            report.updated.append(iri)
        else:
            report.unchanged += 1
    report.removed = [iri for iri in before if iri not in after]
    return report


def compare_graphs(before: Graph, after: Graph) -> ChangeReport:
    return compare(entity_hashes(before), entity_hashes(after))


def term_key(term) -> str:
    """A stable text for an IRI or literal (N-Triples form: language and datatype included)."""
    return term.n3()


class Canon:
    """Blank-node-insensitive canonical forms of descriptions (a tree hash; cycles among blank nodes are cut).

    One pass over the graph builds plain dictionaries: rdflib's triple lookups are far too slow for 100 000s of calls.
    """

    def __init__(self, graph: Graph):
        self.outgoing: dict = {}
        self.incoming: dict = {}
        self.keys: dict = {}
        for s, p, o in graph:
            self.outgoing.setdefault(s, []).append((p, o))
            if isinstance(o, BNode):
                self.incoming.setdefault(o, []).append((s, p))
        self.memo: dict[BNode, str] = {}

    def key(self, term) -> str:
        cached = self.keys.get(term)
        if cached is None:
            cached = self.keys[term] = term_key(term)
        return cached

    def entity_hash(self, subject) -> str:
        return hashlib.sha256(self.description(subject, frozenset()).encode("utf-8")).hexdigest()

    def description(self, subject, path: frozenset) -> str:
        inner = path | {subject}
        lines = sorted(f"{self.key(p)} {self.object_form(o, inner)}" for p, o in self.outgoing.get(subject, ()))
        return "\n".join(lines)

    def object_form(self, obj, path: frozenset) -> str:
        if not isinstance(obj, BNode):
            return self.key(obj)
        if obj in path:
            return "[cycle]"
        cached = self.memo.get(obj)
        if cached is None:
            inner = self.description(obj, path)
            cached = "[" + hashlib.sha256(inner.encode("utf-8")).hexdigest() + "]"
            if not path & self._reachable_bnodes(obj):  # only cache forms that no cycle cut
                self.memo[obj] = cached
        return cached

    def _reachable_bnodes(self, node) -> set:
        seen, stack = set(), [node]
        while stack:
            current = stack.pop()
            for _, obj in self.outgoing.get(current, ()):
                if isinstance(obj, BNode) and obj not in seen:
                    seen.add(obj)
                    stack.append(obj)
        return seen


def canonical_ntriples(graph: Graph, canon: Canon | None = None) -> bytes:
    """Deterministic N-Triples: blank nodes relabelled from their content and references, lines sorted.

    Two harvests of the same data give byte-identical snapshots (rdflib's own labels are random).
    """
    canon = canon or Canon(graph)
    keyed = []
    for node in set(canon.incoming) | {s for s in canon.outgoing if isinstance(s, BNode)}:
        inbound = sorted(f"{canon.object_form(s, frozenset()) if isinstance(s, BNode) else canon.key(s)} "
                         f"{canon.key(p)}" for s, p in canon.incoming.get(node, ()))
        content = canon.description(node, frozenset())
        keyed.append((hashlib.sha256((content + "\n<-\n" + "\n".join(inbound)).encode()).hexdigest()[:24], node))
    keyed.sort(key=lambda item: item[0])
    labels: dict[BNode, str] = {}
    counts: dict[str, int] = {}
    for digest, node in keyed:
        counts[digest] = counts.get(digest, 0) + 1
        labels[node] = f"_:b{digest}" + (f"x{counts[digest]}" if counts[digest] > 1 else "")

    def show(term) -> str:
        if isinstance(term, BNode):
            return labels[term]
        if isinstance(term, Literal):
            return _literal_nt(term)
        return canon.key(term)

    lines = sorted(f"{show(s)} {canon.key(p)} {show(o)} .\n" for s, outs in canon.outgoing.items() for p, o in outs)
    return "".join(lines).encode("utf-8")


def _literal_nt(literal: Literal) -> str:
    """N-Triples literal with the lexical form as written (rdflib's n3() may shorten numbers and booleans)."""
    text = (str(literal).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    if literal.language:
        return f'"{text}"@{literal.language}'
    if literal.datatype is not None:
        return f'"{text}"^^<{literal.datatype}>'
    return f'"{text}"'
