"""EntryStore presets as server-side Solr queries, against a local search API that indexes as EntryStore does.

EntryStore (MetaSolutionsAB/entrystore, its Solr indexing) puts every statement of an entry's metadata under
`metadata.predicate.uri.<first 8 hex digits of md5(predicate IRI)>` (IRI objects) or
`metadata.predicate.literal_s.<same>` (literals), next to `rdfType` and `public`. The test server below builds
that index from RDF/JSON entries and answers a Solr query of the subset the harvester sends (AND, OR, brackets,
`field:value` with backslash escapes, a trailing `*` for a prefix): an unknown field matches nothing, as in Solr.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from httpserver import LocalServer, Reply

FAST = ("--delay", "0", "--allow-private")
DATASET = "http://www.w3.org/ns/dcat#Dataset"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBJECT = "http://purl.org/dc/terms/subject"
PUBLISHER = "http://purl.org/dc/terms/publisher"


def md5_8(iri: str) -> str:
    return hashlib.md5(iri.encode("utf-8")).hexdigest()[:8]


def test_field_names_are_entrystores():
    """The hashes named in the issue (taken from EntryStore's indexing code), computed here."""
    assert md5_8("http://purl.org/dc/terms/subject") == "256bd150"
    assert md5_8("http://purl.org/dc/terms/publisher") == "9259d4c1"
    assert md5_8("http://www.w3.org/ns/dcat#theme") == "0ce6b231"
    assert md5_8("http://purl.org/dc/terms/format") == "b5d28d0a"
    from ena_grunddata.harvest.run import entrystore_field

    assert entrystore_field(SUBJECT) == "metadata.predicate.uri.256bd150"
    assert entrystore_field("http://purl.org/dc/terms/format", literal=True) == "metadata.predicate.literal_s.b5d28d0a"


# ------------------------------------------------------------------------------------------- a tiny EntryStore


def index(metadata: dict, public: bool = True) -> dict:
    """EntryStore's Solr document of one entry: field -> set of values."""
    fields: dict = {"public": {"true" if public else "false"}}
    for _subject, properties in metadata.items():
        for predicate, objects in properties.items():
            for obj in objects:
                if predicate == RDF_TYPE and obj["type"] == "uri":
                    fields.setdefault("rdfType", set()).add(obj["value"])
                kind = "literal_s" if obj["type"] == "literal" else "uri"
                if obj["type"] == "bnode":
                    continue
                fields.setdefault(f"metadata.predicate.{kind}.{md5_8(predicate)}", set()).add(obj["value"])
    return fields


def tokens(query: str) -> list:
    out, current, i = [], "", 0
    while i < len(query):
        ch = query[i]
        if ch == "\\" and i + 1 < len(query):
            current += query[i:i + 2]
            i += 2
            continue
        if ch in "()" or ch.isspace():
            if current:
                out.append(current)
                current = ""
            if ch in "()":
                out.append(ch)
        else:
            current += ch
        i += 1
    if current:
        out.append(current)
    return out


def clause(token: str):
    """`field:value` (escaped) -> matcher; a trailing unescaped * makes a prefix query."""
    i = 0
    while token[i] != ":" or (i and token[i - 1] == "\\"):
        i += 1
    field, raw = token[:i], token[i + 1:]
    prefix = raw.endswith("*") and not raw.endswith("\\*")
    if prefix:
        raw = raw[:-1]
    value, j = "", 0
    while j < len(raw):
        if raw[j] == "\\":
            j += 1
        elif raw[j] in ':/ "()*?&|!{}[]^~+-':
            raise ValueError(f"unescaped {raw[j]!r} in {token!r}")  # Solr would split or misread the term
        value += raw[j]
        j += 1
    if prefix:
        return lambda doc: any(v.startswith(value) for v in doc.get(field, ()))
    return lambda doc: value in doc.get(field, ())


def parse(query: str):
    items = tokens(query)
    position = 0

    def or_expr():
        nonlocal position
        parts = [and_expr()]
        while position < len(items) and items[position] == "OR":
            position += 1
            parts.append(and_expr())
        return lambda doc: any(part(doc) for part in parts)

    def and_expr():
        nonlocal position
        parts = [atom()]
        while position < len(items) and items[position] == "AND":
            position += 1
            parts.append(atom())
        return lambda doc: all(part(doc) for part in parts)

    def atom():
        nonlocal position
        token = items[position]
        position += 1
        if token == "(":
            inner = or_expr()
            assert items[position] == ")"
            position += 1
            return inner
        return clause(token)

    matcher = or_expr()
    assert position == len(items), items[position:]
    return matcher


def entrystore(entries: list):
    """/store/search with type=solr: filters on the index, pages by offset/limit (sorted by URI)."""
    documents = [(index(metadata, public), metadata) for metadata, public in entries]

    def handler(request):
        try:
            matcher = parse(request.query["query"][0])
        except (ValueError, AssertionError, IndexError) as error:
            return Reply(400, f"bad query: {error}", content_type="text/plain")
        hits = [metadata for doc, metadata in documents if matcher(doc)]
        offset, limit = int(request.query["offset"][0]), int(request.query["limit"][0])
        children = [{"entryId": str(i), "contextId": "1", "metadata": hits[i]}
                    for i in range(offset, min(offset + limit, len(hits)))]
        return Reply(200, json.dumps({"results": len(hits), "resource": {"children": children}}),
                     content_type="application/json")

    return handler


def entry(n: int, *, subject: str | None = None, publisher: str = "http://dataportal.se/organisation/SE1") -> dict:
    description = {RDF_TYPE: [{"type": "uri", "value": DATASET}],
                   "http://purl.org/dc/terms/title": [{"type": "literal", "value": f"Data {n}", "lang": "sv"}],
                   PUBLISHER: [{"type": "uri", "value": publisher}]}
    if subject:
        description[SUBJECT] = [{"type": "uri", "value": subject}]
    return {f"https://example.se/ds{n}": description}


PUBLISHER_IRI = "http://dataportal.se/organisation/SE2021005448"
TRICKY_PUBLISHER = "https://example.se/org(a)/b?c=1&d=e~f*g!h+i-j"
ENTRIES = (
    [(entry(n, subject="https://www.dataportal.se/terminology/grunddata/person"), True) for n in range(3)]
    + [(entry(10 + n, subject="https://dataportal.se/concepts/grunddata/fastighet"), True) for n in range(2)]
    + [(entry(20, subject="https://www.dataportal.se/terminology/grunddata-not/x"), True)]  # not the scheme
    + [(entry(30 + n, subject="https://example.se/theme/other", publisher=PUBLISHER_IRI), True) for n in range(4)]
    + [(entry(40, publisher=PUBLISHER_IRI + "0"), True)]  # a longer IRI with the same start
    + [(entry(50, publisher=TRICKY_PUBLISHER), True)]
    + [(entry(60, subject="https://www.dataportal.se/terminology/grunddata/person"), False)]  # not public
    + [(entry(70 + n), True) for n in range(150)]
)


@pytest.fixture
def server():
    with LocalServer() as running:
        running.add_handler("/store/search", entrystore(ENTRIES))
        yield running


def harvest(run_cli, server, tmp_path, query):
    result = run_cli("harvest", "--format", "json", *FAST, "--store", tmp_path / "store", "--query", query,
                     server.url("/store/search"))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), server.requests_to("/store/search")


def test_grunddata_preset_is_asked_on_the_server(server, run_cli, tmp_path):
    report, hits = harvest(run_cli, server, tmp_path, "grunddata")
    assert hits[0].query["query"] == [
        r"rdfType:http\:\/\/www.w3.org\/ns\/dcat#Dataset AND public:true AND ("
        r"metadata.predicate.uri.256bd150:https\:\/\/www.dataportal.se\/terminology\/grunddata\/* OR "
        r"metadata.predicate.uri.256bd150:https\:\/\/dataportal.se\/concepts\/grunddata\/*)"]
    assert len(hits) == 1  # 5 answers: one page, not 160 entries paged through and filtered here
    assert report["sources"][0]["counts"]["datasets"] == 5


@pytest.mark.parametrize("publisher, expected", [(PUBLISHER_IRI, 4), (TRICKY_PUBLISHER, 1)])
def test_publisher_preset_is_asked_on_the_server(server, run_cli, tmp_path, publisher, expected):
    report, hits = harvest(run_cli, server, tmp_path, f"publisher={publisher}")
    # Solr's query parser treats these specially (its documentation's list); each needs a backslash.
    escaped = "".join("\\" + ch if ch in '+-&|!(){}[]^"~*?:\\/ ' else ch for ch in publisher)
    assert hits[0].query["query"] == [
        r"rdfType:http\:\/\/www.w3.org\/ns\/dcat#Dataset AND public:true AND metadata.predicate.uri.9259d4c1:"
        + escaped]
    assert len(hits) == 1
    assert report["sources"][0]["counts"]["datasets"] == expected


def test_the_client_side_filter_still_guards(run_cli, tmp_path):
    """A search API that ignores the query: the presets still keep only what they name."""
    def ignoring(request):
        everything = [metadata for metadata, _ in ENTRIES]
        offset, limit = int(request.query["offset"][0]), int(request.query["limit"][0])
        children = [{"metadata": m} for m in everything[offset:offset + limit]]
        return Reply(200, json.dumps({"results": len(everything), "resource": {"children": children}}),
                     content_type="application/json")

    with LocalServer() as careless:
        careless.add_handler("/store/search", ignoring)
        report, _ = harvest(run_cli, careless, tmp_path, "grunddata")
    # The not-public entry comes back from a careless server too; it carries the marker, so it is kept.
    assert report["sources"][0]["counts"]["datasets"] == 6
