"""Round two, family 2 (issue #16): every walk over input data is iterative or bounded, and costs time in
proportion to the input.

- Harvest's change hashing (harvest/changes.py): a chain of 50,000 blank nodes (before: RecursionError, exit 70)
  and a small blank-node graph full of cycles (before: exponential time; 12 nodes took minutes) end normally.
- The hash stays blind to blank-node labels and still sees a change anywhere in a cycle.
- YAML aliases inside mapping keys (a 450-byte document reached 2.6 GB) and deep JSON in description files.
"""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ena_grunddata.harvest.changes import canonical_ntriples, entity_hashes
from hostile_support import assert_error, write

DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")
P, Q = URIRef("https://example.se/p"), URIRef("https://example.se/q")
DS = URIRef("https://example.se/ds/1")


def chain_turtle(n: int) -> str:
    lines = ["@prefix dcat: <http://www.w3.org/ns/dcat#> .",
             "<https://example.se/ds/1> a dcat:Dataset ; <https://example.se/p> _:b0 ."]
    lines += [f"_:b{i} <https://example.se/p> _:b{i + 1} ." for i in range(n)]
    return "\n".join(lines) + "\n"


def clique_turtle(n: int, extra: str = "") -> str:
    lines = ["@prefix dcat: <http://www.w3.org/ns/dcat#> .",
             "<https://example.se/ds/1> a dcat:Dataset ; <https://example.se/p> _:c0 ."]
    lines += [f"_:c{i} <https://example.se/q> _:c{j} ." for i in range(n) for j in range(n)]
    return "\n".join(lines) + "\n" + extra


@pytest.mark.parametrize("shape", ["chain", "clique"])
def test_harvest_of_long_blank_node_chains_and_cycles_ends(tmp_path, cli_process, shape):
    text = chain_turtle(50_000) if shape == "chain" else clique_turtle(14)
    source = write(tmp_path, "catalog.ttl", text)
    run = cli_process("harvest", "--store", tmp_path / "store", source, timeout=240)
    assert run.exit_code == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr
    assert list((tmp_path / "store").glob("sources/*/snapshot.nt"))


def graph_of(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_cycle_hashes_ignore_blank_node_labels_and_see_changes_inside_the_cycle():
    ring = ("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
            "<https://example.se/ds/1> a dcat:Dataset ; <https://example.se/p> _:{a} .\n"
            "_:{a} <https://example.se/q> _:{b} ; <https://example.se/v> \"1\" .\n"
            "_:{b} <https://example.se/q> _:{c} ; <https://example.se/v> \"2\" .\n"
            "_:{c} <https://example.se/q> _:{a} ; <https://example.se/v> \"{last}\" .\n")
    one = entity_hashes(graph_of(ring.format(a="x", b="y", c="z", last="3")))
    relabelled = entity_hashes(graph_of(ring.format(a="k", b="m", c="n", last="3")))
    changed = entity_hashes(graph_of(ring.format(a="x", b="y", c="z", last="4")))
    assert one == relabelled
    assert one != changed  # the change is two hops away, inside the cycle


def test_canonical_ntriples_of_a_long_chain_is_deterministic():
    first = canonical_ntriples(graph_of(chain_turtle(5_000)))
    second = canonical_ntriples(graph_of(chain_turtle(5_000).replace("_:b", "_:z")))
    assert first == second and first.count(b"\n") == 5_002


# --------------------------------------------------------------------------------------------- description files

ALIAS_KEYS = """\
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b {? *a : 1, ? [*a, *a] : 2, ? [*a, *a, *a] : 3}
c: &c {? [*b, *b, *b, *b] : 1, ? [*b, *b, *b, *b, *b] : 2}
d: &d {? [*c, *c, *c, *c] : 1, ? [*c, *c, *c, *c, *c] : 2}
e: &e {? [*d, *d, *d, *d] : 1, ? [*d, *d, *d, *d, *d] : 2}
f: &f {? [*e, *e, *e, *e] : 1, ? [*e, *e, *e, *e, *e] : 2}
g: {? [*f, *f, *f, *f] : 1}
"""


@pytest.mark.parametrize("command", ["describe", "validate"])
def test_yaml_aliases_inside_mapping_keys_are_refused_quickly(tmp_path, cli_process, command):
    source = write(tmp_path, "catalog.yaml", "catalog:\n  title: {sv: x}\n" + ALIAS_KEYS)
    run = cli_process(command, source, timeout=120)
    assert run.exit_code == 2, run.stderr
    assert run.peak_rss_mib is None or run.peak_rss_mib < 400, run.peak_rss_mib
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {source}"), run.stderr


@pytest.mark.parametrize("depth", [1_000, 200_000])
def test_deep_json_in_a_description_file_is_one_line(tmp_path, cli_run, depth):
    source = write(tmp_path, "catalog.json", '{"catalog": {"title": ' + "[" * depth + "]" * depth + "}}")
    run = cli_run("validate", source)
    assert_error(run, 2, where=str(source))
