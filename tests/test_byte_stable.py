"""Byte-stable publishing: the same statements give the same bytes from `export` and the same ETags from `serve`,
however the input was written (statement order, prefix names, blank-node labels, format) and on every run."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from werkzeug.test import Client

from ena_grunddata.harvest.changes import canonical_ntriples, entity_hashes
from ena_grunddata.load import Document, parse_document
from ena_grunddata.namespaces import DCAT, DCTERMS, VCARD
from ena_grunddata.publish.serve import make_app
from publish_data import CATALOG_TTL, write_catalog

FILES = ("datasets/dcat", "datasets/dcat.ttl", "datasets/dcat.jsonld", "index.html")

# CATALOG_TTL's statements written another way: other prefix names, other order, labelled blank nodes.
REWRITTEN_TTL = """
PREFIX d: <http://www.w3.org/ns/dcat#>
PREFIX t: <http://purl.org/dc/terms/>
PREFIX f: <http://xmlns.com/foaf/0.1/>
PREFIX v: <http://www.w3.org/2006/vcard/ns#>
PREFIX x: <http://www.w3.org/2001/XMLSchema#>
PREFIX e: <https://data.example.se/ns#>

<https://data.example.se/dataset/badplatser> t:publisher <https://data.example.se/org> ; t:title "Badplatser"@sv ;
    a d:Dataset .
<https://data.example.se/dataset/foretag> t:publisher <https://data.example.se/org> ;
    t:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ;
    t:subject <https://dataportal.se/concepts/grunddata/foretag> ; t:title "Företag i kommunen"@sv ; a d:Dataset .
<https://data.example.se/distribution/fastighet-gml> t:format "application/gml+xml" ;
    d:downloadURL <https://data.example.se/filer/fastighet.gml> ;
    t:title "Nedladdning (GML) — ändrad årsvis"@sv ; a d:Distribution .
"""


def rewritten() -> str:
    """REWRITTEN_TTL plus the rest of CATALOG_TTL, taken statement by statement from a parse of it."""
    original = parse_document(Document("c.ttl", CATALOG_TTL.encode(), "turtle", "https://relative.invalid/c.ttl"))
    again = parse_document(Document("r.ttl", REWRITTEN_TTL.encode(), "turtle", "https://relative.invalid/r.ttl"))
    rest = Graph()
    labels = {}
    for s, p, o in original:
        if (s, p, o) in again:
            continue
        s = labels.setdefault(s, BNode(f"other{len(labels)}")) if isinstance(s, BNode) else s
        o = labels.setdefault(o, BNode(f"other{len(labels)}")) if isinstance(o, BNode) else o
        rest.add((s, p, o))
    lines = sorted(rest.serialize(format="nt").splitlines(), reverse=True)  # another order again
    return REWRITTEN_TTL + "\n".join(lines) + "\n"


def exported(tmp_path, run_cli, name: str, text: str) -> dict:
    source = write_catalog(tmp_path, text, name=name)
    target = tmp_path / f"public-{name}"
    result = run_cli("export", source, "--to", target, "--no-validate")
    assert result.exit_code == 0, result.stderr
    return {path: (target / path).read_bytes() for path in FILES}


def test_export_twice_gives_the_same_bytes(tmp_path, run_cli):
    first = exported(tmp_path, run_cli, "a.ttl", CATALOG_TTL)
    second = exported(tmp_path, run_cli, "b.ttl", CATALOG_TTL)
    assert first == second


def test_export_in_another_process_with_another_hash_seed_gives_the_same_bytes(tmp_path, run_cli):
    first = exported(tmp_path, run_cli, "a.ttl", CATALOG_TTL)
    source = tmp_path / "a.ttl"
    target = tmp_path / "other-process"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "ena_grunddata", "export", str(source), "--to", str(target),
                    "--no-validate"], check=True, env=env, capture_output=True)
    assert {path: (target / path).read_bytes() for path in FILES} == first


def test_the_same_statements_written_differently_give_the_same_bytes(tmp_path, run_cli):
    first = exported(tmp_path, run_cli, "a.ttl", CATALOG_TTL)
    other = exported(tmp_path, run_cli, "b.ttl", rewritten())
    for path in FILES:
        assert other[path] == first[path], path


def test_output_uses_the_usual_prefix_names_not_the_publishers(tmp_path, run_cli):
    files = exported(tmp_path, run_cli, "b.ttl", rewritten())
    turtle = files["datasets/dcat.ttl"].decode("utf-8")
    assert "@prefix dcat: <http://www.w3.org/ns/dcat#> ." in turtle
    assert "@prefix dcterms: <http://purl.org/dc/terms/> ." in turtle
    assert "PREFIX d:" not in turtle and "@prefix d:" not in turtle and "@prefix t:" not in turtle
    assert 'xmlns:dcat="http://www.w3.org/ns/dcat#"' in files["datasets/dcat"].decode("utf-8")
    assert '"dcat":"http://www.w3.org/ns/dcat#"' in files["datasets/dcat.jsonld"].decode("utf-8")


def etags(source) -> dict:
    client = Client(make_app([source], validate=False, poll_interval=0, log=lambda line: None, page_size=2))
    found = {}
    for path in ("/datasets/dcat", "/datasets/dcat.ttl", "/datasets/dcat.jsonld", "/datasets/dcat.nt",
                 "/datasets/dcat?page=1", "/datasets/dcat?page=2&format=ttl", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = (response.headers["ETag"], response.get_data())
        gzipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        found[path + " gzip"] = gzipped.headers["ETag"]
    return found


def test_serve_gives_the_same_etags_after_a_restart_and_the_same_bytes_as_export(tmp_path, run_cli):
    files = exported(tmp_path, run_cli, "a.ttl", CATALOG_TTL)
    first = etags(tmp_path / "a.ttl")
    second = etags(write_catalog(tmp_path, rewritten(), name="b.ttl"))  # "a restart" on the same statements
    assert first == second
    assert first["/datasets/dcat"][1] == files["datasets/dcat"]
    assert first["/datasets/dcat.ttl"][1] == files["datasets/dcat.ttl"]
    body = files["datasets/dcat"]
    assert first["/datasets/dcat"][0] == f'"{hashlib.sha256(body).hexdigest()[:32]}"'


# --------------------------------------------------------------------------------------------- blank-node hashing


def chain_graph(length: int, labels: str, cycle: bool) -> Graph:
    """A dataset with a chain of `length` blank nodes (closed into a ring when `cycle`)."""
    graph = Graph()
    dataset = URIRef("https://example.se/d")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    nodes = [BNode(f"{labels}{n}") for n in range(length)]
    graph.add((dataset, DCTERMS.relation, nodes[0]))
    for number, node in enumerate(nodes):
        graph.add((node, VCARD.fn, Literal(f"nod {number % 7}")))
        if number + 1 < length:
            graph.add((node, DCTERMS.relation, nodes[number + 1]))
    if cycle:
        graph.add((nodes[-1], DCTERMS.relation, nodes[0]))
    return graph


def test_long_blank_node_chains_and_rings_hash_without_recursion():
    # 2,000 levels: a recursive hash would exceed Python's recursion limit; a path-set one would be quadratic.
    first, second = chain_graph(2_000, "a", False), chain_graph(2_000, "zz", False)
    assert canonical_ntriples(first) == canonical_ntriples(second)
    assert entity_hashes(first) == entity_hashes(second)
    ring, other = chain_graph(2_000, "a", True), chain_graph(2_000, "zz", True)
    assert entity_hashes(ring) == entity_hashes(other)  # labels never reach an entity's hash
    assert canonical_ntriples(ring) == canonical_ntriples(chain_graph(2_000, "a", True))  # same input, same bytes
    assert len(parse_document(Document("s.nt", canonical_ntriples(ring), "ntriples", "https://example.se/"))) \
        == len(ring)


def test_a_change_deep_inside_a_ring_changes_the_entity_hash():
    before = chain_graph(50, "a", True)
    after = chain_graph(50, "a", True)
    after.remove((BNode("a30"), VCARD.fn, Literal("nod 2")))
    after.add((BNode("a30"), VCARD.fn, Literal("ändrad")))
    assert entity_hashes(before) != entity_hashes(after)


def test_dense_blank_node_cycles_stay_label_independent():
    def clique(prefix: str) -> Graph:
        graph = Graph()
        nodes = [BNode(f"{prefix}{n}") for n in range(60)]
        graph.add((URIRef("https://example.se/d"), RDF.type, DCAT.Dataset))
        graph.add((URIRef("https://example.se/d"), DCTERMS.relation, nodes[0]))
        for a in nodes:
            graph.add((a, VCARD.fn, Literal("samma")))
            for b in nodes:
                graph.add((a, DCTERMS.relation, b))
        return graph

    assert canonical_ntriples(clique("p")) == canonical_ntriples(clique("q"))
    assert len(parse_document(Document("s.nt", canonical_ntriples(clique("p")), "ntriples",
                                       "https://example.se/"))) == 2 + 60 + 60 * 60
