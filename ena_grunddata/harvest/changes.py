"""What changed between two harvests of a source, in the shape of Digg's LDES DCAT-AP test suite.

Standalone entities (the ones DCAT-AP Feeds gives their own events) are counted by IRI:
Catalog, Dataset, DatasetSeries, Distribution, DataService, Agent (foaf:Agent/Organization/Person), contact point
(vcard:Kind/Organization/Individual) and LicenseDocument. Blank-node entities have no identity across harvests and
are not counted on their own; they are part of the description of whatever refers to them.

An entity is "updated" when the canonical hash of its description changed: the triples with the entity as subject
plus, recursively, the triples of the blank nodes it refers to ("embedded" nodes such as a checksum or a period of
time). The hash does not depend on blank-node labels, so re-serialising the same data changes nothing.

Everything works on compact forms: the statements stream from pyoxigraph's parsers into N-Triples (blank-node
statements aside), the canonical snapshot is those lines sorted with stable blank-node labels
(ena_grunddata.canonical: iterative, linear, cycles included), and each entity's hash is the hash of its run of
lines in the snapshot. No second copy of the graph is held.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from ..canonical import BlankGraph, blank_labels, block_hash, relabelled, sorted_ntriples, subject_blocks
from ..namespaces import DCAT, DCTERMS, FOAF, HYDRA, VCARD

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


HASH_VERSION = 2  # entities.json written with this definition of the hash (older ones are recomputed)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NTRIPLES = ox.RdfFormat.N_TRIPLES
ENTITY_TYPES = {str(c) for c in ENTITY_CLASSES}
COUNTED = {"catalogs": str(DCAT.Catalog), "datasets": str(DCAT.Dataset), "services": str(DCAT.DataService),
           "distributions": str(DCAT.Distribution)}
PAGING_TYPES = {str(HYDRA.PartialCollectionView), str(HYDRA.PagedCollection)}
HAS_PART = str(DCTERMS.hasPart)


class Statements:
    """The statements of one harvest, kept compact: N-Triples per document, blank-node statements, and the few
    facts the harvest needs (typed subjects, sub-catalog links, Hydra paging statements)."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.blanks = BlankGraph()
        self.typed: dict = {}  # class IRI -> subjects
        self.has_part: list = []  # (catalog, part)

    def add(self, quads, *, paging: bool = False) -> list:
        """Add a document's quads. With `paging`, Hydra statements are left out and returned:
        [(subject, predicate, object)] of the paging statements (views' own statements are dropped too)."""
        hydra: list = []
        views: set = set()
        blanks = BlankGraph()
        typed: dict = {}
        has_part: list = []
        # Merged only once the whole document has been read: a parse error leaves `self` as it was.
        self.parts.append(ox.serialize(self._pass(quads, blanks, hydra, views, paging, typed, has_part),
                                       format=NTRIPLES) or b"")
        if views:
            self._drop_subjects(views, blanks)
        for kind, subjects in typed.items():
            self.typed.setdefault(kind, set()).update(subjects - views)
        self.has_part.extend(has_part)
        for node, edges in blanks.outgoing.items():
            self.blanks.outgoing.setdefault(node, []).extend(edges)
        for node, edges in blanks.incoming.items():
            self.blanks.incoming.setdefault(node, []).extend(edges)
        return [h for h in hydra if h[0] in views]

    def _pass(self, quads, blanks: BlankGraph, hydra: list, views: set, paging: bool, typed: dict,
              has_part: list):
        blank = ox.BlankNode
        named = ox.NamedNode
        hydra_ns = str(HYDRA)
        for quad in quads:
            predicate = quad.predicate.value
            subject, obj = quad.subject, quad.object
            if predicate == RDF_TYPE and obj.__class__ is named:
                kind = obj.value
                if paging and kind in PAGING_TYPES:
                    views.add(subject)
                    continue
                if kind in ENTITY_TYPES:
                    typed.setdefault(kind, set()).add(subject)
            elif paging and predicate.startswith(hydra_ns):
                hydra.append((subject, predicate, obj))
                continue
            elif predicate == HAS_PART:
                has_part.append((subject, obj))
            if subject.__class__ is blank or obj.__class__ is blank:
                blanks.add(subject, quad.predicate, obj)
            else:
                yield quad

    def _drop_subjects(self, subjects: set, blanks: BlankGraph) -> None:
        """Remove every statement of the paging views (rare: only documents with Hydra paging)."""
        tokens = tuple(str(s).encode("utf-8") + b" " for s in subjects if s.__class__ is ox.NamedNode)
        if tokens:
            lines = self.parts[-1].splitlines(keepends=True)
            self.parts[-1] = b"".join(line for line in lines if not line.startswith(tokens))
        for subject in subjects:
            if subject.__class__ is ox.BlankNode:
                for _, obj in blanks.outgoing.pop(subject, ()):
                    edges = blanks.incoming.get(obj)
                    if edges:
                        blanks.incoming[obj] = [e for e in edges if e[0] != subject]

    def described(self, subject) -> bool:
        """Whether `subject` has a statement other than `a dcat:Catalog` (for sub-catalogs only named)."""
        token = str(subject).encode("utf-8") + b" "
        catalog_type = token + f"<{RDF_TYPE}> <{DCAT.Catalog}> .".encode("utf-8")
        for part in self.parts:
            position = 0 if part.startswith(token) else part.find(b"\n" + token)
            while position != -1:
                start = position if part.startswith(token, position) else position + 1
                end = part.find(b"\n", start)
                if part[start:end if end != -1 else len(part)] != catalog_type:
                    return True
                position = part.find(b"\n" + token, start)
        return False

    def finish(self) -> Harvested:
        labels = blank_labels(self.blanks) if self.blanks else {}
        parts, self.parts = self.parts, []  # handed over: sorted_ntriples lets each part go once it is split
        if labels:
            parts.append(ox.serialize(relabelled(self.blanks, labels), format=NTRIPLES) or b"")
        snapshot = sorted_ntriples(parts)
        entities = {f"<{s.value}>".encode("utf-8") for kind, subjects in self.typed.items() for s in subjects
                    if s.__class__ is ox.NamedNode}
        hashes = {}
        for token, start, end in subject_blocks(snapshot):
            if token in entities:
                hashes[token[1:-1].decode("utf-8")] = block_hash(snapshot[start:end])
        counts = {"triples": snapshot.count(b"\n"), "entities": len(hashes)}
        for name, cls in COUNTED.items():
            counts[name] = len(self.typed.get(cls, ()))
        return Harvested(snapshot, hashes, counts)


@dataclass
class Harvested:
    snapshot: bytes  # canonical sorted N-Triples
    hashes: dict  # entity IRI -> description hash
    counts: dict  # triples, entities, catalogs, datasets, services, distributions


def statements_of_graph(graph: Graph) -> Statements:
    from ..validation.engines.fast_data import to_ox

    statements = Statements()
    statements.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph)
    return statements


def harvested_from_ntriples(data: bytes) -> Harvested:
    """Hashes and counts of a stored snapshot (recomputed when it was written with another hash definition)."""
    statements = Statements()
    if data.strip():
        statements.add(ox.parse(data, format=NTRIPLES, rename_blank_nodes=True))
    return statements.finish()


def entity_iris(graph: Graph) -> set:
    return set(statements_of_graph(graph).finish().hashes)


def entity_hashes(graph: Graph, canon=None) -> dict[str, str]:
    """IRI -> canonical hash of the entity's description, for every standalone entity in `graph`."""
    return statements_of_graph(graph).finish().hashes


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


def canonical_ntriples(graph: Graph, canon=None) -> bytes:
    """Deterministic N-Triples: blank nodes labelled from their content and references, lines sorted.

    Two harvests of the same data give byte-identical snapshots (rdflib's own labels are random).
    """
    return statements_of_graph(graph).finish().snapshot
