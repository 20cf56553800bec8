"""serve over real HTTP on 127.0.0.1: negotiation, validators and 304, HEAD, gzip, paging, reloads, the page."""

from __future__ import annotations

import gzip
import json
import os
import threading
import time

import pytest
from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.compare import isomorphic
from werkzeug.test import Client

from ena_grunddata import http
from ena_grunddata.load import Document, Limits, load, parse_document
from ena_grunddata.namespaces import DCAT, HYDRA
from ena_grunddata.publish.serve import Poller, make_app, make_server
from publish_data import CATALOG_TTL, TITLE_SV, catalog_graph, swedish_title_in, write_catalog


class Running:
    """A real server in a thread on a free loopback port."""

    def __init__(self, app):
        self.app = app
        self.server = make_server(app, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def get(self, path, headers=None, method="GET"):
        return http.request(method, self.url + path, headers=headers or {}, allow_private=True, retries=0)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(tmp_path):
    source = write_catalog(tmp_path)
    logged = []
    access = []  # the server's access-log lines go through the same log; keep them apart
    running = Running(make_app([source], validate=False, poll_interval=0, page_size=2,
                               log=lambda line: (access if line.startswith("127.0.0.1 ") else logged).append(line)))
    running.source, running.logged = source, logged
    yield running
    running.stop()


def parse(response, fmt):
    return parse_document(Document(name="served", data=response.content, format=fmt, base="https://x.invalid/"))


def test_default_is_rdfxml_and_a_harvester_reads_back_the_same_graph(served):
    response = served.get("/datasets/dcat")
    assert response.status == 200
    assert response.content_type == "application/rdf+xml; charset=utf-8"
    loaded = load([served.url + "/datasets/dcat"], limits=Limits(allow_private=True))
    assert isomorphic(loaded.graph, catalog_graph())
    assert swedish_title_in(loaded.graph)


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "rdfxml"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    ("image/png", "rdfxml"),
])
def test_accept_switches_the_format(served, accept, fmt):
    response = served.get("/datasets/dcat", headers={"Accept": accept})
    media = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
             "rdfxml": "application/rdf+xml"}[fmt]
    assert response.status == 200 and response.content_type == f"{media}; charset=utf-8"
    assert response.headers["Vary"] == "Accept, Accept-Encoding"
    graph = parse(response, fmt)
    assert isomorphic(graph, catalog_graph()) and swedish_title_in(graph)
    assert TITLE_SV in response.content.decode("utf-8") or fmt == "ntriples"


@pytest.mark.parametrize("query, fmt", [("?format=ttl", "turtle"), ("?format=jsonld", "jsonld"),
                                        ("?format=nt", "ntriples"), ("?format=rdfxml", "rdfxml")])
def test_format_parameter_and_suffix_win_over_accept(served, query, fmt):
    response = served.get("/datasets/dcat" + query, headers={"Accept": "application/rdf+xml"})
    assert isomorphic(parse(response, fmt), catalog_graph())
    assert served.get("/datasets/dcat.ttl").content_type.startswith("text/turtle")
    assert served.get("/datasets/dcat.jsonld").content_type.startswith("application/ld+json")
    assert served.get("/datasets/dcat?format=gif").status == 400
    assert served.get("/datasets/dcat.gif").status == 404


def test_conditional_requests_get_304(served):
    first = served.get("/datasets/dcat", headers={"Accept": "text/turtle"})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    again = served.get("/datasets/dcat", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status == 304 and again.content == b""
    assert served.get("/datasets/dcat", headers={"If-Modified-Since": modified}).status == 304
    other_format = served.get("/datasets/dcat", headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert other_format.status == 200  # each representation has its own validator
    assert served.get("/datasets/dcat", headers={"If-None-Match": '"something-else"'}).status == 200


def test_head_has_headers_and_no_body(served):
    full = served.get("/datasets/dcat")
    head = served.get("/datasets/dcat", method="HEAD")
    assert head.status == 200 and head.content == b""
    assert head.headers["ETag"] == full.headers["ETag"]
    assert head.headers["Content-Length"] == full.headers["Content-Length"]  # (of the gzip body)


def test_gzip_when_accepted(served):
    # The guarded client always offers gzip and decodes it; check the raw bytes through Werkzeug's test client.
    raw = Client(served.app).get("/datasets/dcat", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(raw.get_data())
    assert TITLE_SV.encode("utf-8") in body
    plain = Client(served.app).get("/datasets/dcat", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.get_data() == body
    assert raw.headers["ETag"] != plain.headers["ETag"]
    over_http = served.get("/datasets/dcat")
    assert over_http.headers.get("Content-Encoding") == "gzip" and over_http.content == body


def test_hydra_pages_hold_every_statement(served):
    union, seen_pages, url = Graph(), 0, served.url + "/datasets/dcat?format=ttl&page=1"
    while url:
        response = http.request("GET", url, allow_private=True, retries=0)
        assert response.status == 200
        page = parse(response, "turtle")
        seen_pages += 1
        assert 1 <= len(set(page.subjects(RDF.type, DCAT.Dataset))) <= 2
        next_page = next(page.objects(None, HYDRA.next), None)
        url = str(next_page) if next_page is not None else None
        for triple in page:
            if triple[1].startswith(str(HYDRA)) or triple[2] in (HYDRA.PagedCollection, HYDRA.PartialCollectionView):
                continue
            union.add(triple)
    assert seen_pages == 2  # three datasets, two per page
    assert isomorphic(union, catalog_graph())
    assert served.get("/datasets/dcat?page=3").status == 404
    assert served.get("/datasets/dcat?page=0").status == 400


def test_page_and_health(served):
    page = served.get("/?lang=sv")
    assert page.status == 200 and page.content_type == "text/html; charset=utf-8"
    text = page.content.decode("utf-8")
    assert TITLE_SV in text and "Grunddatadomän" in text and 'href="/datasets/dcat?format=turtle"' in text
    assert "Base-data domain" in served.get("/").content.decode("utf-8")
    health = served.get("/healthz")
    assert health.status == 200 and b'"status": "ok"' in health.content and b'"datasets": 3' in health.content
    assert served.get("/nothing-here").status == 404
    assert served.get("/datasets/dcat", method="DELETE").status == 405


def test_reload_on_change_and_keep_the_last_good_version(served):
    first = served.get("/datasets/dcat")
    bump_mtime = lambda: os.utime(served.source, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))  # noqa: E731
    served.source.write_text(CATALOG_TTL.replace("Badplatser", "Badplatser och vandringsleder"), encoding="utf-8")
    bump_mtime()
    changed = served.get("/datasets/dcat", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status == 200 and "Badplatser och vandringsleder" in changed.content.decode("utf-8")
    assert served.logged[-1].startswith("reloaded:")
    served.source.write_text(CATALOG_TTL + "\n this is not turtle", encoding="utf-8")
    bump_mtime()
    still = served.get("/datasets/dcat", headers={"If-None-Match": changed.headers["ETag"]})
    assert still.status == 304  # the last good version, unchanged
    assert len(served.logged) == 2 and served.logged[-1].startswith(f"warning: {served.source}:")
    served.get("/datasets/dcat")
    assert len(served.logged) == 2  # one line per failed version, not one per request
    assert b"last_reload_error" in served.get("/healthz").content


def test_poller_reloads_without_requests(tmp_path):
    source = write_catalog(tmp_path)
    logged = []
    app = make_app([source], validate=False, poll_interval=3600, log=logged.append)
    poller = Poller(app, 0.05)
    poller.start()
    try:
        source.write_text(CATALOG_TTL.replace("Badplatser", "Simhallar"), encoding="utf-8")
        os.utime(source, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))
        end = time.monotonic() + 5
        while not logged and time.monotonic() < end:
            time.sleep(0.02)
    finally:
        poller.stopped.set()
    assert logged and logged[0].startswith("reloaded:")


def test_validation_status_on_the_page(tmp_path):
    app = make_app([write_catalog(tmp_path)], validate=True, allow_invalid=True)
    text = Client(app).get("/").get_data(as_text=True)
    assert "not validated" not in text and "Validation" in text
    health = json.loads(Client(app).get("/healthz").get_data(as_text=True))
    assert set(health["findings"]) == {"violation", "warning", "info"}


def test_cli_binds_loopback_and_refuses_bad_input(tmp_path, run_cli):
    bad = write_catalog(tmp_path, "<a> <b> .", name="bad.ttl")
    result = run_cli("serve", bad, "--port", "0", "--no-validate")
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {bad}:")
    from ena_grunddata.commands.serve import command

    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_harvest_command_reads_the_served_catalog_back(tmp_path, run_cli, served):
    store = tmp_path / "store"
    for _ in range(2):
        result = run_cli("harvest", served.url + "/datasets/dcat", "--store", store, "--allow-private",
                         "--delay", "0", "--format", "json")
        assert result.exit_code == 0, result.stderr
    snapshots = list(store.glob("sources/*/snapshot.nt"))
    assert len(snapshots) == 1
    assert isomorphic(load([snapshots[0]]).graph, catalog_graph())
    second = json.loads(result.stdout)  # the second run asked conditionally and got 304
    assert second["sources"][0]["status"] == "not-modified" and second["changes"]["unchanged"] == 6


def test_serve_command_end_to_end(tmp_path):
    import queue
    import re
    import subprocess
    import sys

    source = write_catalog(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "ena_grunddata", "serve", str(source), "--port", "0",
                                "--no-validate", "--poll-interval", "0.1"], stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()

    def wait_for(prefix: str) -> str:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting with {prefix!r}")

    try:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/datasets/dcat", wait_for("serving "))
        url = f"http://127.0.0.1:{match.group(1)}"
        answer = http.request("GET", url + "/datasets/dcat", accept="text/turtle", allow_private=True, retries=0)
        assert answer.status == 200 and TITLE_SV in answer.content.decode("utf-8")
        source.write_text(CATALOG_TTL.replace("Badplatser", "Friluftsbad"), encoding="utf-8")
        os.utime(source, ns=(time.time_ns(), time.time_ns() + 2 * 10**9))
        wait_for("reloaded:")
        again = http.request("GET", url + "/datasets/dcat", accept="text/turtle", allow_private=True, retries=0)
        assert "Friluftsbad" in again.content.decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=10)
