"""Cases 1-22 of security.md section 4: local input and parsing.

Every refusal is exit 2 (input error), one line `error: <file>[:line[:col]]: <what>`, no traceback.
"""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.namespace import XSD

from ena_grunddata.errors import InputError
from ena_grunddata.load import load
from hostile_support import RDF_HEADER, TURTLE, assert_error, assert_no_traceback, write

P = "<https://e.se/p>"


def test_case_01_missing_input_path(tmp_path, cli_run):
    missing = tmp_path / "x.ttl"
    assert_error(cli_run("validate", missing), 2, "no such file", where=f"{missing}: ")


@pytest.mark.parametrize("name", ["empty.ttl", "empty.jsonld", "empty.rdf", "blank.ttl"])
def test_case_02_empty_input_is_the_same_outcome_in_every_format(tmp_path, cli_run, name):
    path = write(tmp_path, name, "" if name.startswith("empty") else "\n  \n")
    assert_error(cli_run("validate", path), 2, "empty input", where=f"{path}: ")


def test_case_03_turtle_syntax_error_names_file_and_line(tmp_path, cli_run):
    path = write(tmp_path, "bad.ttl", "@prefix ex: <https://e.se/> .\nex:a ex:p ex:b .\nex:c ex:p ex:d ex:e .\n")
    assert_error(cli_run("validate", path), 2, where=f"{path}:3:")


def test_case_04_ntriples_error_names_line_2(tmp_path, cli_run):
    path = write(tmp_path, "bad.nt", f"<https://e.se/a> {P} <https://e.se/b> .\noops .\n")
    assert_error(cli_run("validate", path), 2, "N-Triples", where=f"{path}:2:")


def test_case_05_rdfxml_mismatched_tag(tmp_path, cli_run):
    path = write(tmp_path, "bad.rdf", RDF_HEADER + '<rdf:Description rdf:about="https://e.se/a">\n</rdf:RDF>\n')
    line = assert_error(cli_run("validate", path), 2, "mismatched tag", where=f"{path}:4:")
    assert line.count(":") >= 4  # file:line:column


def test_case_06_invalid_json_names_line_and_column(tmp_path, cli_run):
    path = write(tmp_path, "bad.jsonld", '{\n  "@id": "https://e.se/a",\n  "https://e.se/p": "x" "y"\n}\n')
    assert_error(cli_run("validate", path), 2, where=f"{path}:3:")


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_case_07_early_error_in_a_large_file_fails_fast(tmp_path, cli_run, suffix):
    good = "".join(f"<https://e.se/s{i}> {P} \"v{i}\" .\n" for i in range(200_000))
    path = write(tmp_path, f"big{suffix}", f"<https://e.se/a> {P} .\n" + good)
    run = cli_run("validate", path)
    assert_error(run, 2, where=f"{path}:1:")
    assert run.cpu_seconds < 2, run.cpu_seconds  # CPU time: the machine may be busy with other work


def test_case_08_error_on_the_last_line_contributes_nothing(tmp_path, cli_run):
    good = write(tmp_path, "good.ttl", TURTLE)
    bad = write(tmp_path, "bad.ttl", TURTLE.replace("ds/1", "ds/2") + "\n<https://e.se/x> <https://e.se/y> .\n")
    report = tmp_path / "report.json"
    # each source on its own (README, validate): good.ttl is reported, nothing of bad.ttl reaches the report
    assert_error(cli_run("validate", "-f", "json", "-o", report, good, bad), 2, where=f"{bad}:")
    printed = json.loads(report.read_text(encoding="utf-8"))
    assert printed["sources"] == [str(good)]
    assert not [f for f in printed["findings"] if "ds/2" in f["focus"] or f["source"] == str(bad)]
    # one graph (--merge): nothing is written at all
    report.unlink()
    assert_error(cli_run("validate", "--merge", "-f", "json", "-o", report, good, bad), 2, where=f"{bad}:")
    assert not report.exists()
    with pytest.raises(InputError):
        load([good, bad])


def test_case_09_input_over_the_byte_cap_is_refused_before_parsing(tmp_path, cli_run):
    path = write(tmp_path, "big.ttl", TURTLE * 40)
    assert_error(cli_run("validate", "--max-input-bytes", 1024, path), 2, "1,024 bytes", "--max-input-bytes",
                 where=f"{path}: ")


def test_case_10_json_in_a_ttl_file_suggests_naming_the_format(tmp_path, cli_run):
    path = write(tmp_path, "data.ttl", '{"@id": "https://e.se/a", "https://e.se/p": "x"}')
    assert_error(cli_run("validate", path), 2, "--input-format", where=f"{path}:")


def test_case_10_unknown_extension_without_format_is_not_guessed_as_turtle(tmp_path, cli_run):
    path = write(tmp_path, "notes.txt", "just some words, not RDF at all\n")
    assert_error(cli_run("validate", path), 2, "--input-format", where=f"{path}: ")


@pytest.mark.parametrize("name", ["bom.ttl", "bom.jsonld", "bom.nt"])
def test_case_11_utf8_byte_order_mark_is_accepted(tmp_path, name):
    text = {"bom.ttl": TURTLE, "bom.nt": f'<https://e.se/a> {P} "x" .\n',
            "bom.jsonld": '{"@id": "https://e.se/a", "https://e.se/p": "x"}'}[name]
    path = write(tmp_path, name, b"\xef\xbb\xbf" + text.encode())
    assert len(load([path]).graph) >= 1


def test_case_12_invalid_utf8_names_byte_and_line(tmp_path, cli_run):
    path = write(tmp_path, "latin1.ttl", TURTLE.encode() + b'<https://e.se/a> <https://e.se/p> "V\xe4g" .\n')
    offset = len(TURTLE.encode()) + len(b'<https://e.se/a> <https://e.se/p> "V')
    assert_error(cli_run("validate", path), 2, f"not valid UTF-8 at byte {offset}", where=f"{path}:6:")


def test_case_12_utf16_jsonld_is_clearly_refused(tmp_path, cli_run):
    path = write(tmp_path, "utf16.jsonld", '{"@id": "https://e.se/a", "https://e.se/p": "x"}'.encode("utf-16"))
    assert_error(cli_run("validate", path), 2, "UTF-8", where=f"{path}:")


@pytest.mark.parametrize("name, text", [
    ("brackets.ttl", f"<https://e.se/a> {P} " + f"[ {P} " * 200 + '"x"' + " ]" * 200 + " ."),
    ("lists.ttl", f"<https://e.se/a> {P} " + "( " * 300 + '"x"' + " )" * 300 + " ."),
    ("deep.jsonld", '{"@id": "https://e.se/a", ' + '"https://e.se/p": {' * 400 + '"@value": "x"' + "}" * 401),
    ("deep.json-ld", "[" * 5000 + "]" * 5000),
])
def test_case_13_nesting_beyond_the_limit_is_refused(tmp_path, cli_run, name, text):
    """Refused wherever rdflib parses (library, export, describe, --engine pyshacl). The fast engine's parser
    (pyoxigraph) reads Turtle nesting iteratively and may accept it: harmless there, so either outcome is fine."""
    path = write(tmp_path, name, text)
    with pytest.raises(InputError, match="nesting too deep"):
        load([path])
    assert_error(cli_run("validate", "--engine", "pyshacl", path), 2, "nesting too deep", where=f"{path}")
    run = cli_run("validate", path)
    if run.exit_code == 2 or not name.endswith(".ttl"):
        assert_error(run, 2, "nesting too deep", where=f"{path}")
    else:
        assert run.exit_code in (0, 1) and run.stderr == "", run.stderr


def test_case_13_reasonable_nesting_still_parses(tmp_path):
    text = f"<https://e.se/a> {P} " + f"[ {P} " * 20 + '"x"' + " ]" * 20 + " ."
    assert len(load([write(tmp_path, "ok.ttl", text)]).graph) == 21


def test_case_14_a_20_mb_literal_parses_within_a_memory_bound(tmp_path, cli_process):
    path = write(tmp_path, "huge.nt", f'<https://e.se/a> {P} "' + "a" * (20 * 1024 * 1024) + '" .\n')
    run = cli_process("validate", path, timeout=120)
    assert run.exit_code in (0, 1), run.stderr
    assert_no_traceback(run)
    # measured: rdflib needs about 8.5 times the input; we allow 12 times plus the interpreter and shapes
    assert run.peak_rss_mib < 12 * 20 + 250, run.peak_rss_mib


@pytest.mark.parametrize("name, text, line", [
    ("surrogate.ttl", f'\n<https://e.se/a> {P} "bad\\uD800" .\n', 2),
    ("surrogate.nt", f'<https://e.se/a> {P} "ok" .\n<https://e.se/a> {P} "bad\\uD800" .\n', 2),
    ("surrogate.jsonld", '{"@id": "https://e.se/a",\n "https://e.se/p": "bad\\ud800"}', 2),
])
def test_case_15_lone_surrogate_is_refused_with_a_line(tmp_path, cli_run, name, text, line):
    path = write(tmp_path, name, text)
    assert_error(cli_run("validate", path), 2, "surrogate", where=f"{path}:{line}:")


@pytest.mark.parametrize("name, text, line", [
    ("space.ttl", f'\n<https://e.se/a b> {P} "x" .\n', 2),
    ("gt.ttl", f'\n\n<https://e.se/a\\u003E}} ; DROP ALL ; INSERT DATA {{<x> {P} "x" .\n', None),
    ("newline.ttl", f'<https://e.se/a\\u000A\\u0009b> {P} "x" .\n', None),
    ("quote.ttl", f'<https://e.se/a\\u0022b> {P} "x" .\n', None),
    ("about.rdf", RDF_HEADER + '<rdf:Description rdf:about="a b>c"><dcterms:title>x</dcterms:title>'
                               '</rdf:Description></rdf:RDF>', None),
    ("id.jsonld", '{"@id": "https://e.se/a b",\n "https://e.se/p": "x"}', None),
])
def test_case_16_invalid_iris_are_refused(tmp_path, cli_run, name, text, line):
    path = write(tmp_path, name, text)
    where = f"{path}:{line}: " if line else f"{path}"
    assert_error(cli_run("validate", path), 2, "invalid IRI", where=where)


def test_case_16_no_raw_newline_ever_reaches_ntriples(tmp_path):
    with pytest.raises(InputError):
        load([write(tmp_path, "nl.ttl", f'<https://e.se/a\\u000Ab> {P} "x" .\n')])


@pytest.mark.parametrize("name, text", [
    ("rel.ttl", '@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<thing> a dcat:Dataset .\n'),
    ("rel.rdf", RDF_HEADER + '<dcat:Dataset rdf:about="thing"/></rdf:RDF>'),
    ("rel.jsonld", '{"@id": "thing", "@type": "http://www.w3.org/ns/dcat#Dataset"}'),
])
def test_case_17_relative_iris_never_become_local_paths(tmp_path, cli_run, name, text):
    path = write(tmp_path, name, text)
    graph = load([path]).graph
    assert graph, "the relative subject must still be read"
    for term in graph.all_nodes():
        assert not str(term).startswith("file:") and str(tmp_path) not in str(term), term
    if not name.endswith(".ttl"):
        return  # one report through the CLI is enough (each validation costs seconds)
    run = cli_run("validate", "-f", "json", path)
    assert run.exit_code in (0, 1), run.stderr
    findings = json.loads(run.stdout)["findings"]
    assert any("relative.invalid/thing" in f["focus"] for f in findings)
    for finding in findings:
        for key in ("focus", "value"):
            assert not str(finding.get(key) or "").startswith("file:"), finding
            assert str(tmp_path) not in str(finding.get(key) or ""), finding


@pytest.mark.parametrize("name, text", [
    ("us.ttl", f'<https://e.se/a> {P} "a"@en_US .\n'),
    ("num.ttl", f'<https://e.se/a> {P} "a"@123 .\n'),
    ("lang.rdf", RDF_HEADER + '<rdf:Description rdf:about="https://e.se/a"><dcterms:title xml:lang="1 2">x'
                              '</dcterms:title></rdf:Description></rdf:RDF>'),
    ("lang.jsonld", '{"@id": "https://e.se/a",\n "https://e.se/p": {"@value": "x", "@language": "not a tag!"}}'),
    ("ctxlang.jsonld", '{"@context": {"@language": "not a tag!"}, "@id": "https://e.se/a", "https://e.se/p": "x"}'),
])
def test_case_18_invalid_language_tags_are_reported(tmp_path, cli_run, name, text):
    path = write(tmp_path, name, text)
    assert_error(cli_run("validate", path), 2, "language tag", where=f"{path}")


@pytest.mark.parametrize("text, key", [
    ('{"@id": "https://e.se/a", "title": "x"}', "title"),
    ('{"@context": {"dct": "http://purl.org/dc/terms/"}, "@id": "https://e.se/a", "dct:title": "x", '
     '"publisher": {"@id": "https://e.se/p"}}', "publisher"),
    ('{"@graph": [{"@id": "https://e.se/a", "https://e.se/p": "x"}, {"@id": "https://e.se/b", "nope": 1}]}', "nope"),
])
def test_case_19_jsonld_values_that_would_be_dropped_are_reported(tmp_path, cli_run, text, key):
    path = write(tmp_path, "drop.jsonld", text)
    line = assert_error(cli_run("validate", path), 2, f"'{key}'", where=f"{path}")
    assert "ignored" in line


def test_case_19_vocab_and_prefixed_keys_are_not_reported(tmp_path):
    text = ('{"@context": {"@vocab": "https://e.se/v#", "dct": "http://purl.org/dc/terms/"}, "@id": "https://e.se/a",'
            ' "title": "x", "dct:issued": "2024", "https://e.se/full": 1}')
    assert len(load([write(tmp_path, "ok.jsonld", text)]).graph) == 3


USER_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://e.se/shapes/Issued> a sh:NodeShape ; sh:targetSubjectsOf dcterms:issued ;
    sh:property <https://e.se/shapes/IssuedDate> .
<https://e.se/shapes/IssuedDate> ena:code "TEST-ISSUED-DATE" ; sh:severity sh:Violation ;
    sh:message "issued must be a date"@en, "issued måste vara ett datum"@sv ;
    sh:path dcterms:issued ; sh:datatype xsd:date .
"""


def test_case_20_ill_typed_literals_become_findings_without_traceback(tmp_path, cli_run):
    data = write(tmp_path, "typed.ttl", '@prefix dcterms: <http://purl.org/dc/terms/> .\n'
                 '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                 '<https://e.se/a> dcterms:issued "abc"^^xsd:date .\n'
                 '<https://e.se/b> dcterms:issued "2024-02-30"^^xsd:date .\n'
                 '<https://e.se/c> dcterms:issued "1.5"^^xsd:integer .\n')
    shapes = write(tmp_path, "shapes.ttl", USER_SHAPE)
    run = cli_run("validate", "--shapes", shapes, "-f", "json", data)
    assert run.exit_code == 1, run.stderr
    assert_no_traceback(run)
    assert "Failed to convert" not in run.stderr and "rdflib" not in run.stderr
    focus = {f["focus"] for f in json.loads(run.stdout)["findings"] if f["code"] == "TEST-ISSUED-DATE"}
    assert focus == {"https://e.se/a", "https://e.se/b", "https://e.se/c"}


def test_case_21_lexical_forms_survive_a_round_trip(tmp_path):
    text = ('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
            f'<https://e.se/a> {P} "yes"^^xsd:boolean, "01"^^xsd:integer, "+1.50"^^xsd:decimal, '
            '"1e99999"^^xsd:double .\n')
    graph = load([write(tmp_path, "lex.ttl", text)]).graph
    # Only N-Triples and RDF/XML keep every lexical form in rdflib: its Turtle serialiser writes a non-canonical
    # boolean bare (`yes`, not Turtle) and its JSON-LD serialiser writes native JSON (`false`, `1`). What our own
    # commands write is checked in test_hostile_outputs.py.
    for fmt in ("nt", "xml"):
        again = Graph().parse(data=graph.serialize(format=fmt), format=fmt)
        lexical = {str(o) for o in again.objects()}
        assert lexical == {"yes", "01", "+1.50", "1e99999"}, (fmt, lexical)


def test_case_22_a_5000_digit_integer_does_not_crash(tmp_path, cli_run):
    """Documented in SECURITY.md: Python refuses int() of more than 4300 digits, so rdflib marks such a literal
    ill-typed and a sh:datatype xsd:integer check reports it (a false positive); nothing crashes."""
    digits = "7" * 5000
    data = write(tmp_path, "bigint.ttl", f'<https://e.se/a> <http://purl.org/dc/terms/issued> "{digits}"^^<{XSD.integer}> .\n')
    graph = load([data]).graph
    (literal,) = graph.objects()
    assert str(literal) == digits and literal.datatype == XSD.integer  # lexical form kept whole
    assert literal.ill_typed  # the documented limitation
    assert_no_traceback(cli_run("validate", "--max-input-bytes", 100, data))  # a refusal path, quick


@pytest.mark.parametrize("name, text", [
    ("nul.ttl", f'<https://e.se/a> {P} "ok" .\n<https://e.se/a> {P} "a\\u0000b" .\n'),
    ("nul.nt", f'<https://e.se/a> {P} "ok" .\n<https://e.se/a> {P} "a\\u0000b" .\n'),
    ("vt.jsonld", '{"@id": "https://e.se/a",\n "https://e.se/p": "a\\u000bb"}'),
])
def test_nul_and_other_control_characters_are_refused_with_a_line(tmp_path, cli_run, name, text):
    """security.md 1e: a NUL in a literal was accepted and written raw; XML 1.0 cannot carry it at all."""
    path = write(tmp_path, name, text)
    assert_error(cli_run("validate", path), 2, "control character", where=f"{path}:2: ")


def test_case_12_utf16_turtle_is_refused_as_not_utf8(tmp_path, cli_run):
    """Said as what it is, by its byte-order mark (test_hostile_not_text.py has the whole family)."""
    path = write(tmp_path, "utf16.ttl", TURTLE.encode("utf-16"))
    assert_error(cli_run("validate", path), 2, "UTF-16 text, not UTF-8 text", "save it as UTF-8", where=f"{path}: ")


@pytest.mark.parametrize("name, text", [
    ("scheme.nq", '<0ttps://e.se/a> <http://purl.org/dc/terms/title> "V"@sv <https://e.se/g> .\n'),
    ("port.ttl", '<http://e.se:port/a> <http://purl.org/dc/terms/title> "V"@sv .\n'),
    ("datatype.ttl", '<https://e.se/a> <http://purl.org/dc/terms/title> "V"^^<1x:y> .\n'),
])
def test_iris_that_stores_and_the_fast_engine_refuse_are_input_errors(tmp_path, cli_run, name, text):
    """Found by the CLI fuzzer: rdflib accepted `<0ttps://…>`, then the fast engine failed with exit 70."""
    path = write(tmp_path, name, text)
    assert_error(cli_run("validate", path), 2, "invalid IRI", where=f"{path}:1: ")


def test_language_tags_that_stores_refuse_are_input_errors(tmp_path, cli_run):
    """Found by the CLI fuzzer: rdflib accepted `@v`, then the fast engine failed with exit 70."""
    path = write(tmp_path, "one-letter.nt", '<https://e.se/a> <http://purl.org/dc/terms/title> "V"@v .\n')
    assert_error(cli_run("validate", path), 2, "invalid language tag '@v'", where=f"{path}:1: ")
