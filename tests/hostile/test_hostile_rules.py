"""Round two (issue #16), family 10 and the user-shapes part of family 1: rules that cannot be side-stepped.

- The fast engine's own names (urn:ena:fast:…) are refused in input by both engines (both engines agree).
- JSON-LD values a processor would drop silently are refused: terms mapped to null, @vocab: null, unknown keywords.
- Near-miss spellings of the grunddata scheme are a claim of national base data: the grunddata rules apply, in
  both engines, exactly as for the canonical spelling.
- Bad SHACL or SHACL-SPARQL in user shapes is a one-line usage error in both engines.
"""

from __future__ import annotations

import json

import pytest

from hostile_support import assert_error, write

PREFIXES = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
ENGINES = ["fast", "pyshacl"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("statement", [
    '<https://example.se/d> dcterms:issued "2024-13-45"^^<urn:ena:fast:datatype:http://www.w3.org/2001/XMLSchema#date> .',
    '<https://example.se/d> dcterms:issued "x"^^<URN:ENA:FAST:datatype:x> .',
    "<urn:ena:fast:set:1> <urn:ena:fast:member> <https://example.se/d> .",
    "<urn:ena:fast:ill-typed> <urn:ena:fast:member> \"x\" .",
    "<https://example.se/d> dcterms:relation <urn:ena:fast:meta> .",
    # spelled so that the whole name is nowhere in the file: a prefix, escapes, any case
    "@prefix u: <URN:ena:> . <https://example.se/d> dcterms:relation u:fast:meta .",
    "<https://example.se/d> dcterms:relation <\\u0075rn:ena:fast:meta> .",
    "<https://example.se/d> dcterms:relation <\\U00000055RN:\\u0065na:fast:meta> .",
    "@prefix u: <\\u0075rn:ena:f> . <https://example.se/d> dcterms:relation u:ast:meta .",
])
def test_the_fast_engines_own_names_are_refused_by_both_engines(tmp_path, cli_run, engine, statement):
    source = write(tmp_path, "c.ttl", PREFIXES + '<https://example.se/d> a dcat:Dataset ; dcterms:title "x"@sv .\n'
                   + statement + "\n")
    run = cli_run("validate", "--engine", engine, source)
    assert_error(run, 2, "reserved", where=str(source))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name,content", [
    # a compact IRI joins a prefix and a suffix into the name
    ("c.jsonld", json.dumps({"@context": {"u": "urn:ena:", "dct": "http://purl.org/dc/terms/"},
                             "@id": "https://example.se/d", "@type": "http://www.w3.org/ns/dcat#Dataset",
                             "dct:relation": {"@id": "u:fast:meta"}})),
    ("c.jsonld", '{"@id": "https://example.se/d", "http://purl.org/dc/terms/relation": '
                 '{"@id": "\\u0075rn:ena:fast:meta"}}'),
    # XML character references
    ("c.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              'xmlns:dct="http://purl.org/dc/terms/">\n<rdf:Description rdf:about="https://example.se/d">\n'
              '<dct:relation rdf:resource="&#117;rn:ena:fast:meta"/>\n</rdf:Description>\n</rdf:RDF>\n'),
    ("c.nt", "<https://example.se/d> <http://purl.org/dc/terms/relation> <\\u0075rn:ena:fast:meta> .\n"),
])
def test_the_fast_engines_own_names_are_refused_in_every_spelling_and_format(tmp_path, cli_run, engine, name,
                                                                               content):
    source = write(tmp_path, name, content)
    run = cli_run("validate", "--engine", engine, source)
    assert_error(run, 2, "reserved", where=str(source))


JSONLD_DROPS = {
    "term mapped to null": {"@context": {"title": None, "dct": "http://purl.org/dc/terms/"}, "title": "x"},
    "@id null": {"@context": {"title": {"@id": None}}, "title": "x"},
    "@vocab null": {"@context": {"@vocab": "http://purl.org/dc/terms/"}, "title": "x",
                    "http://purl.org/dc/terms/subject": {"@context": {"@vocab": None}, "title": "y"}},
    "prefix null": {"@context": {"dct": None}, "dct:title": "x"},
    "unknown keyword": {"@context": {"dct": "http://purl.org/dc/terms/"}, "@titel": "x", "dct:title": "t"},
}


@pytest.mark.parametrize("kind", sorted(JSONLD_DROPS))
def test_jsonld_values_that_would_be_dropped_are_refused(tmp_path, cli_run, kind):
    document = {"@id": "https://example.se/a", **JSONLD_DROPS[kind]}
    source = write(tmp_path, "c.jsonld", json.dumps(document))
    for engine in ENGINES:
        assert_error(cli_run("validate", "--engine", engine, source), 2, "ignored", where=str(source))


NEAR_MISSES = ["http://www.dataportal.se/terminology/grunddata/fastighet",
               "https://dataportal.se/terminology/grunddata/fastighet",
               "https://www.dataportal.se/terminology/Grunddata/Fastighet",
               "https://WWW.DATAPORTAL.SE/terminology/grunddata/fastighet",
               "https://www.dataportal.se:443/terminology/grunddata/fastighet",
               "https://www.dataportal.se//terminology//grunddata//fastighet/",
               "https://www.dataportal.se/concepts/grunddata/fastighet"]
CANONICAL = "https://www.dataportal.se/terminology/grunddata/fastighet"


def dataset(subject: str) -> str:
    return (PREFIXES + '<https://example.se/d> a dcat:Dataset ; dcterms:title "Vägnät"@sv ; '
            "dcterms:publisher <http://dataportal.se/organisation/SE5560000000> ; "
            f"dcterms:subject <{subject}> .\n")


def codes(run) -> set:
    return {finding["code"] for finding in json.loads(run.stdout)["findings"]}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("subject", NEAR_MISSES)
def test_near_misses_of_the_grunddata_scheme_are_a_claim(tmp_path, cli_run, engine, subject):
    claim = cli_run("validate", "--engine", engine, "-f", "json", write(tmp_path, "exact.ttl", dataset(CANONICAL)))
    near = cli_run("validate", "--engine", engine, "-f", "json", write(tmp_path, "near.ttl", dataset(subject)))
    grunddata_rules = {code for code in codes(claim) if code.startswith("GD-")}
    assert "GD-DOMAIN-KNOWN" in grunddata_rules or grunddata_rules  # an unregistered publisher is caught
    assert grunddata_rules <= codes(near), grunddata_rules - codes(near)
    assert near.exit_code == 1


SHAPES = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n" \
         "@prefix dcterms: <http://purl.org/dc/terms/> .\n<https://example.org/S> a sh:NodeShape ; " \
         "sh:targetClass dcat:Dataset ; "
BAD_SHAPES = {
    "unparsable SPARQL": 'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . FILTER(?o = ) }" ] .',
    "unknown prefix": 'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . FILTER(nope:f(?o)) }" ] .',
    "select not a string": "sh:sparql [ sh:select 42 ] .",
    "minCount not a number": 'sh:property [ sh:path dcterms:title ; sh:minCount "abc" ] .',
    "bad regular expression": 'sh:property [ sh:path dcterms:title ; sh:pattern "(" ] .',
    "alternative path of nothing": "sh:property [ sh:path [ sh:alternativePath ( ) ] ; sh:minCount 1 ] .",
}


@pytest.mark.parametrize("engine", ["auto", "fast", "pyshacl"])
@pytest.mark.parametrize("kind", sorted(BAD_SHAPES))
def test_bad_user_shapes_are_one_line_in_every_engine(tmp_path, cli_run, engine, kind):
    shapes = write(tmp_path, "shapes.ttl", SHAPES + BAD_SHAPES[kind] + "\n")
    data = write(tmp_path, "c.ttl", PREFIXES + '<https://example.se/d> a dcat:Dataset ; dcterms:title "x" .\n')
    run = cli_run("validate", "--engine", engine, "--shapes", shapes, data)
    assert_error(run, 2)


# Shapes the fast engine meets only at run time: it compiles them, then oxigraph cannot plan a query (a function it
# does not know), or a row shows what it cannot compare (sh:lessThan between blank nodes). `auto` falls back to
# pyshacl with a note, `fast` is a one-line usage error; never an internal error.
DATA_WITH_BLANK_NODES = (PREFIXES + "@prefix ex: <https://example.org/> .\n<https://example.se/d> a dcat:Dataset ; "
                         'dcterms:title "x"@sv ; ex:start [ ex:v 1 ] ; ex:end [ ex:v 2 ] .\n')
UNKNOWN_FUNCTION = 'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . FILTER(<https://example.org/f>(?o)) }" ] .'
UNKNOWN_FUNCTION_TARGET = ('sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ?p ?o . '
                           'FILTER(<https://example.org/f>(?o)) }" ] ; sh:property [ sh:path dcterms:title ; '
                           'sh:minCount 2 ] .')
LESS_THAN_BLANK = "sh:property [ sh:path <https://example.org/start> ; sh:lessThan <https://example.org/end> ] ."


@pytest.mark.parametrize("shape", [UNKNOWN_FUNCTION, UNKNOWN_FUNCTION_TARGET], ids=["constraint", "target"])
def test_sparql_the_fast_engine_cannot_plan_falls_back_or_is_one_line(tmp_path, cli_run, shape):
    shapes = write(tmp_path, "shapes.ttl", SHAPES + shape + "\n")
    data = write(tmp_path, "c.ttl", DATA_WITH_BLANK_NODES)
    fast = cli_run("validate", "--engine", "fast", "--shapes", shapes, data)
    assert_error(fast, 2, "cannot run these shapes", "<https://example.org/f>")
    auto = cli_run("validate", "--engine", "auto", "--shapes", shapes, "-f", "json", data)
    reference = cli_run("validate", "--engine", "pyshacl", "--shapes", shapes, "-f", "json", data)
    assert auto.exit_code == reference.exit_code == 1, auto.stderr + reference.stderr
    assert "pyshacl used" in auto.stderr
    def keys(run):  # a blank-node shape is named anew in every run
        return [{**finding, "shape": None} for finding in json.loads(run.stdout)["findings"]]

    assert keys(auto) == keys(reference)


@pytest.mark.parametrize("engine", ["auto", "fast", "pyshacl"])
def test_less_than_between_blank_nodes_is_one_line_in_every_engine(tmp_path, cli_run, engine):
    shapes = write(tmp_path, "shapes.ttl", SHAPES + LESS_THAN_BLANK + "\n")
    data = write(tmp_path, "c.ttl", DATA_WITH_BLANK_NODES)
    assert_error(cli_run("validate", "--engine", engine, "--shapes", shapes, data), 2, "lessThan")
