"""Differential tests: the fast engine and pyshacl must give identical findings on the same data.

Both engines see the very same terms (pyoxigraph parses once; pyshacl gets an rdflib graph with the same blank node
labels), so finding keys (code, severity, focus, path, value) compare exactly. Any difference fails.
"""

from __future__ import annotations

import collections
import importlib.util
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from ena_grunddata.validation.engines import fast, pyshacl_engine
from ena_grunddata.validation.engines.fast_data import FastData, to_rdflib_graph
from ena_grunddata.load import Document, Limits, parse_document_oxigraph, read_document
from ena_grunddata.validation.profiles import Shapes, builtin_vocabularies, load_shapes

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "tests" / "data" / "fast_engine"


def load_catalog_module():
    spec = importlib.util.spec_from_file_location("bench_catalog", ROOT / "benchmarks" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalog = load_catalog_module()


def quads_of(documents) -> list:
    quads = []
    for document in documents:
        parse_document_oxigraph(document, Limits(), quads.extend)
    return quads


def both_engines(quads, shapes: Shapes, background: Graph | None = None):
    data = FastData()
    data.add(iter(quads))
    graph = to_rdflib_graph(quads)
    if background is not None:
        data.add_rdflib(background)
        graph += background
    fast_findings = fast.run(data, shapes)
    reference = pyshacl_engine.run(graph, shapes)
    return fast_findings, reference


def assert_same(fast_findings, reference):
    ours = collections.Counter(f.key() for f in fast_findings)
    theirs = collections.Counter(f.key() for f in reference)
    only_fast = sorted((ours - theirs).elements())
    only_pyshacl = sorted((theirs - ours).elements())
    assert not only_fast and not only_pyshacl, f"fast only: {only_fast}\npyshacl only: {only_pyshacl}"


def assert_same_messages(fast_findings, reference):
    """Where a shape has sh:message, both engines carry the same texts."""
    theirs = {f.key(): dict(f.messages) for f in reference}
    for finding in fast_findings:
        expected = theirs[finding.key()]
        if finding.code.startswith(("SE-", "GD-")):
            for lang, text in finding.messages.items():
                assert expected.get(lang) in (text, None), (finding.key(), lang, text, expected.get(lang))


def builtin_shapes():
    return load_shapes(None, (), builtin_vocabularies())


def example_files():
    files = sorted(p for p in (ROOT / "examples").rglob("*") if p.suffix in (".ttl", ".rdf"))
    assert files, "no examples found"
    return files


def test_the_fast_engine_runs_every_shipped_shape():
    assert fast.supports(builtin_shapes()) == []


def test_every_example_gives_identical_findings():
    """All example files at once (one pyshacl run keeps the suite fast): both engines see the same merged data."""
    documents = [read_document(str(path), limits=Limits()) for path in example_files()]
    fast_findings, reference = both_engines(quads_of(documents), builtin_shapes(), builtin_vocabularies())
    assert reference, "the examples should produce findings"
    assert_same(fast_findings, reference)
    assert_same_messages(fast_findings, reference)


@pytest.mark.parametrize("name", ["grunddata/invalid/fastighet-series-inconsistent.ttl"])
def test_single_examples_give_identical_findings(name):
    """On its own too: this one needs rdflib's left-to-right joins in a SPARQL constraint (fast_compile.correlate)."""
    path = ROOT / "examples" / name
    if not path.exists():
        pytest.skip(f"example {name} is gone")
    fast_findings, reference = both_engines(quads_of([read_document(str(path), limits=Limits())]), builtin_shapes(),
                                            builtin_vocabularies())
    assert_same(fast_findings, reference)


def core_shapes() -> Shapes:
    return Shapes(graph=Graph().parse(CORE / "core-shapes.ttl"), profiles=[], user_files=[])


def test_core_shapes_give_identical_findings():
    document = read_document(str(CORE / "core-data.ttl"), limits=Limits())
    fast_findings, reference = both_engines(quads_of([document]), core_shapes())
    assert len(reference) > 40  # every constraint of the core shapes fires somewhere
    codes = {f.code for f in reference}
    assert {"T-SIZE-TYPE", "T-WHEN-TYPE", "T-QUALIFIED-RED", "T-PART-CLOSED", "T-SPARQL-NEXT", "T-PATH-INV",
            "T-COLOUR-XONE", "T-START-BEFORE", "T-NAME-UNIQUE"} <= codes
    assert "T-OFF" not in codes  # deactivated
    assert_same(fast_findings, reference)


def test_sparql_messages_are_pyshacls():
    """A constraint's own sh:message gets {?var} filled in; a shape's sh:message stays as written (pyshacl)."""
    document = read_document(str(CORE / "core-data.ttl"), limits=Limits())
    fast_findings, reference = both_engines(quads_of([document]), core_shapes())
    for code in ("T-SPARQL-NEXT", "T-SPARQL-PATH"):
        ours = sorted(sorted(f.messages.items()) for f in fast_findings if f.code == code)
        theirs = sorted(sorted(f.messages.items()) for f in reference if f.code == code)
        assert ours == theirs and ours, code
    assert any("{" not in text for f in fast_findings if f.code == "T-SPARQL-PATH" for text in f.messages.values())


def test_the_reference_engine_parses_each_sparql_text_once_whatever_the_data_size(monkeypatch):
    """pyshacl sends a SPARQL constraint's text once per focus node; the engine prepares each text once."""
    import rdflib.plugins.sparql.processor as processor

    parsed = []
    parse = processor.parseQuery
    monkeypatch.setattr(processor, "parseQuery", lambda text: parsed.append(text) or parse(text))

    def parses(datasets: int) -> int:
        pyshacl_engine.prepared.cache_clear()
        parsed.clear()
        document = Document(name="c.ttl", data=catalog.generate(datasets).encode(), format="turtle",
                            base="https://relative.invalid/c.ttl")
        graph = to_rdflib_graph(quads_of([document]))
        graph += builtin_vocabularies()
        assert pyshacl_engine.run(graph, builtin_shapes())
        return len(parsed)

    once = parses(1)
    assert once > 10  # the SPARQL targets and constraints of the built-in shapes
    assert parses(12) == once
    assert len(set(parsed)) == len(parsed)


def test_unsupported_features_are_named():
    graph = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:expression [ ex:f 1 ] .""", format="turtle")
    assert fast.supports(Shapes(graph=graph, profiles=[], user_files=[])) == ["sh:expression"]


# ----------------------------------------------------------------------------------------------- random data


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from((None,) + catalog.DEFECTS), st.booleans()), min_size=1, max_size=3))
def test_random_catalogs_give_identical_findings(datasets):
    """Small catalogs, each dataset with a random defect (or none) and a random grunddata marker."""
    parts = [catalog.PREFIXES, catalog.agency_turtle(), catalog.contact_turtle(1)]
    parts += [catalog.dataset_turtle(i, defect, marked) for i, (defect, marked) in enumerate(datasets)]
    parts.append(catalog.service_turtle(0, range(len(datasets))))
    document = Document(name="random.ttl", data="\n".join(parts).encode(), format="turtle",
                        base="https://relative.invalid/random.ttl")
    fast_findings, reference = both_engines(quads_of([document]), builtin_shapes(), builtin_vocabularies())
    assert_same(fast_findings, reference)


TERMS = ["ex:a1", "ex:a2", "ex:a3", "ex:p1", "ex:p2", "ex:p3", "ex:red", "ex:blue", "_:b1", "_:b2"]
PREDICATES = ["ex:name", "ex:label", "ex:size", "ex:when", "ex:part", "ex:colour", "ex:otherColour", "ex:tag",
              "ex:start", "ex:end", "ex:next", "ex:weight", "rdf:type"]
LITERALS = ['"alpha"@en', '"alfa"@sv', '"Beta"', '"x"@de', '"12"^^xsd:nonNegativeInteger', '"12 MB"^^xsd:integer',
            '"0012"^^xsd:integer', "2000", "1.5", '"2024-01-01"^^xsd:date', '"2024-13-01"^^xsd:date',
            '"2024-01-01T10:00:00.000+00:00"^^xsd:dateTime', '"main"', '"green"', "true", '"5"^^xsd:int']
CLASSES = ["ex:Thing", "ex:Gadget", "ex:Part"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=40))
def test_random_graphs_on_core_shapes_give_identical_findings(seed, size):
    rng = random.Random(seed)
    lines = ["@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "@prefix ex: <https://example.org/> .",
             "ex:Gadget rdfs:subClassOf ex:Thing ."]
    for _ in range(size):
        predicate = rng.choice(PREDICATES)
        subject = rng.choice(TERMS)
        if predicate == "rdf:type":
            obj = rng.choice(CLASSES)
        elif predicate in ("ex:start", "ex:end"):  # pyshacl refuses to compare blank nodes (sh:lessThan)
            obj = rng.choice(LITERALS)
            subject = rng.choice(TERMS[:6])
        else:
            obj = rng.choice(TERMS + LITERALS)
        lines.append(f"{subject} {predicate} {obj} .")
    document = Document(name="random.ttl", data="\n".join(lines).encode(), format="turtle",
                        base="https://relative.invalid/random.ttl")
    fast_findings, reference = both_engines(quads_of([document]), core_shapes())
    assert_same(fast_findings, reference)
