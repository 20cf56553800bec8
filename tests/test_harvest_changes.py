"""Canonical snapshots and entity hashes: independent of blank-node labels, faithful to the data."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ena_grunddata.harvest.changes import canonical_ntriples, compare_graphs, entity_hashes
from ena_grunddata.harvest.run import rdfjson_to_ntriples
from ena_grunddata.load import Document, parse_document
from ena_grunddata.namespaces import DCAT, DCTERMS, VCARD

EX = "https://example.se/"
texts = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\n\t\"\\")), max_size=30)


def dataset_graph(titles, contact_names, labels=None):
    graph = Graph()
    for number, (title, contact) in enumerate(zip(titles, contact_names)):
        dataset = URIRef(f"{EX}d{number}")
        node = BNode(labels[number]) if labels else BNode()
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.title, Literal(title, lang="sv")))
        graph.add((dataset, DCAT.contactPoint, node))
        graph.add((node, RDF.type, VCARD.Kind))
        graph.add((node, VCARD.fn, Literal(contact)))
    return graph


def reparse(data: bytes) -> Graph:
    return parse_document(Document(name="snapshot.nt", data=data, format="ntriples", base=EX))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=6))
def test_snapshot_round_trips_and_ignores_blank_node_labels(pairs):
    titles, contacts = zip(*pairs)
    first = dataset_graph(titles, contacts)
    second = dataset_graph(titles, contacts, labels=[f"other{n}" for n in range(len(pairs))])
    data = canonical_ntriples(first)
    assert data == canonical_ntriples(second)
    assert isomorphic(reparse(data), first)
    assert compare_graphs(first, second).to_dict()["unchanged"] == len(pairs)


def test_change_inside_an_embedded_blank_node_updates_its_entity():
    before = dataset_graph(["A", "B"], ["Kontakt", "Kontakt"])
    after = dataset_graph(["A", "B"], ["Kontakt", "Annan kontakt"])
    report = compare_graphs(before, after).to_dict()
    assert report["updatedURIs"] == [f"{EX}d1"] and report["unchanged"] == 1


def test_identical_blank_nodes_keep_their_count():
    graph = Graph()
    dataset = URIRef(f"{EX}d")
    for _ in range(2):
        node = BNode()
        graph.add((dataset, DCAT.contactPoint, node))
        graph.add((node, VCARD.fn, Literal("Samma")))
    assert len(reparse(canonical_ntriples(graph))) == 4


def test_blank_node_cycle_does_not_loop():
    graph = Graph()
    a, b = BNode(), BNode()
    graph.add((URIRef(f"{EX}d"), RDF.type, DCAT.Dataset))
    graph.add((URIRef(f"{EX}d"), DCTERMS.relation, a))
    graph.add((a, DCTERMS.relation, b))
    graph.add((b, DCTERMS.relation, a))
    assert len(entity_hashes(graph)) == 1
    assert isomorphic(reparse(canonical_ntriples(graph)), graph)


@settings(max_examples=60, deadline=None)
@given(texts, st.sampled_from([None, "sv", "en-GB"]))
def test_rdfjson_literals_survive_the_loader(text, lang):
    value = {"type": "literal", "value": text, **({"lang": lang} if lang else {})}
    metadata = {f"{EX}d": {str(DCTERMS.title): [value], str(DCAT.contactPoint): [{"type": "bnode", "value": "_:x"}]},
                "_:x": {str(VCARD.fn): [{"type": "literal", "value": "K"}]}}
    lines, _ = rdfjson_to_ntriples(metadata, "e0", "test")
    graph = reparse("".join(lines).encode("utf-8"))
    assert graph.value(URIRef(f"{EX}d"), DCTERMS.title) == Literal(text, lang=lang)
    assert str(graph.value(graph.value(URIRef(f"{EX}d"), DCAT.contactPoint), VCARD.fn)) == "K"
