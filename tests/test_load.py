"""The one loader: every format, every failure, and where resources came from."""

import io
import sys

import pytest
from rdflib import URIRef

from ena_grunddata.errors import InputError, UsageError
from ena_grunddata.load import Limits, load, sniff_format

TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://example.se/ds/1> a dcat:Dataset ;
    dcterms:title "Vägnät"@sv .
"""
RDFXML = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcterms="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.se/ds/1">
    <dcterms:title xml:lang="sv">Vägnät</dcterms:title>
  </rdf:Description>
</rdf:RDF>
"""
JSONLD = """{"@context": {"dcterms": "http://purl.org/dc/terms/"},
 "@id": "https://example.se/ds/1", "dcterms:title": {"@value": "Vägnät", "@language": "sv"}}"""
NTRIPLES = '<https://example.se/ds/1> <http://purl.org/dc/terms/title> "Vägnät"@sv .\n'
NQUADS = '<https://example.se/ds/1> <http://purl.org/dc/terms/title> "Vägnät"@sv <https://example.se/g> .\n'
TRIG = "<https://example.se/g> { <https://example.se/ds/1> <http://purl.org/dc/terms/title> \"Vägnät\"@sv . }\n"

ALL_FORMATS = {".ttl": TURTLE, ".rdf": RDFXML, ".jsonld": JSONLD, ".nt": NTRIPLES, ".nq": NQUADS, ".trig": TRIG}
TITLE = (URIRef("https://example.se/ds/1"), URIRef("http://purl.org/dc/terms/title"))


@pytest.mark.parametrize("suffix", ALL_FORMATS)
def test_every_format_loads_by_extension(tmp_path, suffix):
    path = tmp_path / f"catalog{suffix}"
    path.write_text(ALL_FORMATS[suffix], encoding="utf-8")
    loaded = load([path])
    assert str(loaded.graph.value(*TITLE)) == "Vägnät"
    assert loaded.sources == [str(path)]


@pytest.mark.parametrize("text,expected", [(TURTLE, "turtle"), (RDFXML, "rdfxml"), (JSONLD, "jsonld"),
                                           (NTRIPLES, "ntriples"), (NQUADS, "nquads")])
def test_sniffing_recognises_content(text, expected):
    assert sniff_format(text.encode()) == expected


def test_unknown_extension_is_sniffed(tmp_path):
    path = tmp_path / "catalog.data"
    path.write_text(RDFXML, encoding="utf-8")
    assert str(load([path]).graph.value(*TITLE)) == "Vägnät"


def test_folders_are_walked_recursively_by_extension(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.ttl").write_text(TURTLE, encoding="utf-8")
    (tmp_path / "a" / "b" / "two.nt").write_text(NTRIPLES.replace("ds/1", "ds/2"), encoding="utf-8")
    (tmp_path / "a" / "notes.txt").write_text("not rdf", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hidden.ttl").write_text("broken {", encoding="utf-8")
    loaded = load([tmp_path])
    assert [s.rsplit("/", 1)[-1] for s in loaded.sources] == ["two.nt", "one.ttl"]  # sorted by path: a/b/… before a/o…
    assert len(loaded.graph) == 3


def test_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TURTLE.encode())))
    loaded = load(["-"])
    assert loaded.sources == ["<stdin>"]
    assert str(loaded.graph.value(*TITLE)) == "Vägnät"


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + TURTLE.encode())
    assert len(load([path]).graph) == 2


def test_origins_name_file_and_line(tmp_path):
    ttl = tmp_path / "a.ttl"
    ttl.write_text(TURTLE, encoding="utf-8")
    rdf = tmp_path / "b.rdf"
    rdf.write_text(RDFXML.replace("ds/1", "ds/9"), encoding="utf-8")
    loaded = load([ttl, rdf])
    assert loaded.origins.locate(URIRef("https://example.se/ds/1")) == (str(ttl), 4)
    assert loaded.origins.locate(URIRef("https://example.se/ds/9")) == (str(rdf), 3)


@pytest.mark.parametrize("order", [sorted, lambda parents: sorted(parents, reverse=True)])
def test_a_shared_blank_node_is_placed_at_the_first_resource_that_refers_to_it(tmp_path, order):
    """A blank node borrows the line of a resource that refers to it; of several, the first in the file, whatever
    order the graph hands them out in (rdflib's order changes from run to run)."""
    path = tmp_path / "c.ttl"
    path.write_text(
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "<https://e.org/b> dcterms:publisher _:agent .\n"  # line 3
        "<https://e.org/a> dcterms:publisher _:agent .\n"  # line 4
        "<https://e.org/c> dcterms:creator _:agent .\n"  # line 5
        "_:agent dcterms:title \"x\" .\n", encoding="utf-8")
    loaded = load([str(path)])
    agent = next(iter(loaded.graph.objects(URIRef("https://e.org/a"), None)))

    class Shuffled:  # the graph, handing out the resources that refer to a node in the order asked
        def subjects(self, predicate=None, obj=None):
            return iter(order(list(loaded.graph.subjects(predicate, obj))))

    assert loaded.origins.locate(agent, Shuffled()) == (str(path), 3)


def test_relative_iris_never_become_local_paths(tmp_path):
    path = tmp_path / "rel.ttl"
    path.write_text('<thing> <http://purl.org/dc/terms/title> "x" .', encoding="utf-8")
    subject = next(iter(load([path]).graph.subjects()))
    assert not str(subject).startswith("file:")
    assert str(tmp_path) not in str(subject)


def test_lexical_forms_are_preserved(tmp_path):
    path = tmp_path / "lex.ttl"
    path.write_text('<https://e.se/a> <https://e.se/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .',
                    encoding="utf-8")
    graph = load([path]).graph
    assert "01" in graph.serialize(format="nt")


def error_of(tmp_path, name, content, **kwargs) -> InputError:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError) as caught:
        load([path], **kwargs)
    return caught.value


@pytest.mark.parametrize("name,content,expected", [
    ("bad.ttl", "@prefix x: <https://e.se/> .\n\nx:a x:b x:c ;\n  x:d .\n", "bad.ttl:4: bad syntax"),
    ("bad.ttl", "@prefix x: <https://e.se/> .\nx:a x:b", "bad.ttl:2: unexpected end of input"),
    ("bad.nt", NTRIPLES + "<https://e.se/a> <https://e.se/b> oops .\n", "bad.nt:2: invalid N-Triples"),
    ("bad.rdf", RDFXML.replace("</rdf:Description>", ""), "bad.rdf:6:2: mismatched tag"),
    ("bad.jsonld", '{"@id": "https://e.se/a",\n  "x": }', "bad.jsonld:2:8: Expecting value"),
    ("bad.ttl", b"<https://e.se/a> <https://e.se/b> \"caf\xe9\" .\n", "bad.ttl:1: not valid UTF-8 at byte 38"),
    ("empty.ttl2", "", "empty input"),
    ("words.txt", "just some words", "cannot tell the RDF format"),
])
def test_syntax_errors_name_file_and_line(tmp_path, name, content, expected):
    error = error_of(tmp_path, name, content)
    assert str(error).startswith(str(tmp_path / name) + expected[len(name):]) or expected in str(error)
    assert "\n" not in str(error)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load([tmp_path / "missing.ttl"])


def test_no_sources_is_a_usage_error():
    with pytest.raises(UsageError):
        load([])


def test_entity_declarations_are_refused(tmp_path):
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "aaaaaaaaaa">\n'
              ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
              '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    error = error_of(tmp_path, "laughs.rdf", laughs)
    assert "entity declarations are not allowed" in str(error)
    assert error.line == 3


def test_external_dtd_is_refused(tmp_path):
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "file:///etc/hostname">\n'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    assert "external DTDs are not allowed" in str(error_of(tmp_path, "xxe.rdf", xxe))


@pytest.mark.parametrize("context", ['"http://127.0.0.1:9/ctx"', '"file:///etc/hostname"', '"secret.json"',
                                     '{"@import": "http://127.0.0.1:9/imp"}', '["https://w3id.org/x", {}]'])
def test_remote_jsonld_contexts_are_refused(tmp_path, context):
    error = error_of(tmp_path, "ctx.jsonld", '{"@context": %s, "@id": "https://e.se/a"}' % context)
    assert "remote JSON-LD context not allowed" in str(error)


def test_size_limit_is_checked_before_parsing(tmp_path):
    error = error_of(tmp_path, "big.ttl", TURTLE * 20, limits=Limits(max_input_bytes=1024))
    assert "over the limit of 1,024 bytes" in str(error)


def test_invalid_iri_is_refused_with_its_line(tmp_path):
    error = error_of(tmp_path, "iri.ttl", '\n<https://e.se/a b> <https://e.se/p> "x" .\n')
    assert "invalid IRI" in str(error) and error.line == 2


def test_deep_nesting_is_a_clean_error(tmp_path):
    nested = "<https://e.se/a> <https://e.se/p> " + "[ <https://e.se/p> " * 3000 + '"x"' + " ]" * 3000 + " ."
    assert "nesting too deep" in str(error_of(tmp_path, "deep.ttl", nested))


def test_a_failing_document_contributes_nothing(tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text(TURTLE, encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(TURTLE.replace("ds/1", "ds/2") + "\n<https://e.se/x> <https://e.se/y> .", encoding="utf-8")
    with pytest.raises(InputError):
        load([good, bad])


def test_time_budget_stops_a_slow_parse(tmp_path):
    # rdflib's RDF/XML parser is quadratic in character references; a budget must stop it.
    body = "&amp;" * 400_000
    text = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:d="http://purl.org/dc/terms/">'
            f'<rdf:Description rdf:about="https://e.se/a"><d:title>{body}</d:title></rdf:Description></rdf:RDF>')
    error = error_of(tmp_path, "slow.rdf", text, limits=Limits(timeout=0.5))
    assert "time budget exceeded (0.5 s)" in str(error)


# --------------------------------------------------------------------------------------------- subject lines
def _lines(text: str, fmt: str) -> dict:
    from ena_grunddata.load import subject_lines
    from ena_grunddata.load.model import Document

    return subject_lines(Document(name="x", data=text.encode("utf-8"), format=fmt, base="file:///x"))


def test_subject_lines_of_turtle_count_line_feeds_only():
    text = ("@prefix ex: <https://ex.se/> .\n"  # 1
            "PREFIX : <https://empty.se/>\n"  # 2
            "\n"  # 3
            "ex:a a ex:T ;\n"  # 4
            '    ex:note """one\u2028two\x85three""" .\n'  # 5: U+2028 and NEL inside a literal end no line
            "<https://ex.se/b> ex:p ex:a .\n"  # 6
            "  :c ex:p ex:a .\n"  # 7
            "ex:a ex:q 1 .\n"  # 8: described again, the first line stays
            "nope:d ex:p 1 .\n")  # 9: an undeclared prefix names nothing
    lines = _lines(text, "turtle")
    assert lines["https://ex.se/a"] == 4
    assert lines["https://ex.se/b"] == 6
    assert lines["https://empty.se/c"] == 7
    assert not any(iri.endswith("d") and "nope" in iri for iri in lines)


def test_subject_lines_take_carriage_returns_as_line_ends():
    assert _lines("@prefix ex: <https://ex.se/> .\r\rex:a ex:p 1 .\r", "turtle")["https://ex.se/a"] == 3
    assert _lines("@prefix ex: <https://ex.se/> .\r\n\r\nex:a ex:p 1 .\r\n", "turtle")["https://ex.se/a"] == 3


def _lines_by_hand(text: str) -> dict:
    """The rule subject_lines follows, read line by line: a line that starts (after blanks) with an IRI or a prefixed
    name of a prefix declared on an earlier line names it there, first line kept; a prefix declaration, several on
    a line, one running over the next lines, names nothing (the lines it runs over neither)."""
    import re

    directive = re.compile(r"[^\S\n]*\.?[^\S\n]*(?i:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    prefixes, found, skip_to = {}, {}, 0
    for number, start in enumerate(starts, 1):
        if start < skip_to:
            continue
        line = text[start:].split("\n", 1)[0]
        body = line.lstrip(" \t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                            "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
        declared = directive.match(text, start)
        if declared:
            while declared:
                prefixes[declared.group(1)] = declared.group(2)
                skip_to = declared.end()
                declared = directive.match(text, declared.end())
            continue
        iri = None
        if body.startswith("<") and ">" in body:
            iri = body[1:body.index(">")]
        else:
            name = re.match(r"([A-Za-z][\w.-]*)?:([^\s;,()\[\]]*)", body)
            if name and (name.group(1) or "") in prefixes:
                iri = prefixes[name.group(1) or ""] + name.group(2)
        if iri is not None:
            found.setdefault(iri, number)
    return found


_LINE_PIECES = [
    "@prefix ex: <https://ex.se/> .", "@prefix ex:\n<https://other.se/> .", "PREFIX : <https://empty.se/>",
    "@PREFIX a: <https://a.se/> . @prefix b: <https://b.se/> .", "@prefix a: <https://a.se/> . @prefix b:\n"
    " <https://b2.se/> .", "ex:s a ex:T ;", "    ex:p ex:o .", ":x :p :y .", "<https://h.se/s> <https://p> 1 .",
    "<> a ex:T .", "", "  ", "\t<https://i.se/> a ex:T .", "PREFIX:foo a ex:T .", "a:b c:d e:f .", "b: a ex:T .",
    "ex: a ex:T .", "<https://unclosed", "\u2028ex:u a ex:T .", "\x0bex:v a ex:T .", '"lit" .', "ex:w\r",
    "# @prefix c: <https://c.se/> .", "prefix ex: <https://re.se/>", "@prefix\tex:<https://tab.se/>.", "x:y",
    "\r\nex:r a ex:T .", "ex:é a ex:T .", "[ a ex:T ] .", "GRAPH ex:g {", "}", "  ex:in-graph a ex:T ."]


@pytest.mark.parametrize("seed", range(40))
def test_subject_lines_follow_the_rule_read_line_by_line(seed):
    """A family: random Turtle-like texts of lines that are easy to read wrong (directives several to a line or
    over two lines, blanks of every kind, carriage returns, undeclared and empty prefixes, IRIs left open), read
    one match per line (load/origins.py) and line by line here: the same subjects on the same lines."""
    import random

    rng = random.Random(seed)
    for _ in range(50):
        text = "\n".join(rng.choice(_LINE_PIECES) for _ in range(rng.randint(0, 14)))
        assert _lines(text, rng.choice(["turtle", "trig"])) == _lines_by_hand(text), text


def test_subject_lines_of_rdfxml_and_jsonld():
    xml = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
           '  <rdf:Description\n'
           '     rdf:about="https://ex.se/a"/>\n'
           '  <rdf:Description rdf:about="https://ex.se/b"/>\n'
           '</rdf:RDF>\n')
    assert _lines(xml, "rdfxml") == {"https://ex.se/a": 3, "https://ex.se/b": 4}
    jsonld = '{\n  "@graph": [\n    {"@id": "https://ex.se/a"},\n\n    { "@id" : "https://ex.se/b" }\n  ]\n}\n'
    assert _lines(jsonld, "jsonld") == {"https://ex.se/a": 3, "https://ex.se/b": 5}
