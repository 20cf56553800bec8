"""Property: any valid description survives YAML -> RDF -> YAML -> RDF (the graphs are isomorphic)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from ena_grunddata.description import api
from ena_grunddata.description.check import PLACEHOLDER
from ena_grunddata.description.model import ACCESS, FREQUENCY, LICENCES, MEDIA_TYPES, THEMES

VOCAB = api.vocabulary()
# Any text but the placeholder `init` writes ("TODO" in a value is a finding of its own, not a round-trip problem)
TEXT = st.text(alphabet=string.ascii_letters + "åäöÅÄÖé ,.:;-'\"#\n", min_size=1, max_size=30).filter(
    lambda text: PLACEHOLDER not in text)
KEY = st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=10).filter(lambda k: k.strip("-"))
LANG = st.sampled_from(["sv", "en", "se", "fi", "no"])
DATE = st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
URL = st.builds(lambda a, b: f"https://{a}.example.se/{b}", KEY, KEY)


def codes(schemes):
    return st.sampled_from(VOCAB.notations(schemes))


def many(strategy, max_size=3):
    return st.one_of(strategy, st.lists(strategy, min_size=1, max_size=max_size))


MULTILINGUAL = st.one_of(TEXT, st.dictionaries(LANG, many(TEXT), min_size=1, max_size=3))
DISTRIBUTION = st.fixed_dictionaries(
    {"access_url": many(URL)},
    optional={"title": MULTILINGUAL, "format": codes(MEDIA_TYPES), "license": codes(LICENCES),
              "byte_size": st.integers(min_value=0, max_value=10**12), "download_url": many(URL),
              "issued": DATE})
DATASET = st.fixed_dictionaries(
    {"title": MULTILINGUAL, "publisher": st.just("agency")},
    optional={"description": MULTILINGUAL, "keyword": MULTILINGUAL, "theme": many(codes(THEMES)),
              "access": codes(ACCESS), "frequency": codes(FREQUENCY), "identifier": many(TEXT),
              "temporal": st.lists(st.fixed_dictionaries({}, optional={"start": DATE, "end": DATE}), max_size=2),
              "spatial": many(URL), "landing_page": many(URL), "version": TEXT, "modified": DATE,
              "distributions": st.lists(DISTRIBUTION, max_size=3), "domain": st.sampled_from(["person", "foretag"]),
              "spatial_resolution": st.decimals(min_value=0, max_value=1000, places=2).map(str),
              "quality": URL})
DESCRIPTION = st.fixed_dictionaries({
    "base": st.just("https://data.example.se/"),
    "catalog": st.fixed_dictionaries({"title": MULTILINGUAL, "publisher": st.just("agency")},
                                     optional={"license": st.just("CC0-1.0"), "issued": DATE}),
    "agents": st.just({"agency": {"orgnr": "202100-5489", "name": {"sv": "Bolagsverket"},
                                  "type": "national-authority"}}),
    "datasets": st.dictionaries(KEY, DATASET, min_size=1, max_size=3),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DESCRIPTION)
def test_random_descriptions_survive_yaml_rdf_yaml_rdf(description):
    first = api.build_text("random.yaml", api.dump_yaml(description))
    assert first.findings == [], [api.error_line(f) for f in first.findings]
    back = api.dump_yaml(api.describe_graph(first.built.graph))
    second = api.build_text("back.yaml", back)
    assert second.findings == [], [api.error_line(f) for f in second.findings]
    assert isomorphic(first.built.graph, second.built.graph)


# Fuzzing: whatever the input, the result is findings or one InputError, never another exception.
KNOWN_KEYS = sorted({key for kind in __import__("ena_grunddata.description.model", fromlist=["KINDS"]).KINDS.values()
                     for key in kind.fields_by_key} | {"id", "rdf_type", "catalog", "datasets", "services", "series",
                                                      "agents", "contacts", "distributions", "extra", "base"})
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT, URL,
                    st.sampled_from(["_:b1", "sv", "TRAN", "person", "2024-01-01", "mailto:x@y.se", "tel:+46"]))
ANYTHING = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), KEY, LANG), inner, max_size=4)), max_leaves=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["base", "catalog", "datasets", "services", "agents", "contacts", "extra",
                                        "series", "distributions", "documents"]), ANYTHING, max_size=5))
def test_any_structure_gives_findings_not_exceptions(data):
    import json

    outcome = api.build_text("fuzz.json", json.dumps(data))
    assert all(f.code.startswith("SCHEMA-") for f in outcome.findings)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_result_or_one_input_error(text):
    from ena_grunddata.errors import InputError

    try:
        api.build_text("fuzz.yaml", text)
    except InputError as error:
        assert "\n" not in str(error)


# RDF -> description -> RDF on random graphs built from the format's own predicates and classes: whatever the shape
# of the graph (shared blank nodes, odd literals, several catalogs), nothing is lost or added.
def _graph_strategy():
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, XSD

    from ena_grunddata.description.model import KINDS

    predicates = sorted({f.predicate for kind in KINDS.values() for f in kind.fields}) + [RDF.type]
    classes = sorted({t for kind in KINDS.values() for t in kind.types})
    iris = [URIRef(f"https://x.se/{name}") for name in ("a", "b", "c", "d")] + [
        URIRef("http://dataportal.se/organisation/SE2021005489"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/TRAN"), URIRef("mailto:a@x.se")]
    bnodes = [BNode(f"n{i}") for i in range(3)]
    literals = [Literal("text"), Literal("text", lang="sv"), Literal("2021005489"), Literal("text/csv"),
                Literal("2020-01-01", datatype=XSD.date), Literal("2020", datatype=XSD.gYear),
                Literal("1.5", datatype=XSD.decimal), Literal("7", datatype=XSD.nonNegativeInteger),
                Literal("P1D", datatype=XSD.duration), Literal("x", datatype=XSD.string), Literal("CSV"),
                Literal("SE2021005489"), Literal("POINT(1 2)", datatype=URIRef(
                    "http://www.opengis.net/ont/geosparql#wktLiteral"))]
    subject = st.sampled_from(iris + bnodes)
    triple = st.one_of(
        st.tuples(subject, st.just(RDF.type), st.sampled_from(classes)),
        st.tuples(subject, st.sampled_from(predicates), st.sampled_from(iris + bnodes + literals)))

    def to_graph(triples):
        graph = Graph()
        for t in triples:
            graph.add(t)
        return graph

    return st.lists(triple, min_size=1, max_size=25).map(to_graph)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_graph_strategy())
def test_random_graphs_survive_rdf_description_rdf(graph):
    text = api.dump_yaml(api.describe_graph(graph))
    outcome = api.build_text("back.yaml", text)
    assert outcome.findings == [], [api.error_line(f) for f in outcome.findings]
    assert isomorphic(outcome.built.graph, graph), text
