"""Cases 23-30 of security.md section 4: RDF/XML entity attacks and JSON-LD contexts.

The "done when" of issue 8: billion laughs, a remote JSON-LD context and XXE are each refused within one second,
exit 2, and with no network access (the loopback server records no request; an audit hook sees no connect).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from ena_grunddata.errors import InputError
from ena_grunddata.load import Limits, load
from hostile_support import RDF_HEADER, assert_error, connects, opened, write
from httpserver import LocalServer, drip

@pytest.fixture
def server():
    with LocalServer() as running:
        running.add("/x", "<!ENTITY y 'pwned'>", content_type="application/xml-dtd")
        running.add("/ctx", '{"@context": {"p": "https://e.se/p"}}', content_type="application/ld+json")
        running.add("/imp", '{"@context": {"p": "https://e.se/p"}}', content_type="application/ld+json")
        running.add_handler("/forever", drip(b" ", interval=0.01, total=10_000_000))
        yield running


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcterms="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://e.se/a"><dcterms:title>&lol9;</dcterms:title></rdf:Description>
</rdf:RDF>
"""


def test_case_23_billion_laughs_is_refused_within_a_second(tmp_path, cli_run, audit):
    path = write(tmp_path, "laughs.rdf", BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 1500
    run = cli_run("validate", path)
    assert_error(run, 2, "entity declarations are not allowed", where=f"{path}:3: ")
    assert run.cpu_seconds < 1, run.cpu_seconds
    assert connects(audit) == []


def xxe(kind: str, target: str) -> str:
    if kind == "general":
        declaration, use = f'<!ENTITY x SYSTEM "{target}">', "&x;"
    else:
        declaration, use = f'<!ENTITY % p SYSTEM "{target}"> %p;', "&y;"
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n ' + declaration + "\n]>\n" + RDF_HEADER.split("\n", 1)[1]
            + f'<rdf:Description rdf:about="https://e.se/a"><dcterms:title>{use}</dcterms:title>'
              "</rdf:Description></rdf:RDF>\n")


@pytest.mark.parametrize("kind", ["general", "parameter"])
@pytest.mark.parametrize("target", ["file:///etc/hostname", "http"])
def test_case_24_xxe_is_refused_without_reading_or_fetching(tmp_path, cli_run, audit, server, kind, target):
    target = server.url("/x") if target == "http" else target
    path = write(tmp_path, f"xxe-{kind}.rdf", xxe(kind, target))
    run = cli_run("validate", path)
    assert_error(run, 2, "entity declarations are not allowed", where=f"{path}:3: ")
    assert run.cpu_seconds < 1, run.cpu_seconds
    assert server.count() == 0 and connects(audit) == []
    assert opened(audit, "/etc/hostname") == []
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    if hostname:
        assert hostname not in run.stdout + run.stderr


def test_case_24_external_dtd_without_entities_is_refused(tmp_path, cli_run, server):
    text = f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{server.url("/x")}">\n' + RDF_HEADER.split("\n", 1)[1] \
        + "</rdf:RDF>\n"
    path = write(tmp_path, "dtd.rdf", text)
    assert_error(cli_run("validate", path), 2, "external DTDs are not allowed", where=f"{path}:2: ")
    assert server.count() == 0


def test_case_25_quadratic_character_references_hit_the_time_budget(tmp_path, cli_run):
    body = "&amp;" * 800_000  # 4 MB, no DTD: rdflib's RDF/XML parser is quadratic in references (12.6 s measured)
    path = write(tmp_path, "amp.rdf", RDF_HEADER + f'<rdf:Description rdf:about="https://e.se/a"><dcterms:title>'
                                                   f"{body}</dcterms:title></rdf:Description></rdf:RDF>\n")
    run = cli_run("validate", "--timeout", 2, path)
    if run.exit_code == 2:  # rdflib's parser: stopped by the budget
        assert_error(run, 2, "time budget exceeded (2 s)", "--timeout", where=f"{path}: ")
    else:  # the fast engine's parser (pyoxigraph) is linear here and simply finishes
        assert run.exit_code in (0, 1) and run.stderr == "", run.stderr
    assert run.cpu_seconds < 3.5, run.cpu_seconds  # (CPU time: other work may be slowing this machine)
    # the rdflib loader (library API, describe, export) is stopped by the same budget
    started = time.monotonic()
    with pytest.raises(InputError, match=r"time budget exceeded \(2 s\)"):
        load([path], limits=Limits(timeout=2))
    assert 2 <= time.monotonic() - started < 4.5  # the budget is wall clock; slack for a busy machine


def jsonld_with_context(context) -> str:
    import json

    return json.dumps({"@context": context, "@id": "https://e.se/a", "p": "x"}, indent=1)


def test_case_26_remote_context_is_refused_without_a_request(tmp_path, cli_run, audit, server):
    url = server.url("/ctx")
    path = write(tmp_path, "remote.jsonld", jsonld_with_context(url))
    run = cli_run("validate", path)
    assert_error(run, 2, f"remote JSON-LD context not allowed: {url}", where=f"{path}:2: ")
    assert run.cpu_seconds < 1, run.cpu_seconds
    assert server.count() == 0 and connects(audit) == []


@pytest.mark.parametrize("context", [
    lambda url: {"@import": url("/imp"), "p": "https://e.se/p"},
    lambda url: [{"p": "https://e.se/p"}, url("/ctx")],
    lambda url: {"p": {"@id": "https://e.se/p", "@context": url("/ctx")}},  # a scoped context
])
def test_case_27_imported_and_nested_remote_contexts_are_refused(tmp_path, cli_run, audit, server, context):
    path = write(tmp_path, "import.jsonld", jsonld_with_context(context(server.url)))
    assert_error(cli_run("validate", path), 2, "remote JSON-LD context not allowed", where=f"{path}:")
    assert server.count() == 0 and connects(audit) == []


@pytest.mark.parametrize("reference", ["file:///etc/hostname", "secret.json", "data:application/ld+json,{}",
                                       "file:///etc/does-not-exist"])
def test_case_28_local_file_and_data_contexts_are_refused_without_opening(tmp_path, cli_run, audit, reference):
    write(tmp_path, "secret.json", '{"@context": {"p": "https://e.se/TOPSECRET"}}')
    path = write(tmp_path, "local.jsonld", jsonld_with_context(reference))
    audit.clear()  # only what the tool opens counts
    run = cli_run("validate", path)
    line = assert_error(run, 2, "remote JSON-LD context not allowed", where=f"{path}:2: ")
    assert opened(audit, "hostname") == [] and opened(audit, "secret.json") == []
    assert opened(audit, "does-not-exist") == []
    assert "TOPSECRET" not in line and "No such file" not in line


KNOWN = "https://w3id.org/ena-grunddata/context.jsonld"


def test_case_29_a_known_context_is_served_from_the_shipped_copy(tmp_path, audit):
    body = ('"@id": "https://e.se/ds/1", "@type": "dcat:Dataset", "dcterms:title": {"@value": "Vägnät", '
            '"@language": "sv"}, "dcat:keyword": ["väg", "nät"]')
    by_reference = write(tmp_path, "known.jsonld", '{"@context": "%s", %s}' % (KNOWN, body))
    inline = write(tmp_path, "inline.jsonld", '{"@context": {"dcat": "http://www.w3.org/ns/dcat#", '
                                              '"dcterms": "http://purl.org/dc/terms/"}, %s}' % body)
    graph = load([by_reference]).graph
    assert connects(audit) == []
    assert len(graph) == 4 and isomorphic(graph, load([inline]).graph)


def test_case_29_known_context_inside_a_list_and_an_import(tmp_path, audit):
    text = ('{"@context": [{"ex": "https://e.se/"}, {"@import": "%s", "title": "dcterms:title"}], '
            '"@id": "https://e.se/a", "title": "x", "ex:p": 1}' % KNOWN)
    assert len(load([write(tmp_path, "list.jsonld", text)]).graph) == 2
    assert connects(audit) == []


def test_case_30_an_endless_context_is_never_fetched(tmp_path, cli_run, audit, server):
    """No flag allows a remote context, so the endless or /dev/zero context is refused before any read."""
    for reference in (server.url("/forever"), "file:///dev/zero"):
        path = write(tmp_path, "endless.jsonld", jsonld_with_context(reference))
        run = cli_run("validate", path)
        assert_error(run, 2, "remote JSON-LD context not allowed", where=f"{path}:2: ")
        assert run.cpu_seconds < 1
    assert server.count() == 0 and connects(audit) == [] and opened(audit, "/dev/zero") == []
