"""The read-back promise of export and serve (publish.documents.write_checked): every written file is parsed back by
pyoxigraph and must give exactly the canonical statements, lexical forms included; a write that loses or changes a
statement is refused, never published. JSON-LD is read back from the compacted bytes themselves, a slice of nodes at
a time."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ena_grunddata.errors import InputError
from ena_grunddata.publish import documents
from ena_grunddata.publish.documents import NTRIPLES, jsonld_statements, load_catalog, write, write_checked

# Blank nodes referred to from several subjects (so from several slices), lexical forms a writer could "fix", and
# string values that look like the JSON between two nodes.
CATALOG = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://data.example.se/catalog> a dcat:Catalog ; dcat:dataset <https://data.example.se/d1>,
    <https://data.example.se/d2>, <https://data.example.se/d3> .
<https://data.example.se/d1> a dcat:Dataset ; dcterms:title "Ett ]},{\\"@id\\":\\"x\\" två"@sv ;
    dcat:contactPoint _:kontakt ; dcat:byteSize "01"^^xsd:integer ; dcat:spatialResolutionInMeters "1.5E0"^^xsd:double .
<https://data.example.se/d2> a dcat:Dataset ; dcterms:title "]},{\\"@id\\":"@en , "Två\\\\"@sv ;
    dcat:contactPoint _:kontakt ; dcterms:issued "2020-01-01"^^xsd:date .
<https://data.example.se/d3> a dcat:Dataset ; dcterms:title "Tre" ; dcat:contactPoint [ vcard:fn "Annan" ] ;
    dcterms:spatial [ a dcterms:Location ; dcat:bbox "1 2"^^xsd:string ] ; dcterms:accessRights "1"^^xsd:boolean .
_:kontakt a vcard:Organization ; vcard:fn "Kundtjänst" ; vcard:hasEmail <mailto:info@example.se> .
"""


@pytest.fixture
def catalog(tmp_path):
    source = tmp_path / "catalog.ttl"
    source.write_text(CATALOG, encoding="utf-8")
    return load_catalog([str(source)])


def statements(quads) -> list[bytes]:
    return sorted((ox.serialize(quads, format=NTRIPLES) or b"").splitlines())


def test_the_canonical_statements_are_what_the_catalog_says(catalog):
    assert catalog.triples == 25  # counted by hand in CATALOG: 4 + 5 + 5 + 8 (d3 and its two blank nodes) + 3
    assert b'"01"^^<http://www.w3.org/2001/XMLSchema#integer>' in catalog.ntriples


@pytest.mark.parametrize("chunk", [1, 200, documents.JSONLD_CHUNK])
def test_jsonld_read_back_in_slices_gives_every_statement(catalog, chunk):
    data = write(catalog.ntriples, "jsonld", prefixes=catalog.prefixes)
    assert data.startswith(b'{"@context":{') and b'"dcat:contactPoint"' in data  # compacted with the prefixes
    assert statements(jsonld_statements(data, chunk=chunk)) == sorted(catalog.ntriples.splitlines())


def test_jsonld_slices_are_single_nodes_when_asked(catalog):
    data = write(catalog.ntriples, "jsonld", prefixes=catalog.prefixes)
    parsed: list = []
    original = ox.parse

    def counting(data, **options):
        parsed.append(data)
        return original(data, **options)

    documents.ox.parse = counting
    try:
        list(jsonld_statements(data, chunk=1))
    finally:
        documents.ox.parse = original
    # one slice per subject: the catalog, three datasets, the contact, two more blank nodes
    assert len(parsed) == len({line.split(b" ", 1)[0] for line in catalog.ntriples.splitlines()}) == 7


@pytest.mark.parametrize("text", [b"[]", b'{"@context":{},"@graph":[{"@id":"https://e.se/a"', b"not json"])
def test_jsonld_slices_refuse_another_layout(text):
    with pytest.raises((ValueError, SyntaxError)):
        list(jsonld_statements(text))


@pytest.mark.parametrize("fmt, change", [
    ("rdfxml", (b">01<", b">1<")),  # a lexical form rewritten
    ("turtle", (b'"01"', b'"1"')),
    ("rdfxml", (b"Kundtj\xc3\xa4nst", b"Kundtjanst")),  # a character lost
    ("turtle", (b"Kundtj\xc3\xa4nst", b"Kundtjanst")),
])
def test_a_changed_write_is_refused(catalog, monkeypatch, fmt, change):
    honest = documents.write

    def corrupted(*args, **options):
        data = honest(*args, **options)
        assert change[0] in data, "the test must really change the document"
        return data.replace(change[0], change[1], 1)

    monkeypatch.setattr(documents, "write", corrupted)
    with pytest.raises(InputError, match="does not read back as the same statements"):
        write_checked(catalog.ntriples, fmt, prefixes=catalog.prefixes)


@pytest.mark.parametrize("fmt", ["rdfxml", "turtle"])
def test_a_write_that_loses_a_statement_is_refused(catalog, monkeypatch, fmt):
    def losing(ntriples, fmt, **options):
        lines = ntriples.splitlines(keepends=True)
        return documents.ox.serialize(documents.ox.parse(b"".join(lines[:-1]), format=NTRIPLES),
                                      format=documents.OX_FORMATS[fmt], prefixes=options.get("prefixes"))

    monkeypatch.setattr(documents, "write", losing)
    with pytest.raises(InputError, match="does not read back as the same statements"):
        write_checked(catalog.ntriples, fmt, prefixes=catalog.prefixes)


def test_a_changed_jsonld_compaction_is_not_published(catalog, monkeypatch):
    honest = documents._jsonld

    def corrupted(expanded, prefixes):
        return honest(expanded, prefixes).replace(b'"01"', b'"1"', 1)

    monkeypatch.setattr(documents, "_jsonld", corrupted)
    data = write_checked(catalog.ntriples, "jsonld", prefixes=catalog.prefixes)
    assert data.startswith(b"[") and b'"@value":"01"' in data  # the expanded form, as pyoxigraph wrote it
    assert statements(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == sorted(catalog.ntriples.splitlines())


def test_a_shortened_iri_that_would_read_as_a_scheme_is_not_published(tmp_path):
    # dcterms: + "//x" would be read as the absolute IRI dcterms://x, not as the namespace + "//x"
    source = tmp_path / "c.ttl"
    source.write_text("<https://e.se/a> <http://purl.org/dc/terms///x> <http://purl.org/dc/terms/y> .\n",
                      encoding="utf-8")
    catalog = load_catalog([str(source)])
    data = write_checked(catalog.ntriples, "jsonld", prefixes=catalog.prefixes)
    assert data.startswith(b"[") and b'"http://purl.org/dc/terms///x"' in data


@pytest.mark.parametrize("lines, expected", [
    ([b"b", b"", b"a", b"b", b""], [b"a", b"b"]),
    ([b"c", b"a", b"b"], [b"a", b"b", b"c"]),
    ([b"", b""], []),
    ([b"x", b"x", b"x"], [b"x"]),
    ([], []),
])
def test_sorted_unique_sorts_and_drops_empty_lines_and_duplicates(lines, expected):
    from ena_grunddata.canonical import sorted_unique

    assert sorted_unique(list(lines)) == expected


@pytest.mark.parametrize("text", [
    b'<https://relative.invalid/x> <https://e.se/p> "a" .\n',
    b'<https://e.se/s> <https://e.se/p> <FiLe:///etc/passwd> .\n',
    b'<https://e.se/s> <https://e.se/p> <file:/x> .\n<https://e.se/s> <https://e.se/p> <ftp://e.se/x> .\n',
    b'<https://e.se/s> <https://e.se/p> "bell \\u0007 and \\u001F" .\n',
    b'<https://e.se/s> <https://e.se/p> "\\b\\f and \\\\b" .\n',
    b'<https://e.se/s> <https://e.se/p> "\\uFFFE \\ufffF \\uFFFD" .\n',
    b'<https://e.se/s> <https://e.se/p> "nothing odd: \\u00e5 <f> <F>" .\n',
])
def test_suspect_lines_are_found_by_byte_search_where_the_pattern_matches(text):
    from ena_grunddata.publish.documents import _SUSPECT, _suspect_positions

    found = set(_suspect_positions(text))
    every = {at for at in range(len(text)) if _SUSPECT.match(text, at)}
    assert found == every and {m.start() for m in _SUSPECT.finditer(text)} <= found


def test_all_formats_from_one_stream_are_the_files_written_one_by_one(catalog):
    from ena_grunddata.publish.documents import write_checked_all

    together = write_checked_all(catalog.ntriples, ("rdfxml", "turtle", "jsonld"), prefixes=catalog.prefixes)
    for fmt in ("rdfxml", "turtle", "jsonld"):
        assert together[fmt] == write_checked(catalog.ntriples, fmt, prefixes=catalog.prefixes), fmt


def test_a_changed_write_among_several_is_refused(catalog, monkeypatch):
    from ena_grunddata.publish.documents import write_checked_all

    honest = documents.write

    def corrupted(ntriples, fmt, **options):
        data = honest(ntriples, fmt, **options)
        return data.replace(b"Kundtj\xc3\xa4nst", b"Kundtjanst") if fmt == "turtle" else data

    monkeypatch.setattr(documents, "write", corrupted)
    with pytest.raises(InputError, match="turtle serialisation does not read back"):
        write_checked_all(catalog.ntriples, ("rdfxml", "turtle", "jsonld"), prefixes=catalog.prefixes)


def test_fan_out_gives_every_consumer_the_whole_stream_in_order():
    from ena_grunddata.publish.documents import fan_out

    results = fan_out(iter(range(10_000)), [list, sum, lambda items: next(iter(items))], batch=7)
    assert results == [list(range(10_000)), 49_995_000, 0]  # the third stops after one item; the others go on


def test_fan_out_raises_a_consumers_error_after_the_others_finish():
    from ena_grunddata.publish.documents import fan_out

    seen = []

    def failing(items):
        for item in items:
            if item == 500:
                raise ValueError("consumer broke")

    with pytest.raises(ValueError, match="consumer broke"):
        fan_out(range(2_000), [failing, seen.extend], batch=10, backlog=1)
    assert seen == list(range(2_000))


def test_fan_out_stops_the_consumers_when_the_stream_fails():
    from ena_grunddata.publish.documents import fan_out

    def stream():
        yield from range(100)
        raise SyntaxError("bad input")

    with pytest.raises(SyntaxError, match="bad input"):
        fan_out(stream(), [list, list], batch=10)


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector_as_it_was_even_on_error(enabled):
    import gc

    from ena_grunddata.publish.documents import gc_paused

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError):
            with gc_paused():
                assert not gc.isenabled()
                raise RuntimeError("in the middle")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_page_index_keeps_what_the_page_reads(catalog):
    from rdflib import Literal, URIRef

    from ena_grunddata.namespaces import DCAT, DCTERMS, VCARD
    from rdflib.namespace import RDF

    index = catalog.index()
    d1, d3 = URIRef("https://data.example.se/d1"), URIRef("https://data.example.se/d3")
    assert sorted(index.subjects(RDF.type, DCAT.Dataset)) == [d1, URIRef("https://data.example.se/d2"), d3]
    assert list(index.subjects(RDF.type, URIRef("http://purl.org/dc/terms/Location"))) == []  # not a page type
    assert list(index.objects(d1, DCTERMS.title)) == [Literal('Ett ]},{"@id":"x" två', lang="sv")]
    assert list(index.objects(d3, DCTERMS.accessRights)) == [Literal("1", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#boolean"))]
    assert list(index.objects(d1, DCAT.contactPoint)) == []  # not read by the page: only its blank-node edge
    [contact] = index.blank_edges[d1]
    assert str(contact).startswith("b") and list(index.objects(contact, VCARD.fn)) == [Literal("Kundtjänst")]
    assert len(index.blank_edges[d3]) == 2 and len(index) == 25


def test_statements_read_back_in_another_order_are_the_same(catalog):
    from ena_grunddata.publish.documents import reads_back

    lines = catalog.ntriples.splitlines(keepends=True)
    shuffled = b"".join(lines[1::2] + lines[0::2])
    assert shuffled != catalog.ntriples
    assert reads_back(catalog.ntriples, lambda: ox.parse(shuffled, format=NTRIPLES))
    assert not reads_back(catalog.ntriples, lambda: ox.parse(b"".join(lines[1:]), format=NTRIPLES))  # one lost
    doubled = b"".join(lines + lines[:1])
    assert not reads_back(catalog.ntriples, lambda: ox.parse(doubled, format=NTRIPLES))  # one twice


def test_a_written_file_that_does_not_parse_is_refused(catalog, monkeypatch):
    monkeypatch.setattr(documents, "write", lambda ntriples, fmt, **options: b"<rdf:RDF <broken")
    with pytest.raises(InputError, match="rdfxml serialisation does not parse back"):
        write_checked(catalog.ntriples, "rdfxml", prefixes=catalog.prefixes)


def test_the_index_filled_while_writing_is_the_index_of_the_subset_set_aside(tmp_path, catalog):
    from ena_grunddata.publish.documents import CatalogIndex, write_checked_all

    without_subset = load_catalog([str(tmp_path / "catalog.ttl")], page_subset=False)
    assert without_subset.index_ntriples is None and without_subset.ntriples == catalog.ntriples
    filled = CatalogIndex(catalog.triples)
    write_checked_all(catalog.ntriples, ("rdfxml", "turtle", "jsonld"), prefixes=catalog.prefixes, index=filled)
    for index in (filled, without_subset.index()):
        expected = catalog.index()
        assert (index.by_subject, index.by_object, index.blank_edges, len(index)) == (
            expected.by_subject, expected.by_object, expected.blank_edges, len(expected))
