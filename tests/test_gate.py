"""The gate before anything leaves the machine: export, publish and serve refuse violations and placeholders from
`init`, say how to override, and say so when overridden (--allow-invalid) or skipped (--no-validate)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from werkzeug.test import Client

from ena_grunddata.commands.options import rules_from
from ena_grunddata.load import load
from ena_grunddata.publish.gate import placeholder_findings
from ena_grunddata.publish.serve import make_app
from publish_data import INVALID_TTL, answering_server, write_catalog

REPO = Path(__file__).resolve().parent.parent
VALID_TTL = REPO / "examples/grunddata/valid/foretag-bolagsverket.ttl"  # no violation under both profiles
VALID_YAML = REPO / "examples/describe/foretag-bolagsverket.yaml"
TITLE = '"Bolagsverkets datakatalog"@sv'


def placeholder_catalog(folder: Path, kind: str) -> Path:
    """The valid example with one value put back to what `init` writes, as RDF or as a description file."""
    if kind == "turtle-literal":
        return write_catalog(folder, VALID_TTL.read_text(encoding="utf-8").replace(TITLE, '"TODO: katalogens titel"@sv'))
    if kind == "turtle-iri":
        text = VALID_TTL.read_text(encoding="utf-8")
        return write_catalog(folder, text.replace("<https://bolagsverket.se/>", "<https://www.TODO.se/>"))
    if kind == "description":
        text = VALID_YAML.read_text(encoding="utf-8").replace(
            "sv: Specifikation för grunddata om företag", 'sv: "TODO: specifikationens namn"')
        path = folder / "katalog.yaml"
        path.write_text(text, encoding="utf-8")
        return path
    raise ValueError(kind)


def test_the_examples_used_here_are_valid_and_hold_the_values_replaced(run_cli):
    assert run_cli("validate", VALID_TTL).exit_code == 0
    assert run_cli("validate", VALID_YAML).exit_code == 0
    assert TITLE in VALID_TTL.read_text(encoding="utf-8")
    assert "<https://bolagsverket.se/>" in VALID_TTL.read_text(encoding="utf-8")
    assert "sv: Specifikation för grunddata om företag" in VALID_YAML.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------- finding placeholders


@pytest.mark.parametrize("text, expected", [
    ('"TODO: katalogens titel"@sv', ["TODO: katalogens titel"]),  # what init writes in text
    ('"TODO"', ["TODO"]),  # a bare placeholder (an organisation number in the starter)
    ("<https://data.TODO.se/x>", ["https://data.TODO.se/x"]),  # the starter's base and homepages
    ("<mailto:TODO@TODO.se>", ["mailto:TODO@TODO.se"]),  # the starter's e-mail
    ('"Fyll i (TODO)"@sv', ["Fyll i (TODO)"]),
    ('"TODOS och ATODO"@sv', []),  # another word that merely contains the letters
    ('"todo-lista"@sv', []),  # lower case is ordinary text
])
def test_placeholders_in_loaded_rdf(tmp_path, text, expected):
    source = write_catalog(tmp_path, f"<https://data.example.se/a> <http://purl.org/dc/terms/title> {text} .")
    found = placeholder_findings(load([source]))
    assert sorted(f.value for f in found) == expected
    assert all(f.code == "PUBLISH-PLACEHOLDER" and f.severity.label == "warning" for f in found)
    assert all(f.source == str(source) and f.line == 1 for f in found)


def test_one_finding_per_placeholder_term_not_per_statement(tmp_path):
    text = ("<https://data.TODO.se/a> <http://purl.org/dc/terms/title> \"A\" ; <http://purl.org/dc/terms/x> \"B\" .\n"
            "<https://data.example.se/b> <http://purl.org/dc/terms/relation> <https://data.TODO.se/a> .")
    assert [f.value for f in placeholder_findings(load([write_catalog(tmp_path, text)]))] == ["https://data.TODO.se/a"]


def test_init_starter_is_refused_with_its_placeholders(tmp_path, run_cli):
    starter = tmp_path / "katalog.yaml"
    assert run_cli("init", "--domain", "foretag", "-o", starter).exit_code == 0
    result = run_cli("export", starter, "--to", tmp_path / "site", "--allow-private")
    assert result.exit_code == 1
    assert "placeholders (TODO) left from `init`" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "site").exists()


# --------------------------------------------------------------------------------------------- export


@pytest.mark.parametrize("kind", ["turtle-literal", "turtle-iri", "description"])
def test_export_refuses_placeholders_and_says_how_to_override(tmp_path, run_cli, kind):
    source = placeholder_catalog(tmp_path, kind)
    target = tmp_path / "site"
    result = run_cli("export", source, "--to", target)
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == (f"error: {target}: not exported: the catalog has 1 placeholder (TODO) left from `init` (fix "
                    "them, or pass --allow-invalid to export anyway; --no-validate skips the check)")
    assert not target.exists()
    allowed = run_cli("export", source, "--to", target, "--allow-invalid")
    assert allowed.exit_code == 0
    assert "warning: exporting despite 1 placeholder (TODO) left from `init` (--allow-invalid)" in allowed.stderr
    assert (target / "datasets/dcat").is_file()


def test_export_refuses_violations_in_swedish_too(tmp_path, run_cli):
    source = write_catalog(tmp_path, INVALID_TTL)
    result = run_cli("export", source, "--to", tmp_path / "site", "--lang", "sv")
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "inte exporterad: katalogen har" in last and "--allow-invalid" in last


def test_no_validate_is_said_in_the_output(tmp_path, run_cli):
    source = placeholder_catalog(tmp_path, "turtle-literal")
    result = run_cli("export", source, "--to", tmp_path / "site", "--no-validate")
    assert result.exit_code == 0
    assert "note: not validated (--no-validate): violations and placeholders were not checked" in result.stderr
    assert result.stdout.rstrip().endswith("not validated")


PRODUCER_VOCABULARY = """
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
<https://www.dataportal.se/terminology/grunddata/foretag>
    ena:registeredProducer <http://dataportal.se/organisation/SE5560000001> .
"""


def producer_catalog(folder: Path) -> tuple[Path, Path]:
    """The valid example published by another organisation, registered as a producer the way the README shows."""
    text = VALID_TTL.read_text(encoding="utf-8")
    assert "SE2021005489" in text
    vocabulary = folder / "producer.ttl"
    vocabulary.write_text(PRODUCER_VOCABULARY, encoding="utf-8")
    return write_catalog(folder, text.replace("SE2021005489", "SE5560000001")), vocabulary


def test_every_sending_command_takes_the_vocabulary(tmp_path, run_cli):
    source, vocabulary = producer_catalog(tmp_path)
    assert run_cli("export", source, "--to", tmp_path / "a").exit_code == 1  # not the domain's agency
    assert not (tmp_path / "a").exists()
    exported = run_cli("export", source, "--to", tmp_path / "b", "--vocabulary", vocabulary)
    assert exported.exit_code == 0, exported.stderr
    publish = ("publish", source, "--to", "http://127.0.0.1:9", "--allow-private", "--dry-run")
    assert run_cli(*publish).exit_code == 1
    assert run_cli(*publish, "--vocabulary", vocabulary).exit_code == 0
    app = make_app([source], rules=rules_from(vocabularies=[vocabulary]), log=lambda _: None)
    assert health(app)["status"] == "ok"


def test_harvest_validate_takes_the_vocabulary(tmp_path, run_cli):
    source, vocabulary = producer_catalog(tmp_path)
    common = ("harvest", source, "--validate", "--format", "json")
    without = run_cli(*common, "--store", tmp_path / "s1")
    assert without.exit_code == 1 and json.loads(without.stdout)["sources"][0]["validation"]["summary"]["violation"]
    with_vocabulary = run_cli(*common, "--store", tmp_path / "s2", "--vocabulary", vocabulary)
    assert with_vocabulary.exit_code == 0, with_vocabulary.stderr
    assert json.loads(with_vocabulary.stdout)["sources"][0]["validation"]["summary"]["violation"] == 0
    alone = run_cli("harvest", source, "--store", tmp_path / "s3", "--vocabulary", vocabulary)
    assert alone.exit_code == 2 and "add --validate" in alone.stderr


# --------------------------------------------------------------------------------------------- publish


@pytest.mark.parametrize("kind", ["violation", "turtle-literal", "description"])
def test_publish_refuses_and_sends_nothing(tmp_path, run_cli, kind):
    source = write_catalog(tmp_path, INVALID_TTL) if kind == "violation" else placeholder_catalog(tmp_path, kind)
    with answering_server(204) as server:
        result = run_cli("publish", source, "--to", server.url, "--allow-private", "--graph", "https://x.se/g")
        assert result.exit_code == 1
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith(f"error: {server.url}: not published: the catalog has ")
        assert "pass --allow-invalid to publish anyway" in last
        assert server.hits == []


def test_publish_dry_run_passes_the_gate_and_says_the_override(tmp_path, run_cli):
    source = placeholder_catalog(tmp_path, "turtle-literal")
    refused = run_cli("publish", source, "--to", "http://127.0.0.1:9", "--allow-private", "--dry-run")
    assert refused.exit_code == 1
    allowed = run_cli("publish", source, "--to", "http://127.0.0.1:9", "--allow-private", "--dry-run",
                      "--allow-invalid", "--format", "json")
    assert allowed.exit_code == 0
    assert "warning: publishing despite 1 placeholder" in allowed.stderr
    assert json.loads(allowed.stdout)["findings"]["violation"] == 0
    clean = run_cli("publish", VALID_TTL, "--to", "http://127.0.0.1:9", "--allow-private", "--dry-run")
    assert clean.exit_code == 0 and clean.stderr == ""


# --------------------------------------------------------------------------------------------- serve


@pytest.mark.parametrize("kind", ["violation", "turtle-iri", "description"])
def test_serve_refuses_at_start(tmp_path, run_cli, kind):
    source = write_catalog(tmp_path, INVALID_TTL) if kind == "violation" else placeholder_catalog(tmp_path, kind)
    result = run_cli("serve", source, "--port", "0")
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {source}: not served: the catalog has ") and "--allow-invalid" in last


def bump(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time_ns() + 2 * 10**9
    os.utime(path, ns=(later, later))


def health(app) -> dict:
    response = Client(app).get("/healthz")
    body = json.loads(response.get_data(as_text=True))
    body["http_status"] = response.status_code
    return body


def test_healthz_is_degraded_after_a_reload_that_brings_a_placeholder_or_a_violation(tmp_path):
    source = write_catalog(tmp_path, VALID_TTL.read_text(encoding="utf-8"))
    logged = []
    app = make_app([source], poll_interval=0, log=logged.append)
    assert health(app)["status"] == "ok" and health(app)["reason"] is None
    served = Client(app).get("/datasets/dcat?format=turtle").get_data()

    bump(source, VALID_TTL.read_text(encoding="utf-8").replace(TITLE, '"TODO: katalogens titel"@sv'))
    assert Client(app).get("/datasets/dcat?format=turtle").get_data() == served  # the last valid version stays
    body = health(app)
    assert body["status"] == "degraded" and body["http_status"] == 200
    assert "serving an older version" in body["reason"] and "1 placeholder (TODO)" in body["reason"]
    assert logged[-1].startswith(f"warning: {source}: not served: the catalog has 1 placeholder")
    assert "still serving the version loaded at" in logged[-1]

    bump(source, INVALID_TTL)
    Client(app).get("/datasets/dcat")
    assert health(app)["status"] == "degraded" and "violation" in health(app)["reason"]

    bump(source, "this is not turtle")
    Client(app).get("/datasets/dcat")
    assert health(app)["status"] == "degraded" and str(source) in health(app)["reason"]

    bump(source, VALID_TTL.read_text(encoding="utf-8"))
    Client(app).get("/datasets/dcat")
    assert health(app)["status"] == "ok" and health(app)["last_reload_error"] is None


def test_healthz_is_degraded_while_serving_findings_it_was_allowed(tmp_path):
    app = make_app([write_catalog(tmp_path, INVALID_TTL)], allow_invalid=True, poll_interval=0, log=lambda _: None)
    body = health(app)
    assert body["status"] == "degraded" and "(--allow-invalid)" in body["reason"] and "violation" in body["reason"]


def test_healthz_is_failing_when_nothing_valid_was_ever_loaded(tmp_path):
    source = write_catalog(tmp_path, INVALID_TTL)
    app = make_app([source], strict=False, poll_interval=0, log=lambda _: None)
    body = health(app)
    assert body["status"] == "failing" and body["http_status"] == 503 and "not served" in body["reason"]
    answer = Client(app).get("/datasets/dcat")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    shutil.copyfile(VALID_TTL, source)
    later = time.time_ns() + 2 * 10**9
    os.utime(source, ns=(later, later))
    assert Client(app).get("/datasets/dcat").status_code == 200
    assert health(app)["status"] == "ok"


@pytest.mark.parametrize("name, data", [
    ("t.ttl", '<https://data.example.se/a> <http://purl.org/dc/terms/title> "\\u0054ODO: titel"@sv .'),
    ("t.nt", '<https://data.example.se/a> <http://purl.org/dc/terms/title> "\\U00000054ODO: titel"@sv .'),
    ("t.rdf", '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              'xmlns:dcterms="http://purl.org/dc/terms/"><rdf:Description rdf:about="https://data.example.se/a">'
              '<dcterms:title>&#84;ODO: titel</dcterms:title></rdf:Description></rdf:RDF>'),
    ("t.jsonld", '{"@id": "https://data.example.se/a", "http://purl.org/dc/terms/title": "\\u0054ODO: titel"}'),
])
def test_placeholders_written_with_escapes_are_found_too(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    assert "TODO" not in data
    assert [f.value for f in placeholder_findings(load([path]))] == ["TODO: titel"]



def test_healthz_is_ok_again_when_the_sources_are_put_back_as_served(tmp_path):
    source = write_catalog(tmp_path, VALID_TTL.read_text(encoding="utf-8"))
    served = source.stat()
    app = make_app([source], poll_interval=0, log=lambda _: None)
    bump(source, INVALID_TTL)
    Client(app).get("/healthz")
    assert health(app)["status"] == "degraded"
    shutil.copyfile(VALID_TTL, source)  # the very file that is served, with its old time stamp
    os.utime(source, ns=(served.st_atime_ns, served.st_mtime_ns))
    Client(app).get("/datasets/dcat")
    assert health(app)["status"] == "ok" and health(app)["last_reload_error"] is None
