"""Round two (issue #16), family 1, for `validate --endpoint`: whatever a SPARQL store answers, the run ends in
exit 0, 1, 2 or 3, never 70. A malformed answer is a remote error (exit 3): one line naming the store's query
endpoint.

The store is a loopback server that answers like one (ASK true, an empty vocabulary count, PUT accepted) but gives
every SELECT the same answer under test. Both ways of reading answers are covered: Oxigraph's layout spools each
check's whole answer and reads it as a stream; Virtuoso's reads pages whole.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest

from hostile_support import assert_error
from httpserver import LocalServer, Reply

SPARQL_JSON = "application/sparql-results+json"
ROUTES = ("/query", "/update", "/store", "/sparql", "/sparql-graph-crud")


def term(kind: str, value: str, **extra) -> dict:
    return {"type": kind, "value": value, **extra}


def answer(bindings: list, variables=("this", "value", "_flags")) -> bytes:
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}}).encode()


THIS = term("uri", "https://example.se/ds/1")
VALUE = term("literal", "x")
DEEP = 300_000

ANSWERS = {
    # A row without a variable the check's query selects (a batch of checks names its failing parts in ?_flags).
    "a row without ?_flags": answer([{"this": THIS, "value": VALUE}]),
    "a row without ?this": answer([{"value": VALUE, "_flags": term("literal", "0,")}]),
    # ?_flags that name no part of the batch.
    "?_flags out of range": answer([{"this": THIS, "value": VALUE, "_flags": term("literal", "99999,")}]),
    "?_flags not numbers": answer([{"this": THIS, "value": VALUE, "_flags": term("literal", "x,")}]),
    "?_flags negative": answer([{"this": THIS, "value": VALUE, "_flags": term("literal", "-1,")}]),
    # Text no UTF-8 output can carry, escaped and raw.
    "a lone surrogate": answer([{"this": THIS, "value": term("literal", "a\ud800b")}]),
    "two high surrogates": answer([{"this": THIS, "value": term("literal", "\ud800\ud800")}]),
    "an encoded surrogate": answer([{"this": THIS, "value": term("literal", "a")}]).replace(b'"a"', b'"\xed\xa0\x80"'),
    # Nesting hundreds of thousands of levels deep, inside the rows and in the head.
    "deep rows": b'{"head": {"vars": ["this"]}, "results": {"bindings": ' + b"[" * DEEP + b"]" * DEEP + b"}}",
    "deep head": b'{"head": {"vars": ' + b"[" * DEEP + b"]" * DEEP + b'}, "results": {"bindings": []}}',
    "a binding that is a list": answer([[THIS]]),
    "a term of an unknown type": answer([{"this": term("triple", "x")}]),
}

# What the one line says, where the answer's fault has a name of its own.
WHY = {"a lone surrogate": ["surrogate"], "two high surrogates": ["surrogate"], "an encoded surrogate": ["UTF-8"],
       "deep rows": ["nesting"], "deep head": ["nesting"], "a row without ?_flags": ["?_flags"],
       "a row without ?this": ["?this"], "?_flags out of range": ["?_flags"], "?_flags not numbers": ["?_flags"],
       "?_flags negative": ["?_flags"]}


def store(select_answer: bytes):
    def handler(request):
        if request.method == "PUT":
            return Reply(204, b"")
        query = (request.query or {}).get("query", [None])[0]
        if query is None and request.body:
            query = parse_qs(request.body.decode("utf-8", "replace")).get("query", [None])[0]
        if query is None:  # an update (the vocabulary graph)
            return Reply(204, b"")
        if re.search(r"\bASK\b", query):
            return Reply(200, json.dumps({"head": {}, "boolean": True}), content_type=SPARQL_JSON)
        if "COUNT" in query and "?n" in query:  # the vocabulary graph's size: empty, so it is sent
            return Reply(200, answer([{"n": term("literal", "0")}], ["n"]), content_type=SPARQL_JSON)
        return Reply(200, select_answer, content_type=SPARQL_JSON)

    return handler


# Virtuoso's layout runs every check on its own (no batches, so no ?_flags): its rows are read from whole pages.
CASES = [(kind, layout) for kind in sorted(ANSWERS) for layout in ("oxigraph", "virtuoso")
         if layout == "oxigraph" or "_flags" not in kind]


@pytest.mark.parametrize("kind,layout", CASES)
def test_a_malformed_store_answer_is_a_remote_error(cli_run, layout, kind):
    with LocalServer() as server:
        for route in ROUTES:
            server.add_handler(route, store(ANSWERS[kind]))
        base = server.url("/").rstrip("/")
        run = cli_run("validate", "--endpoint", base, "--graph", "urn:x", "--allow-private",
                      "--store-layout", layout)
    query = base + ("/sparql" if layout == "virtuoso" else "/query")
    assert_error(run, 3, "SPARQL JSON", *WHY.get(kind, ()), where=query)


def test_a_well_formed_answer_still_gives_findings(cli_run):
    """The guard refuses malformed rows only: rows with every selected variable bound are findings (exit 1)."""
    rows = [{"this": THIS, "value": VALUE, "_flags": term("literal", "0,"), "path": term("uri", "https://e.se/p"),
             "other": VALUE, "lang": term("literal", "sv")}]
    every = answer(rows, ["this", "value", "_flags", "path", "other", "lang"])
    with LocalServer() as server:
        for route in ROUTES:
            server.add_handler(route, store(every))
        run = cli_run("validate", "--endpoint", server.url("/").rstrip("/"), "--graph", "urn:x", "--allow-private",
                      "-f", "json")
    assert run.exit_code == 1, run.stderr
    assert json.loads(run.stdout)["summary"]["violation"] > 0
