"""Canonical forms of RDF on compact data: blank-node hashes, stable blank-node labels, sorted N-Triples.

Used by `export` and `serve` (byte-stable documents) and by `harvest` (byte-identical snapshots, entity hashes).
Everything works on pyoxigraph terms and N-Triples lines, never on a second in-memory graph.

Blank-node hashing is iterative and linear in the number of statements, cycles included: the blank nodes are split
into strongly connected components (an iterative Tarjan), which are hashed sinks first. A node outside any cycle
hashes its own statements with each blank object replaced by that object's hash (so the hash covers everything
reachable, like a tree hash). Inside a cycle each node first hashes its statements with the references inside the
cycle replaced by a placeholder, then refinement rounds (at most REFINEMENT_ROUNDS, fewer once the partition stops
growing) mix in the hashes of the nodes it refers to. No recursion, no path sets, no exponential blow-up; the
hashes never depend on blank-node labels.

Labels are the content hash plus a counter among nodes with the same hash, ordered by who refers to them. Nodes
that neither their content nor their neighbourhood tell apart (only possible inside cycles of blank nodes with
repeating content; telling them apart in general is graph isomorphism) are numbered in input order: the same
input still gives the same bytes, only such a structure written in another order may be numbered differently.
Entity hashes leave the counter out, so they do not depend on it.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re

import pyoxigraph as ox

BlankNode = ox.BlankNode
NTRIPLES = ox.RdfFormat.N_TRIPLES
CYCLE = "[cycle]"
REFINEMENT_ROUNDS = 16
LABEL_DIGITS = 24  # hex digits of the content hash in a label (96 bits)
RDF_TYPE_LINE = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
_TYPE_FIRST = b" <\x01> "  # sorts before every IRI: rdf:type statements first within a subject (never in output)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def term_key(term) -> str:
    """The N-Triples form of an IRI or literal (lexical form, language and datatype included)."""
    return str(term)


class BlankGraph:
    """The statements that touch blank nodes, collected while quads stream past (everything else is not kept)."""

    def __init__(self):
        self.outgoing: dict = {}  # blank node -> [(predicate, object)]
        self.incoming: dict = {}  # blank node -> [(subject, predicate)]

    def add(self, subject, predicate, obj) -> None:
        if subject.__class__ is BlankNode:
            self.outgoing.setdefault(subject, []).append((predicate, obj))
        if obj.__class__ is BlankNode:
            self.incoming.setdefault(obj, []).append((subject, predicate))
            self.outgoing.setdefault(obj, [])

    def __bool__(self) -> bool:
        return bool(self.outgoing)

    def nodes(self):
        return self.outgoing.keys()


def strongly_connected(nodes, successors) -> list[list]:
    """Tarjan's algorithm without recursion; components come out sinks first (reverse topological order)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    components: list[list] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(successors(root)))]
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
                    work.append((child, iter(successors(child))))
                    advanced = True
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            if advanced:
                continue
            work.pop()
            if work and low[node] < low[work[-1][0]]:
                low[work[-1][0]] = low[node]
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def content_hashes(blanks: BlankGraph) -> dict:
    """Blank node -> hash of its description (its statements, and recursively those of the blank nodes it uses)."""
    outgoing = blanks.outgoing
    digest: dict = {}

    def successors(node):
        return [o for _, o in outgoing[node] if o.__class__ is BlankNode]

    for component in strongly_connected(list(outgoing), successors):
        members = set(component)
        cyclic = len(component) > 1 or any(o in members for o in successors(component[0]))

        def form(obj):
            if obj.__class__ is not BlankNode:
                return term_key(obj)
            return CYCLE if obj in members and cyclic else f"[{digest[obj]}]"

        base = {node: _sha("\n".join(sorted(f"{term_key(p)} {form(o)}" for p, o in outgoing[node])))
                for node in component}
        if cyclic:  # colour refinement until the partition stops growing (bounded: linear overall)
            current, classes = base, len(set(base.values()))
            for _ in range(min(len(component), REFINEMENT_ROUNDS)):
                current = {node: _sha(base[node] + "\n" + "\n".join(sorted(
                    f"{term_key(p)} [{current[o]}]" for p, o in outgoing[node] if o in members)))
                    for node in component}
                grown = len(set(current.values()))
                if grown == classes:
                    break
                classes = grown
            # Every member also carries the whole cycle's content, so a change anywhere in it reaches them all.
            whole = _sha("\n".join(sorted(current.values())))
            base = {node: _sha(value + whole) for node, value in current.items()}
        digest.update(base)
    return digest


def blank_labels(blanks: BlankGraph, content: dict | None = None) -> dict:
    """Blank node -> a stable label: its content hash, then a counter among nodes with the same content (ordered by
    who refers to them), so the same data always gets the same labels."""
    content = content if content is not None else content_hashes(blanks)
    keyed = []
    for node, digest in content.items():
        inbound = sorted(f"{f'[{content[s]}]' if s.__class__ is BlankNode else term_key(s)} {term_key(p)}"
                         for s, p in blanks.incoming.get(node, ()))
        keyed.append((digest[:LABEL_DIGITS], _sha("\n".join(inbound)), node))
    keyed.sort(key=lambda item: (item[0], item[1]))
    labels: dict = {}
    counts: dict = {}
    for digest, _, node in keyed:
        counts[digest] = counts.get(digest, 0) + 1
        labels[node] = f"b{digest}" + (f"x{counts[digest]}" if counts[digest] > 1 else "")
    return labels


def relabelled(blanks: BlankGraph, labels: dict):
    """The blank-node statements again, as quads with the stable labels."""
    new = {node: BlankNode(label) for node, label in labels.items()}
    for subject, edges in blanks.outgoing.items():
        for predicate, obj in edges:
            yield ox.Quad(new[subject], predicate, new.get(obj, obj) if obj.__class__ is BlankNode else obj)
    for obj, edges in blanks.incoming.items():
        for subject, predicate in edges:
            if subject.__class__ is not BlankNode:
                yield ox.Quad(subject, predicate, new[obj])


class Collector:
    """Passes quads through (to a serialiser) except those touching blank nodes, which it keeps for relabelling."""

    def __init__(self, keep=None):
        self.blanks = BlankGraph()
        self.keep = keep  # optional callable(quad) seeing every quad (e.g. to build an index)

    def __call__(self, quads):
        blank = BlankNode
        add = self.blanks.add
        keep = self.keep
        for quad in quads:
            if keep is not None:
                keep(quad)
            subject, obj = quad.subject, quad.object
            if subject.__class__ is blank or obj.__class__ is blank:
                add(subject, quad.predicate, obj)
            else:
                yield quad


def sorted_ntriples(parts: list[bytes], *, type_first: bool = False) -> bytes:
    """N-Triples documents joined, duplicate statements dropped, lines sorted (bytewise; rdf:type first per subject
    when `type_first`, so RDF/XML writes typed node elements).

    `parts` is emptied as it is read: each document is let go once its lines are taken, so a caller that hands
    over its only list never holds the documents and their lines at once."""
    lines: list = []
    while parts:
        part = parts.pop()
        if type_first:
            part = part.replace(RDF_TYPE_LINE, _TYPE_FIRST)
        lines.extend(part.split(b"\n"))
        del part
    ordered = sorted_unique(lines)
    del lines
    data = b"\n".join(ordered)
    del ordered
    if type_first:
        data = data.replace(_TYPE_FIRST, RDF_TYPE_LINE)
    return data + b"\n" if data else b""


SORT_CHUNK = 4 << 20  # bytes of N-Triples sorted in memory at a time by sorted_lines_on_disk


def sorted_lines_on_disk(handle, chunk: int = SORT_CHUNK):
    """The lines of an N-Triples file sorted bytewise, without empty lines and duplicates (as sorted_ntriples
    orders them), without holding the file: each `chunk` of it is sorted in memory and written to a temporary file
    of its own, then the runs are merged. Yields the lines without their line ends; the run files are closed (and
    so removed) when the generator ends, however it ends."""
    import contextlib
    import heapq
    import tempfile

    def next_chunk() -> bytes:
        data = handle.read(chunk)
        return data + handle.readline() if data else data  # up to the end of the line it stopped in

    size = handle.seek(0, 2)
    handle.seek(0)
    with contextlib.ExitStack() as runs:
        files = []
        data = next_chunk()
        while data:
            lines = sorted_unique(data.split(b"\n"))
            del data
            if not files and handle.tell() >= size:  # it all fitted in one chunk
                yield from lines
                return
            run = runs.enter_context(tempfile.TemporaryFile(prefix="ena-grunddata-"))
            run.writelines(line + b"\n" for line in lines)
            run.seek(0)
            files.append(run)
            del lines
            data = next_chunk()
        previous = None
        for line in heapq.merge(*((line[:-1] for line in run) for run in files)):
            if line != previous:
                yield line
                previous = line


def sorted_unique(lines: list) -> list:
    """`lines` sorted in place (bytewise), then without empty lines and duplicates.

    Sorting the list as parsed, not a set, lets the sort take the runs a document already has (statements grouped by
    subject): at national scale that is ten times faster. Duplicates are then neighbours, found in one comparison
    per line and dropped only when there are any."""
    lines.sort()
    empty = 0
    while empty < len(lines) and not lines[empty]:
        empty += 1
    if empty:
        del lines[:empty]
    if any(map(operator.eq, lines, itertools.islice(lines, 1, None))):
        return list(dict.fromkeys(lines))  # keeps the sorted order
    return lines


def canonical_ntriples_of(quads, *, keep=None, type_first: bool = False) -> tuple[bytes, BlankGraph, dict]:
    """Canonical N-Triples of a stream of quads (default graph): stable blank-node labels, sorted, no duplicates.

    Returns the bytes, the blank-node statements (original labels) and the labels given.
    """
    collector = Collector(keep)
    parts = [ox.serialize(collector(quads), format=NTRIPLES) or b""]
    labels = blank_labels(collector.blanks) if collector.blanks else {}
    parts.append(ox.serialize(relabelled(collector.blanks, labels), format=NTRIPLES) or b"" if labels else b"")
    return sorted_ntriples(parts, type_first=type_first), collector.blanks, labels


_SUFFIX = re.compile(rb"(_:b[0-9a-f]{%d})x[0-9]+" % LABEL_DIGITS)


def subject_blocks(data: bytes):
    """(subject token, start, end) of each run of lines with the same subject in sorted N-Triples.

    A run ends at the last line that starts with the same subject: found with rfind in a window that doubles
    until the line after it has another subject, so the cost is per subject, not per line.
    """
    start = 0
    size = len(data)
    while start < size:
        space = data.index(b" ", start)
        token = data[start:space]
        marker = b"\n" + data[start:space + 1]
        end = data.index(b"\n", start) + 1
        window = 4096
        while end < size and data.startswith(marker[1:], end):
            found = data.rfind(marker, end - 1, min(size, end + window))
            end = data.index(b"\n", found + 1) + 1 if found >= end - 1 else end
            window *= 2
        yield token, start, end
        start = end


def block_hash(block: bytes) -> str:
    """Hash of one subject's canonical lines; the counters that only tell identical blank nodes apart are left out,
    so an entity's hash depends on its description alone."""
    if b"_:" in block:
        stripped = _SUFFIX.sub(rb"\1", block)
        if stripped != block:
            block = b"".join(sorted(stripped.splitlines(keepends=True)))
    return hashlib.sha256(block).hexdigest()
