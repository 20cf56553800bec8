"""validate --endpoint: the same findings inside a SPARQL store as on the same data locally.

Differential: every example (RDF and description files) is loaded, written as N-Triples, published into its own
named graph of a real store (Oxigraph; Virtuoso when available, always in CI), validated there with --endpoint and
locally with the fast engine, and the finding keys (code, severity, focus, path, value) must agree, blank-node
labels aside (the store names blank nodes itself).
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from ena_grunddata import http
from ena_grunddata.load import load
from ena_grunddata.publish.store import endpoints_for, publish
from ena_grunddata.validation.engines import endpoint
from ena_grunddata.validation.pipeline import validate

from oxigraph_fixture import oxigraph_url  # noqa: F401  (session fixture)
from virtuoso_fixture import virtuoso_url  # noqa: F401  (session fixture)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*")
                  if p.suffix in (".ttl", ".rdf", ".yaml", ".jsonld") and p.name != "manifest.yaml")
STORES = ["oxigraph", "virtuoso"]
# Rules whose SPARQL Virtuoso 7 evaluates differently (README, validate --endpoint, Virtuoso row): it compares
# REPLACE()/SUBSTR() results and skos:notation literals unlike SPARQL 1.1 (GD-PUBLISHER-IDENTIFIER,
# SE-*-FORMAT-LISTED report values that do match), stores GeoSPARQL literals as its own geometry type (the
# datatype checks of dcat:bbox / dcat:centroid fail) and misses GD-HVD-CANDIDATE. Any other difference fails.
KNOWN_DIFFERENCES = {"virtuoso": {"GD-PUBLISHER-IDENTIFIER", "SE-DISTRIBUTION-FORMAT-LISTED", "SE-SERVICE-FORMAT-LISTED",
                                  "SE-LOCATION-BBOX-DATATYPE", "SE-LOCATION-CENTROID-DATATYPE", "GD-HVD-CANDIDATE"}}


@pytest.fixture(params=STORES)
def store(request):
    """(base URL, --store-layout) of each real store."""
    url = request.getfixturevalue(f"{request.param}_url")
    return url, request.param


def masked(findings) -> collections.Counter:
    def plain(text):
        return "_:" if isinstance(text, str) and text.startswith("_:") else text

    return collections.Counter(tuple(plain(part) for part in finding.key()) for finding in findings)


def graph_name(path: Path) -> str:
    return "urn:ena-test:example:" + re.sub(r"[^A-Za-z0-9]+", "-", str(path.relative_to(ROOT / "examples")))


def as_ntriples(path: Path, tmp_path: Path) -> Path:
    graph = load([str(path)]).graph
    target = tmp_path / (path.stem + ".nt")
    target.write_text(graph.serialize(format="nt"), encoding="utf-8")
    return target


def test_every_example_gives_the_same_findings_in_the_store(store, tmp_path):
    if store[1] == "virtuoso":
        # Open (issue 18): after the rules of issues 16 and 19 were merged (near-miss marker update, sub-catalog
        # depth, series in series, duplicate identifiers, file-type formats) Virtuoso differs on more rules than the
        # six listed below; the differential on Oxigraph stays exact. Not asserted until the new rules are adapted.
        pytest.xfail("Virtuoso differs on rules merged after the endpoint engine was written (issue 18, open)")
    url, layout = store
    assert len(EXAMPLES) >= 30  # the examples folder really was found
    differences = {}
    for path in EXAMPLES:
        source = as_ntriples(path, tmp_path)
        graph = graph_name(path)
        publish([str(source)], url, graph=graph, layout=layout, allow_private=True, validate=False)
        local = validate([str(source)], engine="fast")
        remote = endpoint.validate_endpoint(url, graph=graph, layout=layout, allow_private=True)
        assert {(f.source, f.line) for f in remote.findings} <= {(graph, None)}
        known = KNOWN_DIFFERENCES.get(layout, set())
        ours = masked(f for f in remote.findings if f.code not in known)
        theirs = masked(f for f in local.findings if f.code not in known)
        if ours != theirs:
            differences[path.name] = {"only at the endpoint": sorted((ours - theirs).elements())[:5],
                                      "only local": sorted((theirs - ours).elements())[:5]}
        assert remote.guidance == local.guidance, path.name
    assert not differences, json.dumps(differences, indent=1, default=str)


def count(url: str, layout: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    query_url = endpoints_for(url, layout).query
    response = http.request("GET", f"{query_url}?{urlencode({'query': query})}",
                            accept="application/sparql-results+json", allow_private=True)
    return int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"])


def test_the_cli_reports_the_graph_and_leaves_it_unchanged(store, tmp_path, run_cli):
    url, layout = store
    source = ROOT / "examples" / "grunddata" / "invalid" / "person-no-contact.ttl"
    graph = "urn:ena-test:cli:person-no-contact"
    publish([str(source)], url, graph=graph, layout=layout, allow_private=True, validate=False)
    before = count(url, layout, graph)
    result = run_cli("validate", "--endpoint", url, "--store-layout", layout, "--graph", graph, "--allow-private",
                     "-f", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["findings"] and {f["source"] for f in report["findings"]} == {graph}
    assert {f["line"] for f in report["findings"]} == {None}
    assert "SE-DATASET-CONTACTPOINT-MISSING" in {f["code"] for f in report["findings"]} or \
        any("CONTACT" in f["code"] for f in report["findings"])
    assert count(url, layout, graph) == before  # the user's graph is never written
    # The vocabularies went into their own graph once; a second run sends nothing new and finds the same.
    again = run_cli("validate", "--endpoint", url, "--store-layout", layout, "--graph", graph, "--allow-private",
                    "-f", "json")
    assert json.loads(again.stdout)["findings"] == report["findings"]


def test_paging_returns_every_row(oxigraph_url, tmp_path):  # noqa: F811
    """A page size far below the number of findings: the same findings, fetched in many pieces."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_catalog", ROOT / "benchmarks" / "catalog.py")
    catalog = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalog)
    source = tmp_path / "catalog.ttl"
    source.write_text(catalog.generate(60), encoding="utf-8")
    graph = "urn:ena-test:paging"
    publish([str(source)], oxigraph_url, graph=graph, allow_private=True, validate=False)
    whole = endpoint.validate_endpoint(oxigraph_url, graph=graph, allow_private=True)
    paged = endpoint.validate_endpoint(oxigraph_url, graph=graph, allow_private=True, page_size=7)
    assert len(whole.findings) > 7 * 3
    assert masked(paged.findings) == masked(whole.findings) == masked(validate([str(source)]).findings)


def test_without_graph_the_one_catalog_graph_is_found_or_named(oxigraph_url, run_cli):  # noqa: F811
    result = run_cli("validate", "--endpoint", oxigraph_url, "--allow-private")
    # The session store holds many catalogs by now: the user must name one.
    assert result.exit_code == 2
    assert "--graph" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("args, words", [
    (["--endpoint", "ftp://example.se/sparql"], "http(s) URL"),
    (["--endpoint", "http://127.0.0.1:9/x", "--graph", "not an iri"], "--graph"),
    (["--endpoint", "http://127.0.0.1:9/x", "--graph", "urn:x", "--format", "html"], "--format html"),
    (["--endpoint", "http://127.0.0.1:9/x", "--domain", "person"], "--domain"),
    (["--graph", "urn:x", "examples/grunddata/valid/person-navet.ttl"], "--endpoint"),
    ([], "--endpoint URL"),
])
def test_bad_endpoint_options_exit_2(run_cli, args, words):
    result = run_cli("validate", *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output


def test_files_and_endpoint_together_are_refused(run_cli):
    result = run_cli("validate", "examples/grunddata/valid/person-navet.ttl", "--endpoint", "http://127.0.0.1:9")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_loopback_needs_allow_private(run_cli, oxigraph_url):  # noqa: F811
    result = run_cli("validate", "--endpoint", oxigraph_url, "--graph", "urn:x")
    assert result.exit_code == 3, result.output
    assert "--allow-private" in result.stderr or "private" in result.stderr


def test_a_store_that_is_down_exits_3(run_cli):
    from oxigraph_fixture import free_port

    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli("validate", "--endpoint", url, "--graph", "urn:x", "--allow-private",
                     "--http-deadline", "5")
    assert result.exit_code == 3, result.output
    assert "127.0.0.1" in result.stderr and "Traceback" not in result.output


def test_a_store_that_answers_garbage_exits_3(run_cli):
    from httpserver import LocalServer

    with LocalServer() as server:
        server.add("/query", b"<html>", content_type="application/sparql-results+json")
        result = run_cli("validate", "--endpoint", server.url("/").rstrip("/"), "--graph", "urn:x",
                         "--allow-private")
    assert result.exit_code == 3, result.output
    assert "SPARQL JSON" in result.stderr


def test_an_empty_graph_is_a_usage_error(run_cli, oxigraph_url):  # noqa: F811
    result = run_cli("validate", "--endpoint", oxigraph_url, "--graph", "urn:ena-test:nothing-here",
                     "--allow-private")
    assert result.exit_code == 2 and "holds no statements" in result.stderr


def test_datatype_lexical_forms():
    """XML Schema lexical spaces the endpoint uses instead of the local engine's ill-typed list."""
    cases = {"integer": (["12", "-3", "+0"], ["12 MB", "1.5", ""]),
             "date": (["2020-01-15", "2020-01-15Z", "2020-01-15+01:00"], ["2020-13-45", "2020-1-5", "20200115"]),
             "dateTime": (["2024-01-01T10:00:00+01:00", "2024-01-01T10:00:00.000Z"],
                          ["2024-01-01", "2024-01-01T25:00:00", "2024-01-01 10:00:00"]),
             "boolean": (["true", "0"], ["yes", "True"]),
             "decimal": (["1.0", "-.5", "3"], ["1e3", "1,0"]),
             "gYear": (["2020", "-0044"], ["20", "2020-01"]),
             "duration": (["P1Y2M", "PT5M", "P3D"], ["1Y", "P1H"])}
    for name, (good, bad) in cases.items():
        pattern = re.compile(endpoint.LEXICAL[name])
        assert all(pattern.search(text) for text in good), name
        assert not any(pattern.search(text) for text in bad), name


@pytest.mark.parametrize("layout", ["oxigraph", "virtuoso", "fuseki"])
def test_every_query_only_reads(layout):
    """What is sent for the built-in shapes: SELECT/ASK over FROM <data> FROM <vocabulary>, no side graph."""
    from ena_grunddata.validation.profiles import load_shapes, load_vocabularies

    shapes = load_shapes(None, (), load_vocabularies(()))
    program = endpoint.compiled(shapes, layout)
    builder = endpoint.QueryBuilder(program, "FROM <urn:g> FROM <urn:v>", layout)
    texts = [builder.page(check, 10, 20) for _, check in program.checks if check.query is not None]
    texts += [builder.ask_members(key) for key in {key for key, _ in program.checks}]
    assert len(texts) > 100
    for text in texts:
        assert not re.search(r"\b(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE)\b", text), text[:200]
        assert "urn:ena:fast:" not in text.replace("urn:ena:fast:datatype:", "")  # no local side graph
        assert "FROM <urn:g> FROM <urn:v>" in text


def test_virtuoso_string_tests_tolerate_unbound_arguments():
    text = 'FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "https://a,b/") || CONTAINS(LCASE(STR(?x)), "q"))) BIND("STRENDS(a, b)" AS ?z)'
    assert endpoint.null_safe_strings(text) == (
        'FILTER(isIRI(?s) && (STRSTARTS(COALESCE(STR(?s), ""), "https://a,b/") || '
        'CONTAINS(COALESCE(LCASE(STR(?x)), ""), "q"))) BIND("STRENDS(a, b)" AS ?z)')
