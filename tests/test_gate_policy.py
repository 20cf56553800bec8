"""One policy wherever a catalog is validated: the gate (export, publish, serve), `harvest --validate` and `score`
go by the suppression comments and the configuration's `ignore` and `severity` exactly as `validate` does.

The data: the valid Bolagsverket example (no violation under the default profiles, asserted in test_gate.py) and one
user shape that asks its dataset for a property it does not have, so the one violation is known by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from publish_data import write_catalog
from test_serve_contract import Served, get

REPO = Path(__file__).resolve().parent.parent
VALID_TTL = REPO / "examples/grunddata/valid/foretag-bolagsverket.ttl"
DATASET = "https://data.bolagsverket.se/dataset/foretagsregistret"
CODE = "EX-REVIEWED"
SHAPES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
@prefix ex: <https://example.se/ns#> .
ex:Reviewed a sh:NodeShape ; sh:targetNode <{DATASET}> ;
    sh:property [ sh:path ex:reviewedBy ; sh:minCount 1 ; sh:severity sh:Violation ; ena:code "{CODE}" ;
                  sh:message "Not reviewed."@en ] .
"""
REASON = "reviewed outside the catalog, in the register's own routine"


def catalog(folder: Path, comment: str | None = None) -> Path:
    """The valid example, with `comment` on its own line directly above the dataset's description."""
    text = VALID_TTL.read_text(encoding="utf-8")
    start = f"<{DATASET}> a dcat:Dataset ;"
    assert text.count(start) == 1
    if comment is not None:
        text = text.replace(start, f"{comment}\n{start}")
    return write_catalog(folder, text)


@pytest.fixture
def project(tmp_path):
    """A folder with the shapes and an empty configuration; `config(text)` writes the configuration."""
    (tmp_path / "shapes.ttl").write_text(SHAPES, encoding="utf-8")
    (tmp_path / "ena-grunddata.toml").write_text("", encoding="utf-8")

    class Project:
        folder = tmp_path
        shapes = tmp_path / "shapes.ttl"
        config_file = tmp_path / "ena-grunddata.toml"

        def config(self, text: str) -> "Project":
            self.config_file.write_text(text, encoding="utf-8")
            return self

        def options(self):
            return ("--shapes", self.shapes, "--config", self.config_file)

    return Project()


def export(run_cli, project, source, target="site"):
    return run_cli("export", source, "--to", project.folder / target, *project.options())


def publish(run_cli, project, source):
    return run_cli("publish", source, "--to", "http://127.0.0.1:9", "--allow-private", "--dry-run",
                   *project.options())


def test_the_shape_finds_the_one_violation_by_hand(run_cli, project):
    result = run_cli("validate", catalog(project.folder), "--format", "json", *project.options())
    assert result.exit_code == 1
    found = [(f["code"], f["severity"], f["focus"]) for f in json.loads(result.stdout)["findings"]]
    assert [f for f in found if f[1] == "violation"] == [(CODE, "violation", DATASET)]


# --------------------------------------------------------------------------------------------- what passes the gate

PASSING = {
    "comment with a reason": (f"# ena-grunddata: ignore[{CODE}] {REASON}", ""),
    "comment among several codes": (f"# ena-grunddata: ignore[EX-OTHER, {CODE}] {REASON}", ""),
    "config ignore by code": (None, f'ignore = ["{CODE}"]\n'),
    "config ignore by code and focus": (None, f'ignore = [{{code = "{CODE}", focus = ["{DATASET}"], '
                                              f'reason = "{REASON}"}}]\n'),
    "config ignore by file": (None, f'ignore = [{{code = "{CODE}", files = ["*.ttl"]}}]\n'),
    "config severity warning": (None, f'[severity]\n{CODE} = "warning"\n'),
    "config severity info": (None, f'[severity]\n{CODE} = "info"\n'),
}
REFUSED = {
    "no comment, empty config": (None, ""),
    "comment for another code": ("# ena-grunddata: ignore[EX-OTHER] not this one", ""),
    "config ignore of another code": (None, 'ignore = ["EX-OTHER"]\n'),
    "config ignore for other files": (None, f'ignore = [{{code = "{CODE}", files = ["legacy/*.ttl"]}}]\n'),
    "config ignore of another focus": (None, f'ignore = [{{code = "{CODE}", focus = ["https://example.se/x"]}}]\n'),
    "config severity stays violation": (None, f'[severity]\n{CODE} = "violation"\n'),
}


@pytest.mark.parametrize("comment, config", PASSING.values(), ids=PASSING.keys())
def test_what_the_policy_lets_through_is_exported_and_published(run_cli, project, comment, config):
    source = catalog(project.folder, comment)
    project.config(config)
    exported = export(run_cli, project, source)
    assert exported.exit_code == 0, exported.stderr
    assert "not exported" not in exported.stderr and "--allow-invalid" not in exported.stderr
    assert (project.folder / "site").is_dir()
    published = publish(run_cli, project, source)
    assert published.exit_code == 0, published.stderr
    assert "not published" not in published.stderr


@pytest.mark.parametrize("comment, config", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_policy_does_not_cover_is_still_refused(run_cli, project, comment, config):
    source = catalog(project.folder, comment)
    project.config(config)
    exported = export(run_cli, project, source)
    assert exported.exit_code == 1
    assert exported.stderr.strip().splitlines()[-1].startswith(
        f"error: {project.folder / 'site'}: not exported: the catalog has 1 violation")
    assert not (project.folder / "site").exists()
    published = publish(run_cli, project, source)
    assert published.exit_code == 1
    assert "not published: the catalog has 1 violation" in published.stderr


def test_a_comment_without_reason_still_suppresses_but_says_so(run_cli, project):
    source = catalog(project.folder, f"# ena-grunddata: ignore[{CODE}]")
    exported = export(run_cli, project, source)
    assert exported.exit_code == 0, exported.stderr
    # the warning about the missing reason does not block (warnings never do) and is not hidden either
    validated = run_cli("validate", source, "--format", "json", *project.options())
    found = [(f["code"], f["focus"]) for f in json.loads(validated.stdout)["findings"]]
    assert ("SUPPRESSION-NO-REASON", DATASET) in found and CODE not in {code for code, _ in found}
    assert validated.exit_code == 0


def test_no_config_brings_the_violation_back(run_cli, project):
    source = catalog(project.folder)
    project.config(f'ignore = ["{CODE}"]\n')
    assert export(run_cli, project, source).exit_code == 0
    refused = run_cli("export", source, "--to", project.folder / "other", "--shapes", project.shapes, "--no-config")
    assert refused.exit_code == 1 and "not exported: the catalog has 1 violation" in refused.stderr


# --------------------------------------------------------------------------------------------- serve


def test_serve_starts_on_a_suppressed_violation_and_refuses_an_unsuppressed_one(run_cli, project):
    refused = run_cli("serve", catalog(project.folder), "--port", "0", *project.options())
    assert refused.exit_code == 1 and "not served: the catalog has 1 violation" in refused.stderr

    source = catalog(project.folder, f"# ena-grunddata: ignore[{CODE}] {REASON}")
    running = Served(source, "--port", "0", *project.options())
    try:
        status, _, body = get(running, "/datasets/dcat?format=turtle")
        assert status == 200 and DATASET.encode() in body
    finally:
        assert running.stop() == 130
    assert not any("not served" in line or "--allow-invalid" in line for line in running.seen)


def test_serve_starts_when_the_config_lowers_the_code(project):
    project.config(f'[severity]\n{CODE} = "warning"\n')
    running = Served(catalog(project.folder), "--port", "0", *project.options())
    try:
        status, _, _ = get(running, "/healthz")
        assert status == 200
    finally:
        running.stop()


# --------------------------------------------------------------------------------------------- harvest, score


@pytest.mark.parametrize("comment, config, violations", [
    (None, "", 1),
    # harvest keeps compact statements, not the documents' lines: a suppression comment does not reach it (README)
    (f"# ena-grunddata: ignore[{CODE}] {REASON}", "", 1),
    (None, f'ignore = ["{CODE}"]\n', 0),
    (None, f'[severity]\n{CODE} = "warning"\n', 0),
])
def test_harvest_validate_goes_by_the_policy(run_cli, project, comment, config, violations):
    source = catalog(project.folder, comment)
    project.config(config)
    result = run_cli("harvest", source, "--store", project.folder / "store", "--validate", "--format", "json",
                     "--shapes", project.shapes, "--project-config", project.config_file)
    assert result.exit_code == (1 if violations else 0), result.stderr
    summary = json.loads(result.stdout)["sources"][0]["validation"]["summary"]
    assert summary["violation"] == violations


def conformity(run_cli, project, source) -> int:
    """The dataset's points for the conformity check (docs/quality-score.md: 30 when no violation is about it)."""
    result = run_cli("score", source, "--format", "json", *project.options())
    assert result.exit_code == 0, result.stderr
    dataset = next(d for d in json.loads(result.stdout)["datasets"] if d["resource"] == DATASET)
    return next(c for c in dataset["checks"] if c["key"] == "conformity")["points"]


def test_score_counts_a_suppressed_or_lowered_violation_as_the_policy_says(run_cli, project):
    assert conformity(run_cli, project, catalog(project.folder)) == 0
    assert conformity(run_cli, project, catalog(project.folder, f"# ena-grunddata: ignore[{CODE}] {REASON}")) == 30
    project.config(f'[severity]\n{CODE} = "warning"\n')
    assert conformity(run_cli, project, catalog(project.folder)) == 30
    project.config(f'ignore = ["{CODE}"]\n')
    assert conformity(run_cli, project, catalog(project.folder)) == 30
