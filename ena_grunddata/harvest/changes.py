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
    """Blank-node-insensitive canonical forms of descriptions, computed without recursion in time linear in the graph.

    One pass over the graph builds plain dictionaries: rdflib's triple lookups are far too slow for 100 000s of calls.
    A blank node outside any cycle has the form `[sha256 of its sorted lines]`, each line `predicate object-form`
    (so it reads like the tree hash of its description). Blank nodes on a cycle (a strongly connected group) cannot
    be unrolled: each line names a member of its own group as `[cycle]`, and every member's form also carries the
    digest of the whole group's lines, so a change anywhere in a cycle changes each member's form. All forms are
    computed once, sinks first, by an iterative Tarjan walk: a chain of 100 000 blank nodes or a small graph full
    of cycles costs time in proportion to its triples, never a RecursionError or exponential time.
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
        self._done = False

    def key(self, term) -> str:
        cached = self.keys.get(term)
        if cached is None:
            cached = self.keys[term] = term_key(term)
        return cached

    def entity_hash(self, subject) -> str:
        return hashlib.sha256(self.description(subject).encode("utf-8")).hexdigest()

    def description(self, subject, path: frozenset = frozenset()) -> str:
        """Sorted lines `predicate object-form` of `subject` (`path` is kept for callers; it is not needed)."""
        self._compute()
        lines = sorted(f"{self.key(p)} {self.object_form(o)}" for p, o in self.outgoing.get(subject, ()))
        return "\n".join(lines)

    def object_form(self, obj, path: frozenset = frozenset()) -> str:
        if not isinstance(obj, BNode):
            return self.key(obj)
        self._compute()
        return self.memo.get(obj) or "[" + hashlib.sha256(b"").hexdigest() + "]"

    # ------------------------------------------------------------------ forms of all blank nodes, once

    def _compute(self) -> None:
        if self._done:
            return
        self._done = True
        for group in self._groups():
            members = set(group)
            cyclic = len(group) > 1 or group[0] in self._blank_objects(group[0])
            if not cyclic:
                node = group[0]
                text = "\n".join(sorted(f"{self.key(p)} {self._known(o, members)}"
                                         for p, o in self.outgoing.get(node, ())))
                self.memo[node] = "[" + hashlib.sha256(text.encode("utf-8")).hexdigest() + "]"
                continue
            own = {node: "\n".join(sorted(f"{self.key(p)} {self._known(o, members)}"
                                           for p, o in self.outgoing.get(node, ()))) for node in group}
            digest = hashlib.sha256("\n~\n".join(sorted(own.values())).encode("utf-8")).hexdigest()
            for node in group:
                text = own[node] + "\n~cycle " + digest
                self.memo[node] = "[" + hashlib.sha256(text.encode("utf-8")).hexdigest() + "]"

    def _known(self, obj, members: set) -> str:
        if not isinstance(obj, BNode):
            return self.key(obj)
        if obj in members:
            return "[cycle]"
        return self.memo[obj]

    def _groups(self):
        """Strongly connected groups of blank nodes (edges: blank subject -> blank object), sinks first.

        Tarjan's algorithm with an explicit stack: each group is emitted after every group it points to.
        """
        index: dict = {}
        low: dict = {}
        on_stack: set = set()
        stack: list = []
        counter = 0
        nodes = [n for n in self.outgoing if isinstance(n, BNode)]
        nodes += [n for n in self.incoming if n not in self.outgoing]
        for root in nodes:
            if root in index:
                continue
            work = [(root, iter(self._blank_objects(root)))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, children = work[-1]
                advanced = False
                for child in children:
                    if child not in index:
                        index[child] = low[child] = counter
                        counter += 1
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(self._blank_objects(child))))
                        advanced = True
                        break
                    if child in on_stack and index[child] < low[node]:
                        low[node] = index[child]
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    yield group

    def _blank_objects(self, node):
        return [o for _, o in self.outgoing.get(node, ()) if isinstance(o, BNode)]


def canonical_ntriples(graph: Graph, canon: Canon | None = None) -> bytes:
    """Deterministic N-Triples: blank nodes relabelled from their content and references, lines sorted.

    Two harvests of the same data give byte-identical snapshots (rdflib's own labels are random).
    """
    canon = canon or Canon(graph)
    keyed = []
    for node in set(canon.incoming) | {s for s in canon.outgoing if isinstance(s, BNode)}:
        inbound = sorted(f"{canon.object_form(s) if isinstance(s, BNode) else canon.key(s)} "
                         f"{canon.key(p)}" for s, p in canon.incoming.get(node, ()))
        content = canon.description(node)
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
