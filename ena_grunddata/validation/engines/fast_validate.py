"""The fast engine's part of the pipeline (validation/pipeline.py): pyoxigraph parsers into a FastData store,
origins that work on the store, and the compiled shapes run on it. No rdflib graph of the data."""

from __future__ import annotations

import marshal
import sys
import time
from functools import partial

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from ...errors import InputError, UsageError
from ...load.terms import RESERVED_IRI_PREFIX, RESERVED_PROBLEM, may_name_reserved
from ...load import (Document, Limits, Lines, Loaded, Origins, RefusedByOxigraph, TextIndex, parse_document,
                    parse_document_oxigraph, read_inputs, subject_lines, text_index)
from ...load.parse_oxigraph import loaded_natively, oxigraph_input
from ...process import Child
from . import fast
from .fast_data import Changes, FastData, in_background, term_text, to_ox, to_rdflib

Unsupported = fast.Unsupported


def choose(engine: str, shapes) -> tuple[bool, str | None]:
    """(use the fast engine?, note for the report). `--engine fast` on unsupported shapes is a usage error."""
    if engine == "pyshacl":
        return False, None
    missing = fast.supports(shapes)
    if not missing:
        return True, None
    if engine == "fast":
        raise UsageError(f"the fast engine cannot run these shapes ({missing[0]}); use --engine auto or pyshacl")
    return False, f"pyshacl used for user shapes with {missing[0]}"


class Progress:
    """One line on standard error, only on a terminal and only once a run has taken a couple of seconds."""

    def __init__(self, stream=None, after: float = 2.0):
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.after = after
        self.shown = False
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.active or time.monotonic() - self.start < self.after:
            return
        self.stream.write(f"\r{what} {done}/{total} …   ")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


class FastOrigins(Origins):
    """Origins without a per-triple index: the source of a subject is looked up when a finding needs it."""

    def __init__(self, data: FastData):
        super().__init__()
        self.data = data
        self._found: dict = {}  # term -> its source as looked up (None: described nowhere)
        self._indexing = None  # subject lines being numbered (index_lines_in_background)
        self._subjects: dict = {}  # store term -> whether it is a subject in the data (learn_subjects)
        self._hidden_subjects = None  # the subjects of the statements added for the engine (learn_subjects)
        self._parents: dict = {}  # blank node -> the subjects pointing to it (learn_subjects)

    def add_document(self, document: Document) -> None:
        self._documents[document.name] = document
        self._found.clear()

    def index_lines_in_background(self, documents, ahead: ReadAhead | None = None) -> None:
        """Number the subject lines of `documents` beside the load: in the forked child of `ahead` when there is
        one, else on a second thread (the findings need the lines only later). On a thread the numbering holds
        Python's lock beside this thread's reading of the same bytes (FastData.changes_of), so the two take turns
        while pyoxigraph's loader has a core to itself."""
        if ahead is not None and ahead.forked:
            self._indexing = ahead
            return
        names = [document.name for document in documents]
        self._indexing = in_background(lambda: {name: subject_lines(self._documents[name]) for name in names})

    def _line_index(self, source: str) -> dict:
        indexing, self._indexing = self._indexing, None
        if indexing is not None:
            for name, lines in indexing.result().items():
                self._lines.setdefault(name, lines)
        return super()._line_index(source)

    # The engine's findings name store terms: they are located as such (locate_stored), keyed by their text, so a
    # national catalog's 90,000 focus nodes cost no rdflib terms (whose hash is computed in Python) and no
    # conversions; the rdflib-facing methods below convert once and ask the same code.

    def undescribed(self, iris) -> set[str]:
        """As Origins.undescribed; an IRI already located (each focus node is, while its findings are made) is
        answered from what was found, as text, without making it a term again (90,000 at national scale)."""
        if self._source_of or self._explicit:
            return super().undescribed(iris)
        found, lines, left = self._found, {}, set()
        for iri in iris:
            source = found.get(iri, self)
            if source is self:  # not located yet
                if not self.describes(URIRef(iri)):
                    left.add(iri)
            elif source is None:
                left.add(iri)
            else:
                index = lines.get(source)
                if index is None:
                    index = lines[source] = self._line_index(source)
                if iri not in index:
                    left.add(iri)
        return left

    def source_of(self, term) -> str | None:
        term = stored(term)
        return None if term is None else self.stored_source(term)

    def locate(self, term, graph=None):
        term = stored(term)
        return (None, None) if term is None else self.locate_stored(term)

    def stored_source(self, term) -> str | None:
        """The source describing a store term (an IRI or blank node), looked up once per term."""
        if self._source_of:  # statements read through rdflib (description files) name their sources
            known = self._source_of.get(to_rdflib(term))
            if known is not None:
                return known
        key = term_text(term)
        found = self._found.get(key, self)
        if found is self:  # not asked before (a resource with many findings is asked for each)
            found = self._found[key] = self._find_source(term)
        return found

    def _find_source(self, term) -> str | None:
        if not self.is_stored_subject(term):  # as Origins: only resources described in the data have a source
            return None
        names = list(self._documents)
        if len(names) == 1:
            return names[0]
        text = term.value
        for name in names:
            if text in self._line_index(name):
                return name
        for name in names:
            if text in self._documents[name].text:
                return name
        return None

    def learn_subjects(self, known: dict, parents=()) -> None:
        """Take in which terms are subjects of statements in the store's default graph, answered in bulk
        (fast.run, for the members of a focus set): is_stored_subject need not ask the store for them. A subject
        of statements added for the engine is left to is_stored_subject (are any of its statements the data's?).
        `parents`: (blank node, a subject pointing to it, whether that is a subject) rows; locate_stored reads a
        blank node's parents from them instead of asking the store for each (two store calls per blank node on the
        main thread while the checks' queries run: a national catalog's 12,750 blank contact points took 1.2 s to
        locate)."""
        if self._hidden_subjects is None:
            self._hidden_subjects = {quad.subject for quad in self.data.hidden}
        hidden = self._hidden_subjects
        self._subjects.update((term, subject) for term, subject in known.items() if term not in hidden)
        pointing: dict = {}
        for blank, parent, subject in parents:
            pointing.setdefault(blank, []).append(parent)
            if parent not in hidden:
                self._subjects[parent] = subject
        self._parents.update(pointing)

    def is_stored_subject(self, term) -> bool:
        """Whether the data's own statements describe `term`: as Origins, whose subjects are those of the documents
        read, the statements added for the engine (vocabularies, derived claims: FastData.hidden) do not count (an
        agency the domain registry describes, named as a publisher and described nowhere in the data, is placed
        where it is referred to, as on the rdflib path)."""
        known = self._subjects.get(term)
        if known is not None:
            return known
        hidden = self.data.hidden
        stated = self.data.store.quads_for_pattern(term, None, None, ox.DefaultGraph())
        return any(quad not in hidden for quad in stated)

    def locate_stored(self, term, depth: int = 0):
        """(source, line) of a store term; a blank node is where the resource that refers to it is (of several,
        the first in the file, as load.origins.Origins.locate chooses on the other path: every referrer is read).
        A literal is described nowhere."""
        if term.__class__ is ox.Literal:
            return None, None
        if term.__class__ is ox.BlankNode and depth < 5:
            parents = self._parents.get(term)
            if parents is None:
                parents = self.data.subjects_pointing_to(term)
            parents = {p for p in parents if p != term}
            if parents:
                places = [self.locate_stored(parent, depth + 1) for parent in parents]
                source, line = min(places, key=lambda place: (place[1] is None, place[1] or 0, place[0] or ""))
                return source or self.stored_source(term), line
        source = self.stored_source(term)
        if source is None:
            return None, None
        if self._explicit:
            explicit = self._explicit.get(to_rdflib(term), self)
            if explicit is not self:
                return source, explicit
        return source, self._line_index(source).get(term.value)


class ReadAhead:
    """A forked child that reads the input beside pyoxigraph's loader, for load_fast: what the store would rewrite
    in the first document when it is loaded whole (FastData.changes_of), then each document's subject lines
    (load.origins.text_index). On threads both hold Python's lock, and took turns with each other and with the
    shapes being compiled (measured at 25,000 datasets: the load 4.2-4.6 s on threads, 3.4-3.5 s with a child
    doing both; two children, 4.0-4.5 s: the loader, the child and this process then share two cores three ways).

    Started before any thread of this process (process.Child forks only then: pipeline.run starts it first).
    Where there is no child, or it fails, this process does the same work itself, so the result is the same. Its
    answers come as frames: the changes (Changes.to_bytes, or empty when its reading failed: this process reads
    the bytes again and meets the same error), then one per document (marshal: the subjects, the prefixes and the
    line starts; marshal is safe here, the frames come from our own child through our own pipe)."""

    def __init__(self, documents):
        self.documents = list(documents)
        self.native = bool(self.documents) and loaded_natively(self.documents[0])
        self._child = Child(self._work) if self.documents else None
        self.forked = self._child is not None and self._child.pid is not None
        self._changes_read = not self.native
        self._indexes = None

    def _work(self, send) -> None:  # in the child
        if self.native:
            document = self.documents[0]
            try:
                changes = FastData().changes_of(*oxigraph_input(document), document.base).to_bytes()
            except Exception:  # noqa: BLE001 - the parent reads the bytes itself and meets the error there
                changes = b""
            send(changes)
        for document in self.documents:
            index = text_index(document)
            send(marshal.dumps((index.subjects, index.prefixes, index.lines.starts.tobytes())))

    def changes(self) -> Changes | None:
        """The first document's changes as the child read them, or None (read them here)."""
        if self._changes_read:
            return None
        self._changes_read = True
        frame = self._child.frame()
        if not frame:
            self.stop()
            return None
        return Changes.from_bytes(frame)

    def result(self) -> dict:
        """Each document's name -> its subject lines, its TextIndex kept with it (as subject_lines does): read
        from the child, or numbered here for those it gave none."""
        if self._indexes is None:
            if not self._changes_read:
                self.changes()  # (the frame before the indexes)
            self._indexes = {}
            for document in self.documents:
                frame = self._child.frame() if self._child is not None else None
                if frame is None:
                    break
                subjects, prefixes, starts = marshal.loads(frame)
                document.index = TextIndex(Lines(document.text, starts), subjects, prefixes)
                self._indexes[document.name] = subjects
            self.stop()
            for document in self.documents:
                if document.name not in self._indexes:
                    self._indexes[document.name] = subject_lines(document)
        return self._indexes

    def stop(self) -> None:
        """End the child (done, or no longer needed): its pipe closed, the child killed and reaped."""
        if self._child is not None:
            self._child.stop()
            self._child = None


def stored(term):
    """The store's form of an rdflib term that can be a subject; None for a literal (a literal focus node is
    described nowhere) or a finding's focus text that is no IRI."""
    if not isinstance(term, (URIRef, BNode)):
        return None
    try:
        return to_ox(term)
    except ValueError:
        return None


def load_fast(sources=None, *, documents=None, input_format=None, limits: Limits | None = None,
              progress=None, ahead: ReadAhead | None = None) -> tuple[FastData, Loaded]:
    """Read every source (or take the documents already read) into a FastData store; the Loaded has no rdflib
    graph (origins work on the store). `ahead`: a ReadAhead started on `documents` (pipeline.run)."""
    limits = limits or Limits()
    if documents is None:
        documents = read_inputs(sources, input_format=input_format, limits=limits)
    data = FastData()
    origins = FastOrigins(data)
    for document in documents:
        origins.add_document(document)
    origins.index_lines_in_background(documents, ahead)
    for index, document in enumerate(documents):
        if progress:
            progress("reading", index, len(documents))
        native = data.load_native
        if ahead is not None and index == 0 and ahead.forked:
            native = partial(data.load_native, ahead=ahead.changes)
        try:
            graph = parse_document_oxigraph(document, limits, data.add, native=native)
        except RefusedByOxigraph:
            graph = parse_document(document, limits)
        if graph is not None:
            data.add_rdflib(graph)
            for term, line in (getattr(graph, "ena_locations", None) or {}).items():
                origins.set_location(term, document.name, line)
    # a read-only check: pyoxigraph lets the GIL go while it queries, so it costs no time on a second core while
    # the pipeline prepares the data (the engine's own statements are in other graphs or vocabulary terms)
    data.pending = in_background(check_reserved, data, documents)  # confirm_loaded() waits for it
    loaded = Loaded(graph=None, sources=[d.name for d in documents], origins=origins, documents=documents)
    return data, loaded


# The rdflib path refuses these IRIs in the loader (load.terms); pyoxigraph's parsers do not know them.
_RESERVED_QUERY = ("SELECT ?iri WHERE { ?s ?p ?o . VALUES ?at { 0 1 2 } "
                   "BIND(IF(?at = 0, ?s, IF(?at = 1, ?p, ?o)) AS ?term) FILTER(isIRI(?term)) BIND(STR(?term) AS ?iri) "
                   f'FILTER(STRSTARTS(LCASE(?iri), "{RESERVED_IRI_PREFIX}")) }} LIMIT 1')


def check_reserved(data: FastData, documents) -> None:
    """Input may not use the fast engine's own names: refused as the rdflib path refuses them. IRIs here; literal
    datatypes as they come in (FastData._faithful), before stand-ins of our own join them."""
    iris = data.reserved_datatypes[:1]
    if not iris and any(may_name_reserved(document) for document in documents):
        iris = [row["iri"].value for row in data.store.query(_RESERVED_QUERY)]
    for iri in iris:
        # the file that spells it out; else (written with escapes or a prefix) the first one that can make it
        where = next((d.name for d in documents if iri.encode("utf-8") in d.data),
                     next((d.name for d in documents if may_name_reserved(d)), None))
        raise InputError(f"invalid IRI <{iri}> ({RESERVED_PROBLEM})", where=where)


def confirm_loaded(data: FastData) -> None:
    """Wait for the checks load_fast left running; raise what they found (InputError)."""
    pending, data.pending = data.pending, None
    if pending is not None:
        pending.result()


def data_from_graph(graph: Graph) -> FastData:
    data = FastData()
    data.add_rdflib(graph)
    return data


def run(data: FastData, shapes, progress=None, origins=None):
    """Findings, located in their files when `origins` is given (one lookup per focus node)."""
    return fast.run(data, shapes, progress=(lambda i, n: progress("checking", i, n)) if progress else None,
                    where=origins.locate_stored if origins is not None else None,
                    learn=origins.learn_subjects if origins is not None else None)


__all__ = ["choose", "load_fast", "ReadAhead", "confirm_loaded", "data_from_graph", "run", "Progress", "FastOrigins",
           "Unsupported"]
