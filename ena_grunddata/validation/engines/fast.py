"""The fast engine: our shapes compiled to SPARQL (fast_compile) and run on an in-memory pyoxigraph store
(fast_data), producing the same Findings as the pyshacl engine (same code, severity, focus, path, value, shape and,
where the shape has sh:message, the same messages).

`supports(shapes)` names the features it cannot run; validate then falls back to pyshacl.
"""

from __future__ import annotations

import os
import re
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from types import MappingProxyType

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import SH

from ..profiles import Shapes
from ...report import Finding, Severity
from ...report import term_text as rdflib_term_text
from .fast_compile import COMPONENTS, Compiler, Program, Unsupported, compile_shapes
from .fast_data import FastData, to_rdflib
from .fast_data import term_text as ox_term_text
from .pyshacl_engine import code_for, path_text

NAME = "fast"
_programs: "weakref.WeakKeyDictionary[Graph, tuple]" = weakref.WeakKeyDictionary()
# What each (shape, component) says in a finding, per shapes graph: the same on every run over the built-in shapes
# (a folder is validated file by file, one run each)
_abouts: "weakref.WeakKeyDictionary[Graph, tuple]" = weakref.WeakKeyDictionary()


def compiled(shapes: Shapes) -> Program:
    """The shapes graph compiled once (cached per graph object; raises Unsupported)."""
    cached = _programs.get(shapes.graph)
    if cached is None or cached[0] != len(shapes.graph):
        try:
            cached = (len(shapes.graph), compile_shapes(shapes.graph), None)
        except Unsupported as error:
            cached = (len(shapes.graph), None, str(error))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            # ill-formed shapes (a user's sh:minCount "abc"): pyshacl names the problem properly
            cached = (len(shapes.graph), None, f"shapes it cannot read ({type(error).__name__})")
        _programs[shapes.graph] = cached
    if cached[1] is None:
        raise Unsupported(cached[2])
    return cached[1]


def supports(shapes: Shapes) -> list[str]:
    """The features of `shapes` this engine cannot run (empty: it runs them all)."""
    try:
        compiled(shapes)
    except Unsupported as error:
        return [str(error)]
    return []


def run(data: FastData, shapes: Shapes, progress=None, where=None, learn=None) -> list[Finding]:
    """Findings of `shapes` on `data`; `where(focus)` -> (source, line) names files (a store term; cached per
    focus); `learn({term: bool}, [(blank member, subject pointing to it, bool)])`, when given, is told which members
    of a focus set are subjects of statements in the data's default graph, and which subjects point to the blank
    members (and whether those are subjects), before a big answer on that set is located
    (FastOrigins.learn_subjects)."""
    program = compiled(shapes)
    describer = Describer(shapes, data, where)
    findings: list[Finding] = []
    runnable = [(key, check) for key, check in program.checks if check.query is not None]
    total = len(runnable)
    # pyoxigraph releases the GIL while a query runs: the focus sets are filled on one thread, the checks' queries
    # run in worker threads over the one store as soon as the sets they read are filled (all queued at once, the
    # rows waiting to be read bounded: ROWS_WAITING), and this thread turns each check's rows into findings in order.
    filler = _Filler(data, program.focus_sets)
    backlog = _Backlog(ROWS_WAITING)
    answers = _Answers()
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    learned: set = set()
    try:
        futures = [pool.submit(_rows_in_turn, data, check, filler, key, backlog, index, answers)
                   for index, (key, check) in enumerate(runnable)]
        for index, ((key, check), future) in enumerate(zip(runnable, futures)):
            if progress is not None:
                progress(index, total)
            rows = future.result()
            if isinstance(rows, Exception):
                if filler.error is not None:  # a focus set could not be filled (a user's SPARQL target)
                    raise filler.error
                # a shape this engine compiled but cannot evaluate (user SPARQL): the caller falls back to pyshacl,
                # or, with --engine fast, says so in one line
                reason = (str(rows).strip().splitlines() or [type(rows).__name__])[0][:160]
                raise Unsupported(f"a check failed at run time: {reason}")
            if learn is not None and len(rows) >= LEARN_FROM and key not in learned:
                learned.add(key)
                learn(_subjects_among_members(data, key), _parents_of_blank_members(data, key))
            findings.extend(describer.check_findings(check, rows))
            backlog.consumed(index, len(rows))
    finally:  # also on an error or Ctrl-C: no worker is left waiting for its turn
        backlog.stop()
        pool.shutdown(wait=True, cancel_futures=True)
    return findings


WORKERS = max(1, min(2, os.cpu_count() or 1))  # measured: two threads pay on two cores, more do not (benchmarks/)
# Every check is queued at once, so that the workers go on with the next queries while this thread turns a big
# answer into findings (at 25,000 datasets the two recommended-property batches, 25,000 and 50,000 rows, each kept
# both workers idle for most of a second when only three checks were in flight). What waits is bounded by rows, not
# by checks: a worker starts its next query only while fewer rows than this wait to be read.
ROWS_WAITING = 100_000


class _Backlog:
    """The rows answered but not yet turned into findings, and whose turn it is (the main thread reads in order)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.rows = 0
        self.next = 0  # the check the main thread reads next: it always runs, or nothing could go on
        self.stopped = False
        self.changed = threading.Condition()

    def wait_turn(self, index: int) -> bool:
        """Wait until check `index` may run; False when the run has stopped."""
        with self.changed:
            self.changed.wait_for(lambda: self.stopped or index <= self.next or self.rows < self.limit)
            return not self.stopped

    def answered(self, rows: int) -> None:
        with self.changed:
            self.rows += rows

    def consumed(self, index: int, rows: int) -> None:
        with self.changed:
            self.rows -= rows
            self.next = index + 1
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopped = True
            self.changed.notify_all()


_SET = re.compile(r"<urn:ena:fast:set:(\d+)>")


class _Filler:
    """Fills the focus sets, in order (a set may be filled from the one before), on a thread of its own (pyoxigraph
    lets the GIL go during an update too), so that checks on the first sets run while later ones are filled."""

    def __init__(self, data: FastData, focus_sets):
        self.filled = {focus_set.key: threading.Event() for focus_set in focus_sets}
        self.empty: set = set()  # sets without members: every check on them is silent
        self.sizes: dict = {}  # members per set, once filled
        self._members: dict = {}  # set key -> its members as store terms (read once, for unfocused checks)
        self._reading = threading.Lock()
        self.error: BaseException | None = None
        self._data = data
        threading.Thread(target=self._fill, args=(data, focus_sets), daemon=True).start()

    def _fill(self, data: FastData, focus_sets) -> None:
        try:
            for focus_set in focus_sets:
                for update in focus_set.updates:
                    data.update(update)
                count = next(iter(data.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {_members(focus_set.key)} }}")))
                self.sizes[focus_set.key] = int(count[0].value)
                if not self.sizes[focus_set.key]:
                    self.empty.add(focus_set.key)
                self.filled[focus_set.key].set()
        except BaseException as error:  # raised on the main thread by run()
            self.error = error
        finally:
            for event in self.filled.values():
                event.set()

    def members(self, key: int) -> frozenset:
        """The members of a filled set (read from the store once, by the first worker that asks)."""
        with self._reading:
            members = self._members.get(key)
            if members is None:
                members = self._members[key] = frozenset(
                    row[0] for row in self._data.store.query(f"SELECT ?this WHERE {{ {_members(key)} }}"))
            return members

    def wait(self, query: str, key: int) -> None:
        """Wait until focus set `key` and every other set `query` reads are filled (or filling stopped)."""
        for read in {key, *(int(other) for other in _SET.findall(query))}:
            self.filled[read].wait()


# Locating a finding asks whether its focus is described in the data (a subject there): one store lookup per focus,
# which holds Python's lock (measured at 25,000 datasets: 1.4 s of the main thread's CPU for 90,000 focus nodes).
# Before an answer of at least this many rows is located, one query answers it for every member of the set at once.
LEARN_FROM = 1_000


def _subjects_among_members(data: FastData, key: int) -> dict:
    """Each member of focus set `key` -> whether it is the subject of a statement in the default graph."""
    query = f"SELECT ?this (EXISTS {{ ?this ?_p ?_o }} AS ?_subject) WHERE {{ {_members(key)} }}"
    return {row[0]: row[1].value == "true" for row in data.store.query(query)}


def _parents_of_blank_members(data: FastData, key: int) -> list:
    """(blank member of focus set `key`, a subject of a statement whose object it is, whether that subject is the
    subject of a statement in the default graph), one row per such statement (what FastData.subjects_pointing_to
    reads for one blank node)."""
    query = (f"SELECT ?this ?parent (EXISTS {{ ?parent ?_q ?_o }} AS ?_subject) WHERE {{ {_members(key)} "
             "FILTER(isBlank(?this)) ?parent ?_p ?this }")
    return [(row[0], row[1], row[2].value == "true") for row in data.store.query(query)]


def _members(key: int) -> str:
    return f"GRAPH <urn:ena:fast:meta> {{ <urn:ena:fast:set:{key}> <urn:ena:fast:member> ?this }}"


# A check of one property's values on a focus set of at least this many members reads the property's statements
# without the set and keeps the rows of members (Check.unfocused): the store looks up each member's values one by
# one at about 3 µs each, and reads a property's statements at well under 1 µs each. Measured at 25,000 datasets:
# the value checks on the datasets and distributions took 3.1 s of CPU, 1.4 s read so; on sets of a few thousand
# members the property's statements of other resources outweigh the saving.
UNFOCUSED_FROM = 10_000


def _rows_in_turn(data: FastData, check, filler: _Filler, key: int, backlog: _Backlog, index: int,
                  answers: _Answers):
    """The rows of one check's query once the focus sets it reads are filled and the rows waiting to be read leave
    room (in a worker thread), or the error."""
    if not backlog.wait_turn(index):
        return RuntimeError("stopped")
    filler.wait(check.query, key)
    if filler.error is not None:
        return RuntimeError("a focus set could not be filled")  # run() raises the filler's own error
    if key in filler.empty:
        return Rows((), ())
    if check.unfocused is not None and filler.sizes.get(key, 0) >= UNFOCUSED_FROM:
        rows = answers.rows(data, check.unfocused)
        if not isinstance(rows, Exception):
            members = filler.members(key)
            rows = Rows([row for row in rows if row["this"] in members], rows.variables)
    else:
        rows = _rows(data, check.query)
    if not isinstance(rows, Exception):
        backlog.answered(len(rows))
    return rows


class _Answers:
    """The answers of unfocused queries, each evaluated once in a run: the same property's values are often
    checked alike on two big sets (a title, a date on the datasets and on the distributions), and the unfocused
    query reads the property's statements of every resource either way (measured at 25,000 datasets: 14 of 85
    unfocused queries were repeats, 0.49 s of the workers' CPU). Their rows are only the property's failures, so
    few: a run keeps them until it ends."""

    def __init__(self):
        self._lock = threading.Lock()
        self._answers: dict = {}  # query text -> Future of its rows (or the error it raised)

    def rows(self, data: FastData, query: str):
        with self._lock:
            answer = self._answers.get(query)
            asking = answer is None
            if asking:
                answer = self._answers[query] = Future()
        if asking:
            try:
                rows = _rows(data, query)
            except BaseException as error:  # (not a query's error: those come back as rows) no one waits for ever
                answer.set_exception(error)
                raise
            answer.set_result(rows)
        return answer.result()


def _rows(data: FastData, query: str):
    """Every result row of one query (evaluated here, in a worker thread), or the error it raised."""
    try:
        solutions = data.query(query)
        return Rows(solutions, getattr(solutions, "variables", ()))
    except (SyntaxError, OSError, ValueError, RuntimeError) as error:
        return error


class Rows(list):
    """A query's solutions, read whole, keeping the projected variables (SPARQL-based constraints name them)."""

    def __init__(self, solutions, variables):
        super().__init__(solutions)
        self.variables = variables


def run_graph(graph: Graph, shapes: Shapes) -> list[Finding]:
    """Validate an rdflib graph (converted to the store once)."""
    data = FastData()
    data.add_rdflib(graph)
    return run(data, shapes)


class Describer:
    """Turns result rows into Findings, with everything pyshacl would say about the shape."""

    def __init__(self, shapes: Shapes, data: FastData, where=None):
        self.shapes = shapes
        self.data = data
        self._compiler = None
        cached = _abouts.get(shapes.graph)
        if cached is None or cached[0] != len(shapes.graph):
            cached = _abouts[shapes.graph] = (len(shapes.graph), {})
        self._about: dict = cached[1]
        self._where = where
        self._places: dict = {}

    @property
    def compiler(self) -> Compiler:
        if self._compiler is None:
            self._compiler = Compiler(self.shapes.graph)
        return self._compiler

    def about(self, shape, component: str):
        key = (shape, component)
        if key not in self._about:
            graph = self.shapes.graph
            component_iri = SH[COMPONENTS[component] + "ConstraintComponent"]
            path = graph.value(shape, SH.path)
            messages = messages_of(graph, shape)
            self._about[key] = {
                "code": code_for(self.shapes, shape, component_iri),
                "severity": Severity.parse(self.compiler.severity(shape)),
                "messages": messages,
                "frozen": MappingProxyType(messages or {"": f"{COMPONENTS[component]} constraint not met"}),
                "shape": rdflib_term_text(shape),
                "component": str(component_iri),
                "path": path_text(graph, path) if path is not None else None,
                "generic": f"{COMPONENTS[component]} constraint not met",
            }
        return self._about[key]

    def finding(self, about, focus, value, path=None, messages=None) -> Finding:
        focus_text = ox_term_text(focus)
        source, line = self.place(focus, focus_text)
        return Finding.checked(about["code"], about["severity"], focus_text,
                               path if path is not None else about["path"],
                               ox_term_text(self.data.original(value)) if value is not None else None,
                               MappingProxyType(messages) if messages else about["frozen"], about["shape"],
                               about["component"], source, line)

    def place(self, focus, focus_text):
        if self._where is None:
            return None, None
        if focus_text not in self._places:
            self._places[focus_text] = self._where(focus)
        return self._places[focus_text]

    def check_findings(self, check, rows):
        """The findings of one check's result rows, whatever its kind."""
        if check.kind == "sparql":
            return self.sparql_findings(check, rows)
        if check.kind.startswith("batch:"):
            return self.batch_findings(check, rows)
        if check.kind == "range":
            return self.range_findings(check, rows)
        if check.kind == "compare":
            return self.compare_findings(check, rows)
        return self.findings(check, rows)

    def findings(self, check, rows):
        about = self.about(check.shape, check.component)
        for row in rows:
            focus = row["this"]
            if check.kind == "self":
                yield self.finding(about, focus, focus)
            elif check.kind == "focus":
                yield self.finding(about, focus, None)
            elif check.kind == "closed":
                yield self.finding(about, focus, row["value"], path=row["path"].value)
            else:
                yield self.finding(about, focus, row["value"])

    def batch_findings(self, check, rows):
        kind = check.kind[len("batch:"):]
        abouts = [self.about(part.shape, part.component) for part in check.parts]
        checked = Finding.checked
        for row in rows:
            focus = row["this"]
            value = focus if kind == "self" else (None if kind == "focus" else row["value"])
            # what the parts' findings share is worked out once per row (a row often fails several parts)
            focus_text = ox_term_text(focus)
            source, line = self.place(focus, focus_text)
            value_text = ox_term_text(self.data.original(value)) if value is not None else None
            for index in row["_flags"].value.split(",")[:-1]:  # "0,3,": the parts this row fails
                about = abouts[int(index)]
                yield checked(about["code"], about["severity"], focus_text, about["path"], value_text,
                              about["frozen"], about["shape"], about["component"], source, line)

    def range_findings(self, check, rows):
        about = self.about(check.shape, check.component)
        for row in rows:
            focus = row["this"]
            value = row["value"] if "value" in check.query.split("WHERE")[0] else focus
            if not in_range(to_rdflib(self.data.original(value)), check.argument, check.component):
                yield self.finding(about, focus, value)

    def compare_findings(self, check, rows):
        about = self.about(check.shape, check.component)
        strict = check.component == "lessThan"
        for row in rows:
            value, other = row["value"], row["other"]
            if value.__class__ is ox.BlankNode or other.__class__ is ox.BlankNode:
                raise Unsupported("sh:lessThan on blank nodes")
            if not in_order(to_rdflib(self.data.original(value)), to_rdflib(self.data.original(other)), strict):
                yield self.finding(about, row["this"], value)

    def sparql_findings(self, check, rows):
        """pyshacl's rules for SELECT-based constraints: $this/?path/?value/?failure, de-duplicated per focus."""
        info = check.sparql
        about = self.about(check.shape, "sparql")
        is_property = about["path"] is not None
        extra = [str(m) for m in sorted(info.messages, key=str)]
        seen = set()
        this_projected = "*" in info.projected or "this" in info.projected
        for row in rows:
            focus = row["this"]
            bound = {str(var)[1:]: row[var] for var in rows.variables if row[var] is not None}
            bound.pop("this", None)
            if "failure" in bound:
                key = (focus, "failure")
                t = p = v = None
            else:
                p, v = bound.pop("path", None), bound.pop("value", None)
                t = focus if this_projected else None
                if t is None and p is None and v is None:
                    continue
                key = (focus, t, p, v, tuple(sorted(bound.items(), key=lambda item: item[0])))
            if key in seen:
                continue
            seen.add(key)
            value = v if v is not None else (None if is_property else focus)
            names = {"this": t, "path": p, "value": v, **bound}
            # As pyshacl does: the shape's sh:message as written; the constraint's own sh:message with {?var}
            # filled in (and, like pyshacl, without its language tag).
            messages = dict(about["messages"] or {})
            for text in extra:
                messages.setdefault("", self.substitute(text, names))
            path = p.value if p is not None and p.__class__ is ox.NamedNode else (
                ox_term_text(p) if p is not None else None)
            yield self.finding(about, t or focus, value, path=path, messages=messages or None)

    def substitute(self, text: str, names: dict) -> str:
        for name, term in names.items():
            if term is not None:
                text = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _: plain(self.data.original(term)), text)
        return text


def plain(term) -> str:
    """str() of the rdflib term (what pyshacl puts into messages)."""
    return term.value


def messages_of(graph: Graph, shape) -> dict:
    return messages_from(graph.objects(shape, SH.message))


def messages_from(literals) -> dict:
    messages = {}
    for message in sorted(literals, key=str):
        lang = message.language if isinstance(message, Literal) and message.language else ""
        messages.setdefault(lang, str(message))
    return messages


def in_range(value, bound, component: str) -> bool:
    """pyshacl's sh:min/maxInclusive/Exclusive test, with its own literal comparison."""
    from pyshacl.rdfutil.compare import compare_literal
    from rdflib import Literal as RdflibLiteral

    if not isinstance(value, RdflibLiteral):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        order = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return {"minInclusive": order >= 0, "minExclusive": order > 0, "maxInclusive": order <= 0,
            "maxExclusive": order < 0}[component]


def in_order(value, other, strict: bool) -> bool:
    """pyshacl's sh:lessThan comparison: strings with strings, typed values with typed values."""
    from rdflib import URIRef

    def comparable(term):
        if isinstance(term, URIRef):
            return str(term), True
        if isinstance(term, Literal) and isinstance(term.value, str):
            return term.value, True
        return term, False

    left, left_is_string = comparable(value)
    right, right_is_string = comparable(other)
    if left_is_string != right_is_string:
        return False
    try:
        return bool(left < right) if strict else bool(left <= right)
    except TypeError:
        return False
