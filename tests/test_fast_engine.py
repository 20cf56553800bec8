"""The fast engine inside `validate`: engine choice, fallback note, loading, origins, progress, literal fidelity."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph

from ena_grunddata import validate
from ena_grunddata.validation.engines import fast_validate
from ena_grunddata.validation.engines.fast_data import FastData
from ena_grunddata.errors import InputError, UsageError
from ena_grunddata.load import Document, Limits, parse_document_oxigraph
from ena_grunddata.validation.pipeline import validate_graph

EXPRESSION_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:expression [ ex:f 1 ] ."""
CATALOG = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/catalog> a dcat:Catalog ; dcterms:title "Katalog"@sv .
"""


@pytest.fixture
def catalog_file(tmp_path):
    path = tmp_path / "catalog.ttl"
    path.write_text(CATALOG, encoding="utf-8")
    return path


def keys(report):
    return sorted(f.key() for f in report.findings)


def test_auto_and_pyshacl_agree_with_file_and_line(catalog_file):
    ours = validate([str(catalog_file)])
    reference = validate([str(catalog_file)], engine="pyshacl")
    assert keys(ours) == keys(reference) and ours.findings
    assert [(f.source, f.line) for f in ours.findings] == [(f.source, f.line) for f in reference.findings]
    assert {f.line for f in ours.findings} == {2}


def test_user_shapes_the_fast_engine_cannot_run_fall_back_to_pyshacl_with_a_note(catalog_file, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(EXPRESSION_SHAPES, encoding="utf-8")
    report = validate([str(catalog_file)], shapes=[str(shapes)])
    assert report.notes == ["pyshacl used for user shapes with sh:expression"]
    with pytest.raises(UsageError, match="fast engine cannot run"):
        validate([str(catalog_file)], shapes=[str(shapes)], engine="fast")


def test_the_note_is_printed_once_on_stderr(run_cli, catalog_file, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(EXPRESSION_SHAPES, encoding="utf-8")
    result = run_cli("validate", "--shapes", str(shapes), str(catalog_file))
    assert result.stderr.count("note: pyshacl used for user shapes with sh:expression") == 1


def test_engine_option_accepts_fast_and_refuses_unknown(run_cli, catalog_file):
    assert run_cli("validate", "--engine", "fast", "-f", "json", str(catalog_file)).exit_code == 1
    assert run_cli("validate", "--engine", "nope", str(catalog_file)).exit_code == 2


def test_validate_graph_uses_the_fast_engine_on_rdflib_graphs():
    graph = Graph().parse(data=CATALOG, format="turtle")
    assert keys(validate_graph(graph)) == keys(validate_graph(graph, engine="pyshacl"))


def test_domain_marking_works_on_the_fast_path(tmp_path):
    path = tmp_path / "dataset.ttl"
    path.write_text("""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/ds> a dcat:Dataset ; dcterms:title "Data"@sv .""", encoding="utf-8")
    ours = validate([str(path)], domain="person")
    assert keys(ours) == keys(validate([str(path)], domain="person", engine="pyshacl"))
    assert any(f.code.startswith("GD-") for f in ours.findings) and ours.guidance


def test_findings_name_the_right_file_among_several(tmp_path, catalog_file):
    other = tmp_path / "other.ttl"
    other.write_text(CATALOG.replace("catalog>", "catalog2>"), encoding="utf-8")
    report = validate([str(catalog_file), str(other)])
    sources = {f.focus: f.source for f in report.findings}
    assert sources["https://example.org/catalog"] == str(catalog_file)
    assert sources["https://example.org/catalog2"] == str(other)


def test_syntax_errors_name_file_and_line_as_before(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(InputError) as fast_error:
        validate([str(path)])
    with pytest.raises(InputError) as reference_error:
        validate([str(path)], engine="pyshacl")
    assert str(fast_error.value) == str(reference_error.value) and ":3" in str(fast_error.value)


def test_entity_declarations_are_refused_before_pyoxigraph_parses():
    data = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><rdf:RDF ' \
           b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    document = Document(name="e.rdf", data=data, format="rdfxml", base="https://relative.invalid/e.rdf")
    with pytest.raises(InputError, match="entity declarations"):
        parse_document_oxigraph(document, Limits(), lambda quads: list(quads))


@pytest.mark.parametrize("native", [False, True], ids=["quad by quad", "loaded whole"])
def test_literals_keep_their_datatype_and_lexical_form(native):
    data = FastData()
    document = Document(name="l.ttl", format="turtle", base="https://relative.invalid/l.ttl", data=b"""
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://e.org/s> <https://e.org/p> "12"^^xsd:nonNegativeInteger, "0012"^^xsd:integer,
            "2024-01-01T10:00:00.000+00:00"^^xsd:dateTime, "12 MB"^^xsd:nonNegativeInteger, "7"^^xsd:integer .""")
    parse_document_oxigraph(document, Limits(), data.add, native=data.load_native if native else None)
    values = sorted((data.original(row["o"]).value, data.original(row["o"]).datatype.value[33:])
                    for row in data.query("SELECT ?o WHERE { ?s ?p ?o }"))
    assert values == [("0012", "integer"), ("12", "nonNegativeInteger"), ("12 MB", "nonNegativeInteger"),
                      ("2024-01-01T10:00:00.000+00:00", "dateTime"), ("7", "integer")]
    ill_typed = [row["o"].value for row in data.query(
        "SELECT ?o WHERE { GRAPH <urn:ena:fast:meta> { <urn:ena:fast:ill-typed> ?m ?o } }")]
    assert ill_typed == ["12 MB"]


def _statements(data: FastData) -> set:
    """The data's statements as written (stand-ins undone), blank nodes by what they say (labels differ per load)."""
    rows = data.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    return {tuple("_:" if term.__class__.__name__ == "BlankNode" else str(data.original(term))
                  for term in (row["s"], row["p"], row["o"])) for row in rows}


LOAD_CASES = [
    # literals the store rewrites, on resources with IRIs: changed in the store after the whole load
    (b'<https://e.org/s> <https://e.org/p> "1000"^^xsd:nonNegativeInteger, "1.50"^^xsd:decimal, '
     b'"2024-01-01T10:00:00+00:00"^^xsd:dateTime, "1"^^xsd:boolean .', True),
    # "1"^^xsd:boolean is stored as "true": written too, so quad by quad
    (b'<https://e.org/s> <https://e.org/p> "true"^^xsd:boolean, "1"^^xsd:boolean .', False),
    # the same on a blank node: the loader names blank nodes its own way, so quad by quad
    (b'<https://e.org/s> <https://e.org/p> [ <https://e.org/q> "1000"^^xsd:nonNegativeInteger ] .', False),
    # the store's form of a rewritten literal is written as well: both must stay, so quad by quad
    (b'<https://e.org/s> <https://e.org/p> "012"^^xsd:integer, 12 .', False),
    (b'<https://e.org/s> <https://e.org/p> 12, "012"^^xsd:integer .', False),
    # nothing to change: loaded whole; ill-typed values are marked either way
    (b'<https://e.org/s> <https://e.org/p> "12 MB"^^xsd:nonNegativeInteger, 12, "x"@sv ; '
     b'<https://e.org/q> [ <https://e.org/r> "2024-01-01"^^xsd:date ] .', True),
    # rewritten, ill-typed and with odd characters at once (what goes through N-Quads must come back the same)
    (b'<https://e.org/s\u00e5> <https://e.org/p> "0012"^^xsd:integer, "1.50"^^xsd:decimal, "x\\"y\\nz"^^xsd:integer, '
     b'"\xc3\xa5\xc3\xa4\xc3\xb6 \xf0\x9f\x98\x80"^^xsd:nonNegativeInteger, "+007"^^xsd:nonNegativeInteger .', True),
    # input naming the engine's reserved datatypes: noted (and refused by the caller)
    (b'<https://e.org/s> <https://e.org/p> "1"^^<urn:ena:fast:datatype:x>, "01"^^xsd:integer .', True),
]


@pytest.mark.parametrize("turtle,loaded_whole", LOAD_CASES)
def test_a_document_loaded_whole_holds_what_it_holds_quad_by_quad(turtle, loaded_whole):
    document = Document(name="l.ttl", format="turtle", base="https://relative.invalid/l.ttl",
                        data=b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + turtle)
    whole, by_quad = FastData(), FastData()
    assert whole.load_native(document.data, *_oxigraph_turtle(document)) is loaded_whole
    if not loaded_whole:  # nothing stays of the attempt: the caller adds the quads one by one
        assert not list(whole.store)
        parse_document_oxigraph(document, Limits(), whole.add)
    parse_document_oxigraph(document, Limits(), by_quad.add)
    assert _statements(whole) == _statements(by_quad)
    ill_typed = "SELECT ?o WHERE { GRAPH <urn:ena:fast:meta> { <urn:ena:fast:ill-typed> ?m ?o } }"
    assert {r["o"].value for r in whole.query(ill_typed)} == {r["o"].value for r in by_quad.query(ill_typed)}


@pytest.mark.parametrize("turtle,loaded_whole", LOAD_CASES)
def test_changes_read_by_another_process_make_the_same_store(turtle, loaded_whole):
    """fast_validate.ReadAhead: a forked child reads what the store would rewrite and hands it over as bytes
    (Changes.to_bytes); the store, the originals behind the stand-ins, the ill-typed markers and the reserved
    datatypes are the same as when the changes are read here."""
    from ena_grunddata.validation.engines.fast_data import META, Changes

    document = Document(name="l.ttl", format="turtle", base="https://relative.invalid/l.ttl",
                        data=b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + turtle)
    here, handed = FastData(), FastData()
    elsewhere = FastData().changes_of(document.data, *_oxigraph_turtle(document)).to_bytes()
    assert here.load_native(document.data, *_oxigraph_turtle(document)) is loaded_whole
    assert handed.load_native(document.data, *_oxigraph_turtle(document),
                              ahead=lambda: Changes.from_bytes(elsewhere)) is loaded_whole
    if loaded_whole:
        assert _statements(handed) == _statements(here)
        assert set(handed.store.quads_for_pattern(None, None, None, META)) == set(  # the ill-typed markers
            here.store.quads_for_pattern(None, None, None, META))
        assert set(quad for quad in handed.store if quad.object in handed.originals) == set(  # the stand-ins
            quad for quad in here.store if quad.object in here.originals)
        assert handed.originals == here.originals
        assert handed.reserved_datatypes == here.reserved_datatypes
    else:  # nothing stays of the attempt, and nothing was noted: the caller adds the quads one by one
        assert not list(handed.store) and not handed.originals and not handed.reserved_datatypes


def test_a_document_is_loaded_whole_only_into_an_empty_store():
    data = FastData()
    document = Document(name="l.ttl", format="turtle", base="https://relative.invalid/l.ttl",
                        data=b'<https://e.org/s> <https://e.org/p> "x" .')
    assert data.load_native(document.data, *_oxigraph_turtle(document))
    assert not data.load_native(document.data, *_oxigraph_turtle(document))


def test_a_syntax_error_while_loaded_whole_leaves_nothing_behind(tmp_path):
    data = FastData()
    document = Document(name="l.ttl", format="turtle", base="https://relative.invalid/l.ttl",
                        data=b'<https://e.org/s> <https://e.org/p> "x" .\n' * 5000 + b'<https://e.org/s> <oops .')
    with pytest.raises(InputError, match="l.ttl"):
        parse_document_oxigraph(document, Limits(), data.add, native=data.load_native)
    assert not list(data.store)


def _oxigraph_turtle(document):
    import pyoxigraph

    return pyoxigraph.RdfFormat.TURTLE, document.base


def test_the_data_view_keeps_lexical_forms_after_a_pyshacl_run(monkeypatch):
    """pyshacl switches rdflib.NORMALIZE_LITERALS back on after each run (a server or a test session runs both
    engines): the view renderers read must still give each literal as written."""
    import rdflib

    from ena_grunddata.validation.view import StoreView

    data = FastData()
    document = Document(name="l.ttl", format="turtle", base="https://relative.invalid/l.ttl", data=b"""
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://e.org/s> <https://e.org/p> "0012"^^xsd:integer, "2024-01-01T10:00:00+0100"^^xsd:dateTime .""")
    parse_document_oxigraph(document, Limits(), data.add)
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", True)
    assert sorted(str(o) for o in StoreView(data).objects()) == ["0012", "2024-01-01T10:00:00+0100"]


def test_progress_shows_only_on_a_terminal_after_a_while():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet = io.StringIO()
    fast_validate.Progress(quiet, after=0)("checking", 1, 10)
    assert quiet.getvalue() == ""
    terminal = Terminal()
    progress = fast_validate.Progress(terminal, after=0)
    progress("checking", 3, 10)
    progress.done()
    assert "checking 3/10" in terminal.getvalue() and terminal.getvalue().endswith("\r")
    late = Terminal()
    fast_validate.Progress(late, after=60)("checking", 3, 10)
    assert late.getvalue() == ""


def test_json_output_is_the_same_for_both_engines(run_cli, catalog_file):
    ours = json.loads(run_cli("validate", "-f", "json", str(catalog_file)).stdout)
    reference = json.loads(run_cli("validate", "--engine", "pyshacl", "-f", "json", str(catalog_file)).stdout)
    assert ours == reference


def test_user_sparql_oxigraph_cannot_parse_falls_back_to_pyshacl(catalog_file, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
<https://example.org/S> a sh:NodeShape ; sh:targetClass dcat:Catalog ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . FILTER(?o = ) }" ] .""", encoding="utf-8")
    with pytest.raises(UsageError, match="shapes cannot be run") as error:  # auto fell back; pyshacl cannot
        validate([str(catalog_file)], shapes=[str(shapes)])                # parse it either: a designed error
    assert str(shapes) in str(error.value)
    with pytest.raises(UsageError, match="fast engine cannot run"):
        validate([str(catalog_file)], shapes=[str(shapes)], engine="fast")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("fmt", ["text", "json", "html", "markdown", "junit", "sarif"])
def test_literal_focus_nodes_are_reported_in_every_format(run_cli, tmp_path, engine, fmt):
    """A user shape may target literals (sh:targetObjectsOf with literal objects): a finding about a literal has
    no resource, file line or label to look up, and no format may stumble on it (it once ended in exit 70)."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetObjectsOf ex:tag ; sh:in ("a") .""", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <https://example.org/> .\nex:s ex:tag "b", "a" .\n', encoding="utf-8")
    result = run_cli("validate", data, "--shapes", shapes, "--profile", "dcat-ap-se", "--engine", engine,
                     "--format", fmt)
    assert result.exit_code == 1, result.stderr
    if fmt == "json":
        import json

        assert [f["focus"] for f in json.loads(result.stdout)["findings"] if f["code"] == "S"] == ["b"]


def test_a_check_failing_at_run_time_falls_back_to_pyshacl(monkeypatch, tmp_path):
    """README: `auto` runs pyshacl when the fast engine cannot run a shape, also when that shows only at run time
    (a query oxigraph parses but cannot evaluate), with a note; `--engine fast` says so as a usage error. The
    fallback reads nothing again: the documents already read are parsed for pyshacl (standard input is read once)."""
    from ena_grunddata.errors import UsageError
    from ena_grunddata.load import sources as load_sources
    from ena_grunddata.validation.engines import fast_validate
    from ena_grunddata.validation.pipeline import validate

    path = tmp_path / "dataset.ttl"
    path.write_text("""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/ds> a dcat:Dataset ; dcterms:title "Data"@sv .""", encoding="utf-8")
    expected = keys(validate([str(path)], engine="pyshacl"))

    def failing(*args, **kwargs):
        raise fast_validate.Unsupported("a check failed at run time: boom")

    reads = []
    real_read = load_sources.read_document
    monkeypatch.setattr(fast_validate, "run", failing)
    monkeypatch.setattr(load_sources, "read_document", lambda *a, **k: reads.append(a) or real_read(*a, **k))
    report = validate([str(path)])
    assert keys(report) == expected
    assert any("pyshacl used" in note and "boom" in note for note in report.notes)
    assert len(reads) == 1  # read once, by the fast engine's loader; pyshacl got the same document
    with pytest.raises(UsageError, match="boom"):
        validate([str(path)], engine="fast")


@pytest.mark.parametrize("value", ['"Skatteverket"', '"Skatteverket"@sv',
                                   '"http://dataportal.se/organisation/SE2021005448"'])
def test_a_text_where_a_resource_belongs_is_reported_by_both_engines(tmp_path, value):
    """A literal publisher is a focus node of the agent shape (sh:targetObjectsOf dcterms:publisher): the fast engine
    crashed asking where that focus is described (a literal is described nowhere)."""
    path = tmp_path / "catalog.ttl"
    path.write_text(f"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.se/ds> a dcat:Dataset ; dcterms:title "Data"@sv ; dcterms:publisher {value} .""", encoding="utf-8")
    ours = validate([str(path)], engine="fast").findings
    theirs = validate([str(path)], engine="pyshacl").findings
    assert sorted((f.key(), f.source, f.line) for f in ours) == sorted((f.key(), f.source, f.line) for f in theirs)
    text = value.split('"')[1]
    on_the_text = {(f.code, f.source, f.line) for f in ours if f.focus == text}
    assert {("SE-AGENT-NAME-MISSING", None, None), ("SE-AGENT-AGENTTYPE-MISSING", None, None)} <= on_the_text


# ----------------------------------------------------------------- plain integers judged without a round trip

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

INTEGER_TYPES = ("http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


@settings(max_examples=300, deadline=None)
@given(lexical=st.one_of(st.from_regex(r"[+-]?[0-9]{1,22}", fullmatch=True),
                         st.integers(min_value=0, max_value=2**63 + 10).map(str)),
       datatype=st.sampled_from(INTEGER_TYPES))
def test_plain_integers_are_judged_as_by_the_round_trip(lexical, datatype):
    """The shortcut for plain integers (FastData._judge) says what rdflib and a scratch store say: ill-typed or not,
    the stand-in and the store's own form; other forms (a sign, leading zeros, past 64 bits) take the round trip."""
    import pyoxigraph as ox

    data = FastData()
    literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    assert data._judge(literal, datatype) == data._round_trip(literal, datatype)


def test_the_integer_shortcut_is_taken_for_plain_byte_sizes():
    """It must be able to fail: a plain byteSize takes the shortcut (no scratch-store statement), "012" does not."""
    import pyoxigraph as ox

    data = FastData()
    nonneg = INTEGER_TYPES[1]
    data._judge(ox.Literal("1000", datatype=ox.NamedNode(nonneg)), nonneg)
    assert len(data._scratch) == 0
    data._judge(ox.Literal("012", datatype=ox.NamedNode(nonneg)), nonneg)
    assert len(data._scratch) == 1


def test_card_reads_are_the_same_from_the_store_a_graph_and_a_union():
    """view.descriptions and view.referring (what the HTML cards read) give the same texts whichever data holds the
    statements: literals as (lexical form, language) pairs (a typed literal as written), other terms as text, blank
    nodes as `_:label`; a statement the engine added is not data."""
    import pyoxigraph as ox
    from rdflib import DCTERMS, RDF

    from ena_grunddata.validation.engines.fast_data import to_rdflib_graph
    from ena_grunddata.validation.view import StoreView, UnionView, descriptions, referring

    text = b"""@prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://e.org/d> a <https://e.org/C> ; dct:title "Titel"@sv, "0012"^^xsd:integer ; dct:subject _:b .
        _:b a <https://e.org/C> ."""
    data = FastData()
    parse_document_oxigraph(Document(name="c.ttl", format="turtle", base="https://e.org/", data=text), Limits(),
                            data.add)
    added = ox.Quad(ox.NamedNode("https://e.org/x"), ox.NamedNode(str(RDF.type)), ox.NamedNode("https://e.org/C"))
    data.store.add(added)
    store = StoreView(data, hidden={added})
    label = str(next(store.objects(None, DCTERMS.subject)))
    graph = to_rdflib_graph(quad for quad in data.store if quad != added)  # the same blank-node labels
    expected = {DCTERMS.title: {"https://e.org/d": [("Titel", "sv"), ("0012", None)]},
                DCTERMS.subject: {"https://e.org/d": [f"_:{label}"]}}
    for view in (store, graph, UnionView([store])):
        found = descriptions(view, frozenset([DCTERMS.title, DCTERMS.subject]))
        assert {p: {s: sorted(v, key=str) for s, v in by.items()} for p, by in found.items()} == {
            p: {s: sorted(v, key=str) for s, v in by.items()} for p, by in expected.items()}
        assert sorted(referring(view, "https://e.org/C", RDF.type)) == sorted(["https://e.org/d", f"_:{label}"])
        assert list(referring(view, f"_:{label}")) == ["https://e.org/d"]


def test_a_shared_answer_that_fails_unexpectedly_leaves_no_check_waiting(monkeypatch):
    """Two checks ask the same unfocused query (fast._Answers): it is evaluated once, and when that evaluation fails
    with an error that is no query's (those come back as rows), both checks get the error; neither waits for ever."""
    import threading
    import time

    from ena_grunddata.validation.engines import fast

    evaluated = []

    def failing(data, query):
        evaluated.append(query)
        time.sleep(0.2)  # (the second check asks while the first is still evaluating)
        raise TypeError("unexpected")

    monkeypatch.setattr(fast, "_rows", failing)
    answers, errors = fast._Answers(), []

    def check():
        try:
            answers.rows(None, "SELECT ?this WHERE { ?this ?p ?o }")
        except TypeError as error:
            errors.append(str(error))

    checks = [threading.Thread(target=check, daemon=True) for _ in range(2)]
    for thread in checks:
        thread.start()
    for thread in checks:
        thread.join(30)  # a deadlock guard, not a speed limit
    assert not any(thread.is_alive() for thread in checks)
    assert errors == ["unexpected", "unexpected"] and len(evaluated) == 1
