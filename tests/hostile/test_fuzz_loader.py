"""Property-based fuzzing of the one loader: any bytes, in any format, give a graph or an InputError.

Never another exception (no RecursionError, UnicodeError, SAX or rdflib exception escapes), never a network
access, and a refusal is always one line naming the document. Bounded: a few hundred examples per property.
"""

from __future__ import annotations

import importlib
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from ena_grunddata.errors import InputError
from ena_grunddata.load import FORMATS, Document, Limits, parse_document

loader = importlib.import_module("ena_grunddata.load")
# ENA_FUZZ_EXAMPLES raises the bound for a longer hunt (CI keeps the default: a few seconds).
FUZZ = settings(max_examples=int(os.environ.get("ENA_FUZZ_EXAMPLES", 200)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
LIMITS = Limits(timeout=5, max_nesting=100)

VALID = {
    "turtle": '@prefix dct: <http://purl.org/dc/terms/> .\n<https://e.se/a> a <http://www.w3.org/ns/dcat#Dataset> ;'
              ' dct:title "Vägnät"@sv, "x"^^<http://www.w3.org/2001/XMLSchema#date> ; dct:subject [ dct:title "b" ] ;'
              ' dct:relation ( <https://e.se/b> "c" ) .\n',
    "ntriples": '<https://e.se/a> <http://purl.org/dc/terms/title> "Vägnät"@sv .\n_:b <https://e.se/p> "1" .\n',
    "nquads": '<https://e.se/a> <http://purl.org/dc/terms/title> "V"@sv <https://e.se/g> .\n',
    "trig": '<https://e.se/g> { <https://e.se/a> <http://purl.org/dc/terms/title> "V"@sv . }\n',
    "rdfxml": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              'xmlns:d="http://purl.org/dc/terms/"><rdf:Description rdf:about="https://e.se/a"><d:title '
              'xml:lang="sv">Vägnät</d:title><d:subject rdf:parseType="Resource"><d:title>b</d:title></d:subject>'
              '</rdf:Description></rdf:RDF>\n',
    "jsonld": '{"@context": {"dct": "http://purl.org/dc/terms/", "title": "dct:title"}, "@id": "https://e.se/a",'
              ' "title": {"@value": "Vägnät", "@language": "sv"}, "dct:subject": {"title": "b"}}',
}
# Fragments an attacker would reach for: entities, contexts, deep nesting, bad escapes and characters.
HOSTILE = ['<!ENTITY x "y">', "&x;", '<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x">', '"@context": "http://127.0.0.1:9/c"',
           '{"@import": "file:///etc/hostname"}', "[" * 150, "(" * 150, "{" * 150, "\\uD800", "\\u0000", "\x00",
           "\ufeff", "\\u003E", "@en_US", '"@language": "not a tag!"', "<a b>", "\xff\xfe", '"""', "'''", "#",
           "@prefix : <", "_:", "^^", "]]>", "<![CDATA[", "\r\n", "\u2028"]


def check(document: Document) -> None:
    try:
        graph = parse_document(document, LIMITS)
    except InputError as error:
        text = str(error)
        assert "\n" not in text and text.startswith(document.name), text
        return
    assert isinstance(graph, Graph)


def check_oxigraph(document: Document) -> None:
    """The fast engine's parser: the same safety rules; a refusal by pyoxigraph alone is its documented signal."""
    parse = getattr(loader, "parse_document_oxigraph", None)
    if parse is None:
        return
    try:
        parse(document, LIMITS, sink=list)
    except InputError as error:
        assert "\n" not in str(error)
    except loader.RefusedByOxigraph:
        pass


@FUZZ
@given(fmt=st.sampled_from(sorted(FORMATS)), data=st.binary(max_size=2048))
@example(fmt="jsonld", data=b"0")  # found by this fuzzer: a JSON scalar crashed the nesting check
@example(fmt="jsonld", data=b'"@context"')
def test_random_bytes_in_every_format(fmt, data):
    document = Document(name="fuzz.bin", data=data, format=fmt, base="https://relative.invalid/fuzz")
    check(document)
    check_oxigraph(document)


@st.composite
def mutated(draw):
    fmt = draw(st.sampled_from(sorted(VALID)))
    text = VALID[fmt]
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if action == "insert":
            piece = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)))
            text = text[:position] + piece + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 12)):]
        elif action == "replace":
            text = text[:position] + draw(st.characters()) + text[position + 1:]
        else:
            text = text[:position] + text[position:position + 40] * draw(st.integers(2, 60)) + text[position:]
    return fmt, text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(case=mutated())
def test_mutated_valid_documents(case, audit):
    fmt, data = case
    document = Document(name="mutated." + fmt, data=data, format=fmt, base="https://relative.invalid/m")
    check(document)
    check_oxigraph(document)
    assert [arg for event, arg in audit if event in ("socket.connect", "urllib.Request")] == []
    assert [arg for event, arg in audit if event == "open" and "/etc/" in str(arg)] == []


@FUZZ
@given(depth=st.integers(90, 600), kind=st.sampled_from(["[ <https://e.se/p> ", "( ", '{"https://e.se/p": ']))
def test_any_nesting_depth_is_a_graph_or_a_clean_refusal(depth, kind):
    if kind.startswith("{"):
        data, fmt = '{"@id": "https://e.se/a", ' + kind * depth + '"x"' + "}" * (depth + 1), "jsonld"
    else:
        close = " ]" if kind.startswith("[") else " )"
        data, fmt = "<https://e.se/a> <https://e.se/p> " + kind * depth + '"x"' + close * depth + " .", "turtle"
    check(Document(name="deep", data=data.encode(), format=fmt, base="https://relative.invalid/d"))


EXTENSIONS = {"turtle": ".ttl", "ntriples": ".nt", "nquads": ".nq", "trig": ".trig", "rdfxml": ".rdf",
              "jsonld": ".jsonld"}


@settings(max_examples=int(os.environ.get("ENA_FUZZ_EXAMPLES", 30)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_the_cli_gives_a_report_or_one_error_line(case, tmp_path_factory):
    """End to end: `validate` on a mutated file exits 0, 1 or 2, never 70, and never prints a traceback."""
    from click.testing import CliRunner

    from ena_grunddata.commands.cli import cli

    fmt, data = case
    path = tmp_path_factory.mktemp("fuzz") / ("fuzz" + EXTENSIONS[fmt])
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["validate", "--timeout", "10", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr
