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

import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from ..canonical import BlankGraph, blank_labels, block_hash, sorted_lines_on_disk
from ..errors import StoreError
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


BLANK_BATCH = 10_000  # blank-node statements written at a time


class Statements:
    """The statements of one harvest, kept compact and on disk: N-Triples of every document in an anonymous
    temporary file, the statements touching blank nodes in another (read back only by finish, to label them), and
    in memory the few facts the harvest needs (typed subjects, sub-catalog links, Hydra paging statements).
    Anonymous files go when they are closed (finish, close) or the process ends, however it ends."""

    def __init__(self):
        self._files = {"plain": None, "blank": None}  # written up to self._sizes
        self._sizes = {"plain": 0, "blank": 0}
        self.typed: dict = {}  # class IRI -> subjects
        self.has_part: list = []  # (catalog, part)

    def _file(self, name: str):
        if self._files[name] is None:
            self._files[name] = temporary_file()
        return self._files[name]

    def close(self) -> None:
        for name, handle in self._files.items():
            if handle is not None:
                handle.close()
                self._files[name] = None

    def add(self, quads, *, paging: bool = False) -> list:
        """Add a document's quads. With `paging`, Hydra statements are left out and returned:
        [(subject, predicate, object)] of the paging statements (views' own statements are dropped too)."""
        hydra: list = []
        views: set = set()
        typed: dict = {}
        has_part: list = []
        # Merged only once the whole document has been read: a parse error leaves `self` as it was.
        plain, blank = self._file("plain"), self._file("blank")
        plain.seek(self._sizes["plain"])
        blank.seek(self._sizes["blank"])
        try:
            ox.serialize(self._pass(quads, blank, hydra, views, paging, typed, has_part), plain, format=NTRIPLES)
            if views:
                self._drop_subjects(views)
        except BaseException:
            for name, handle in (("plain", plain), ("blank", blank)):
                handle.seek(self._sizes[name])
                handle.truncate()
            raise
        self._sizes = {"plain": plain.tell(), "blank": blank.tell()}
        for kind, subjects in typed.items():
            self.typed.setdefault(kind, set()).update(subjects - views)
        self.has_part.extend(has_part)
        return [h for h in hydra if h[0] in views]

    def _pass(self, quads, blank_file, hydra: list, views: set, paging: bool, typed: dict, has_part: list):
        """The quads without blank nodes; those with one are written to `blank_file` a batch at a time."""
        blank = ox.BlankNode
        named = ox.NamedNode
        hydra_ns = str(HYDRA)
        batch: list = []
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
                batch.append(quad)
                if len(batch) >= BLANK_BATCH:
                    ox.serialize(batch, blank_file, format=NTRIPLES)
                    batch = []
            else:
                yield quad
        if batch:
            ox.serialize(batch, blank_file, format=NTRIPLES)

    def _drop_subjects(self, subjects: set) -> None:
        """Remove every statement of the paging views (rare: only documents with Hydra paging) from the document
        just written: a named view's from the plain statements, a blank view's from the blank-node ones."""
        for name, kind in (("plain", ox.NamedNode), ("blank", ox.BlankNode)):
            tokens = tuple(str(s).encode("utf-8") + b" " for s in subjects if s.__class__ is kind)
            if not tokens:
                continue
            handle = self._files[name]
            handle.flush()
            with temporary_file() as kept:
                handle.seek(self._sizes[name])
                kept.writelines(line for line in handle if not line.startswith(tokens))
                kept.seek(0)
                handle.seek(self._sizes[name])
                handle.truncate()
                shutil.copyfileobj(kept, handle)

    def described(self, subjects) -> set:
        """Those of `subjects` with a statement other than `a dcat:Catalog` (for sub-catalogs only named): one
        pass over the file."""
        tokens = {str(subject).encode("utf-8") + b" ": subject for subject in subjects}
        handle = self._files["plain"]
        if not tokens or handle is None:
            return set()
        catalog_type = f"<{RDF_TYPE}> <{DCAT.Catalog}> .\n".encode("utf-8")
        found = set()
        handle.seek(0)
        for line in handle:
            space = line.find(b" ")
            subject = tokens.get(line[:space + 1])
            if subject is not None and line[space + 1:] != catalog_type:
                found.add(subject)
        return found

    def _blank_graph(self) -> BlankGraph:
        """The blank-node statements read back (only now: not beside the answers and the parser's buffers), in a
        compact form: blank nodes as pyoxigraph's BlankNode (one object each), every other term as its N-Triples
        text (term_key of a text is the text itself), predicates and IRIs shared."""
        blanks = BlankGraph()
        handle = self._files["blank"]
        if handle is None or not self._sizes["blank"]:
            return blanks
        handle.seek(0)
        handle.truncate(self._sizes["blank"])
        nodes: dict = {}
        shared: dict = {}
        node = ox.BlankNode
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        for line in text:
            subject, predicate, obj = line[:-3].split(" ", 2)  # "S P O .\n", as pyoxigraph writes N-Triples
            subject = nodes.get(subject) or nodes.setdefault(subject, node(subject[2:])) \
                if subject.startswith("_:") else shared.setdefault(subject, subject)
            obj = nodes.get(obj) or nodes.setdefault(obj, node(obj[2:])) if obj.startswith("_:") \
                else shared.setdefault(obj, obj) if obj.startswith("<") else obj
            blanks.add(subject, shared.setdefault(predicate, predicate), obj)
        text.detach()
        return blanks

    @staticmethod
    def _write_relabelled(blanks: BlankGraph, labels: dict, handle) -> None:
        """The blank-node statements again with their stable labels, as N-Triples lines (as relabelled and
        pyoxigraph's writer would write them)."""
        new = {node: f"_:{label}" for node, label in labels.items()}
        out = io.TextIOWrapper(handle, encoding="utf-8", newline="\n", write_through=False)
        blank = ox.BlankNode
        for subject, edges in blanks.outgoing.items():
            label = new[subject]
            out.writelines(f"{label} {p} {new[o] if o.__class__ is blank else o} .\n" for p, o in edges)
        for obj, edges in blanks.incoming.items():
            label = new[obj]
            out.writelines(f"{s} {p} {label} .\n" for s, p in edges if s.__class__ is not blank)
        out.flush()
        out.detach()

    def finish(self) -> Harvested:
        """The canonical snapshot (sorted N-Triples, stable blank-node labels) in a temporary file, written line
        by line from a sort on disk, with each entity's hash taken from its run of lines on the way."""
        try:
            plain = self._file("plain")
            plain.seek(self._sizes["plain"])
            plain.truncate()
            blanks = self._blank_graph()
            if blanks:
                self._write_relabelled(blanks, blank_labels(blanks), plain)
            del blanks
            counted = {name: len(self.typed.get(cls, ())) for name, cls in COUNTED.items()}
            entities = {f"<{s.value}>".encode("utf-8") for kind, subjects in self.typed.items() for s in subjects
                        if s.__class__ is ox.NamedNode}
            self.typed = {}  # the entities' tokens are all that is needed from here on
            snapshot, hashes, triples, digest = _sorted_snapshot(plain, entities)
        finally:
            self.close()
        return Harvested(snapshot, hashes, {"triples": triples, "entities": len(hashes), **counted},
                         "sha256:" + digest)


def _sorted_snapshot(handle, entities: set):
    """(snapshot file, entity hashes, lines, sha256) of the N-Triples in `handle`, sorted on disk."""
    hashes = {}
    snapshot = temporary_file()
    digest = hashlib.sha256()
    triples = 0
    token, block = None, []
    try:
        out = io.BufferedWriter(_Hashing(snapshot, digest), 1 << 20)
        for line in sorted_lines_on_disk(handle):
            line += b"\n"
            out.write(line)
            triples += 1
            subject = line[:line.index(b" ")]
            if subject != token:
                if token in entities:
                    hashes[token[1:-1].decode("utf-8")] = block_hash(b"".join(block))
                token, block = subject, []
            block.append(line)
        if token in entities:
            hashes[token[1:-1].decode("utf-8")] = block_hash(b"".join(block))
        out.flush()
        out.detach()
    except BaseException:
        snapshot.close()
        raise
    snapshot.seek(0)
    return snapshot, hashes, triples, digest.hexdigest()


class _Hashing(io.RawIOBase):
    """A file that also feeds a digest with what is written to it."""

    def __init__(self, handle, digest):
        self.handle, self.digest = handle, digest

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        return self.handle.write(data)


def temporary_file():
    """An anonymous temporary file (removed when closed, or when the process ends however it ends)."""
    try:
        return tempfile.TemporaryFile(prefix="ena-grunddata-")
    except OSError as error:
        raise StoreError(f"cannot create a temporary file: {error.strerror or error}",
                         where=tempfile.gettempdir()) from None


@dataclass
class Harvested:
    file: object  # canonical sorted N-Triples, in an anonymous temporary file
    hashes: dict  # entity IRI -> description hash
    counts: dict  # triples, entities, catalogs, datasets, services, distributions
    content_hash: str = ""  # "sha256:" + the snapshot's digest

    @property
    def snapshot(self) -> bytes:
        """The whole snapshot as bytes (validation, small callers)."""
        self.file.seek(0)
        return self.file.read()

    def close(self) -> None:
        self.file.close()


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
    harvested = statements.finish()
    harvested.close()  # only the hashes and counts are wanted
    return harvested


def entity_iris(graph: Graph) -> set:
    return set(entity_hashes(graph))


def entity_hashes(graph: Graph, canon=None) -> dict[str, str]:
    """IRI -> canonical hash of the entity's description, for every standalone entity in `graph`."""
    harvested = statements_of_graph(graph).finish()
    harvested.close()
    return harvested.hashes


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
    harvested = statements_of_graph(graph).finish()
    try:
        return harvested.snapshot
    finally:
        harvested.close()
