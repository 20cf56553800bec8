"""Byte-stable RDF output: the same graph gives the same bytes on every run and machine.

rdflib writes statements in the order of its in-memory indexes (Python hash order, which changes from process to
process) and labels blank nodes at random. Here blank nodes get labels computed from the graph's structure
(rdflib.compare's canonical labelling), statements are added to a fresh graph in sorted order, and the project's
prefixes (namespaces.PREFIXES, the usual names) are bound, so committed output gives clean diffs.
"""

from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from ..namespaces import bind_prefixes


def _order(term) -> tuple:
    return (type(term).__name__, term.n3() if not isinstance(term, BNode) else f"_:{term}")


class OrderedGraph(Graph):
    """A graph that lists all its statements in sorted order (rdflib's memory store lists them in set order, and
    its serializers walk that list); lookups by subject keep insertion order, which is sorted too."""

    def __init__(self, triples):
        super().__init__(bind_namespaces="core")
        self._sorted = sorted(triples, key=lambda t: tuple(_order(term) for term in t))
        for triple in self._sorted:
            self.add(triple)

    def triples(self, triple):
        if triple == (None, None, None) and len(self._sorted) == len(self):
            yield from self._sorted
            return
        yield from super().triples(triple)


def stable_graph(graph: Graph) -> Graph:
    """A copy with canonical blank-node labels, statements in sorted order and our prefixes bound."""
    canonical = to_canonical_graph(graph) if any(isinstance(t, BNode) for triple in graph for t in triple) else graph
    return bind_prefixes(OrderedGraph(canonical))


def serialize_stable(graph: Graph, fmt: str) -> str:
    """`fmt` is an rdflib serializer name (pretty-xml, turtle, json-ld, nt …)."""
    ordered = stable_graph(graph)
    if fmt in ("nt", "ntriples", "nt11"):
        return "".join(sorted(ordered.serialize(format="nt").splitlines(keepends=True)))
    text = ordered.serialize(format=fmt)
    if fmt in ("pretty-xml", "xml"):
        text = sorted_xmlns(text)
    elif fmt == "json-ld":
        text = sorted_jsonld(text)
    return text


def sorted_jsonld(text: str) -> str:
    """rdflib lists JSON-LD nodes in set order: sort them by @id (keys sorted too)."""
    import json

    data = json.loads(text)
    if isinstance(data, list):
        data.sort(key=lambda node: str(node.get("@id", "")) if isinstance(node, dict) else "")
    elif isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data["@graph"].sort(key=lambda node: str(node.get("@id", "")) if isinstance(node, dict) else "")
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def sorted_xmlns(text: str) -> str:
    """rdflib writes the root element's namespace declarations in set order: sort them (one per line)."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.lstrip().startswith("xmlns:")), None)
    if first is None:
        return text
    last = first
    while last + 1 < len(lines) and lines[last + 1].lstrip().startswith("xmlns:") and \
            not lines[last].rstrip().endswith(">"):
        last += 1
    block = lines[first:last + 1]
    closing = ""
    if block[-1].rstrip().endswith(">"):  # the last declaration closes the tag: keep the closing on the last line
        stripped = block[-1].rstrip()
        closing = stripped[len(stripped.rstrip(">").rstrip("/")):]
        block[-1] = stripped[:len(stripped) - len(closing)]
    block.sort()
    block[-1] += closing
    return "\n".join(lines[:first] + block + lines[last + 1:])
