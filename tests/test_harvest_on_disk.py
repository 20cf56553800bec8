"""Harvest keeps its statements on disk (issue 16, family 5): the snapshot sorted on disk, the blank-node index
read back at the end and a JSON-LD @graph parsed in slices must give the bytes the in-memory forms gave."""

from __future__ import annotations

import importlib
import io
import json

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from ena_grunddata.canonical import canonical_ntriples_of, sorted_lines_on_disk, sorted_ntriples
from ena_grunddata.harvest.changes import Statements
from ena_grunddata.harvest.run import add_document
from ena_grunddata.load import Document, Limits

parse_oxigraph = importlib.import_module("ena_grunddata.load.parse_oxigraph")

LINES = st.lists(st.sampled_from([b"<a> <p> <o> .", b"<a> <p> \"x y\" .", b"<b> <p> <o> .", b"",
                                  b"<a> <q> \"\\u00e5\" .", b"_:x <p> <o> .", b"<ab> <p> <o> ."]), max_size=60)


@settings(max_examples=200, deadline=None)
@given(LINES, st.integers(1, 64))
def test_sorting_on_disk_gives_the_lines_sorted_in_memory(lines, chunk):
    data = b"\n".join(lines) + (b"\n" if lines else b"")
    on_disk = b"".join(line + b"\n" for line in sorted_lines_on_disk(io.BytesIO(data), chunk))
    assert on_disk == sorted_ntriples([data])


DCAT, DCT, FOAF = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/"


def page() -> bytes:
    """Blank-node labels shared by nodes far apart (and a cycle of them), unnamed nested nodes and lists."""
    nodes = [{"@id": f"https://e.se/d/{n}", "@type": "dcat:Dataset", "dct:publisher": {"@id": f"_:p{n % 3}"},
              "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": f"2020-01-0{n % 9 + 1}"},
              "dcat:keyword": {"@list": ["a", n]}} for n in range(12)]
    nodes += [{"@id": f"_:p{n}", "@type": "foaf:Agent", "foaf:name": "Myndighet", "foaf:knows": {"@id": f"_:p{(n + 1) % 3}"}}
              for n in range(3)]
    return json.dumps({"@context": {"dcat": DCAT, "dct": DCT, "foaf": FOAF}, "@graph": nodes}).encode()


def snapshot_of(statements: Statements) -> bytes:
    harvested = statements.finish()
    try:
        return harvested.snapshot
    finally:
        harvested.close()


def test_a_jsonld_graph_in_slices_gives_the_snapshot_of_one_parse(monkeypatch):
    data = page()
    whole = canonical_ntriples_of(ox.parse(data, format=ox.RdfFormat.JSON_LD, rename_blank_nodes=True))[0]
    monkeypatch.setattr(parse_oxigraph, "SLICE_NODES", 1)
    for pages in (1, 2):  # two documents with the same labels: their blank nodes stay apart
        statements = Statements()
        for _ in range(pages):
            add_document(statements, Document(name="p.jsonld", data=data, format="jsonld", base="https://e.se/"),
                         Limits())
        sliced = snapshot_of(statements)
        if pages == 1:
            assert sliced == whole
        else:  # the named statements once, the blank ones twice (one set per document)
            blank_lines = [line for line in whole.splitlines() if b"_:" in line]
            assert sliced.count(b"\n") == whole.count(b"\n") + len(blank_lines)


def test_only_an_object_of_context_and_graph_is_sliced():
    from ena_grunddata.load.safety import jsonld_streams

    def sliced(value) -> bool:
        shape: dict = {}
        document = Document(name="p.jsonld", data=json.dumps(value).encode(), format="jsonld", base="https://e.se/")
        return jsonld_streams(document, 100, shape) and parse_oxigraph.graph_in_slices(shape)

    node = {"@id": "https://e.se/d", f"{DCT}title": "T"}
    assert sliced({"@context": {}, "@graph": [node]})
    assert sliced({"@graph": [node]})
    assert not sliced([node])  # streams already
    assert not sliced({"@graph": node})  # one node, not an array
    assert not sliced(node)
