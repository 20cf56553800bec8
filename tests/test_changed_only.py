"""`validate --changed-only REF` in a temporary git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ena_grunddata.load.changed import changed_sources
from ena_grunddata.errors import UsageError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PREFIXES = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"


def git(repo: Path, *arguments: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.se", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.se", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(["git", *arguments], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """meta/ holds a dataset file, the agents file it points at by IRI, a file it names, and an unrelated file;
    other/ holds one more file. The first commit has them all; the test then changes things."""
    meta, other = tmp_path / "meta", tmp_path / "other"
    meta.mkdir()
    other.mkdir()
    (meta / "roads.ttl").write_text(PREFIXES + '<https://e.se/ds/roads> a dcat:Dataset ; dcterms:title "V"@sv ;\n'
                                    "    dcterms:publisher <https://e.se/agent/tv> .\n", encoding="utf-8")
    (meta / "agents.ttl").write_text(PREFIXES + '<https://e.se/agent/tv> dcterms:title "TV"@sv .\n',
                                     encoding="utf-8")
    (meta / "series.ttl").write_text(PREFIXES + '<https://e.se/series/s> dcterms:title "S"@sv .\n',
                                     encoding="utf-8")
    (meta / "unrelated.ttl").write_text(PREFIXES + '<https://e.se/ds/other> dcterms:title "O"@sv .\n',
                                        encoding="utf-8")
    (other / "far.ttl").write_text(PREFIXES + '<https://e.se/agent/tv> dcterms:title "TV too"@sv .\n',
                                   encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not metadata\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def names(sources) -> list[str]:
    return [Path(s).as_posix() for s in sources]


def test_nothing_changed_selects_nothing(repo):
    assert changed_sources(["."], "HEAD") == []


def test_changed_file_brings_the_siblings_it_refers_to(repo):
    (repo / "meta" / "roads.ttl").write_text(
        PREFIXES + '<https://e.se/ds/roads> a dcat:Dataset ; dcterms:title "Vägar"@sv ;\n'
        "    dcterms:publisher <https://e.se/agent/tv> ; dcterms:source <series.ttl> .\n", encoding="utf-8")
    git(repo, "commit", "-qam", "second")
    selected = names(changed_sources(["."], "HEAD~1"))
    # agents.ttl describes the publisher IRI; series.ttl is named; far.ttl describes it too but in another folder.
    assert selected == ["meta/agents.ttl", "meta/roads.ttl", "meta/series.ttl"]


def test_uncommitted_and_untracked_files_count(repo):
    (repo / "meta" / "unrelated.ttl").write_text(PREFIXES + '<https://e.se/ds/other> dcterms:title "P"@sv .\n',
                                                 encoding="utf-8")
    (repo / "other" / "new.ttl").write_text(PREFIXES + '<https://e.se/ds/new> a dcat:Dataset .\n', encoding="utf-8")
    assert names(changed_sources(["."], "HEAD")) == ["meta/unrelated.ttl", "other/new.ttl"]
    assert names(changed_sources(["other"], "HEAD")) == ["other/new.ttl"]  # only below the given paths


def test_deleted_files_are_skipped(repo):
    (repo / "meta" / "unrelated.ttl").unlink()
    assert changed_sources(["."], "HEAD") == []


def test_bad_ref_and_no_repository_are_usage_errors(repo, tmp_path_factory, monkeypatch):
    with pytest.raises(UsageError, match="--changed-only nope"):
        changed_sources(["."], "nope")
    outside = tmp_path_factory.mktemp("plain")
    monkeypatch.chdir(outside)
    with pytest.raises(UsageError, match="inside a git repository"):
        changed_sources(["."], "HEAD")


def test_cli_validates_only_the_changed_files(repo, run_cli):
    (repo / "other" / "new.ttl").write_text(PREFIXES + '<https://e.se/ds/new> a dcat:Dataset .\n', encoding="utf-8")
    result = run_cli("validate", ".", "--changed-only", "HEAD", "--format", "json")
    assert json.loads(result.stdout)["sources"] == ["other/new.ttl"]


def test_cli_with_nothing_changed_exits_0_with_a_note(repo, run_cli):
    result = run_cli("validate", ".", "--changed-only", "HEAD", "--format", "sarif")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["runs"][0]["results"] == []
    assert result.stderr == "note: no description or RDF file changed since HEAD: nothing to validate\n"
    assert run_cli("validate", ".", "--changed-only", "nope").exit_code == 2


def test_each_changed_file_is_validated_with_what_it_refers_to_not_with_the_other_changed_files(repo):
    """Two changed files: roads.ttl (refers to agents.ttl) and unrelated.ttl. Groups, not one merged graph."""
    from ena_grunddata.load.changed import changed_groups

    (repo / "meta" / "roads.ttl").write_text(
        PREFIXES + '<https://e.se/ds/roads> a dcat:Dataset ; dcterms:title "Vägar"@sv ;\n'
        "    dcterms:publisher <https://e.se/agent/tv> .\n", encoding="utf-8")
    (repo / "meta" / "unrelated.ttl").write_text(PREFIXES + '<https://e.se/ds/other> dcterms:title "P"@sv .\n',
                                                 encoding="utf-8")
    groups = [names(group) for group in changed_groups(["."], "HEAD")]
    assert groups == [["meta/roads.ttl", "meta/agents.ttl"], ["meta/unrelated.ttl"]]


def test_changed_only_findings_come_per_group(repo, run_cli):
    """unrelated.ttl now types ds/other as a dataset without a title; other/new.ttl (another folder, so not
    referred to) gives it a title. Per group the title is missing; with --merge the two are one graph."""
    (repo / "meta" / "unrelated.ttl").write_text(PREFIXES + "<https://e.se/ds/other> a dcat:Dataset .\n",
                                                 encoding="utf-8")
    (repo / "other" / "new.ttl").write_text(PREFIXES + '<https://e.se/ds/other> dcterms:title "P"@sv .\n',
                                            encoding="utf-8")

    def title_missing(*options):
        printed = json.loads(run_cli("validate", "--no-config", "--format", "json", "--changed-only", "HEAD",
                                     *options, ".").stdout)
        assert names(printed["sources"]) == ["meta/unrelated.ttl", "other/new.ttl"]
        return [names([f["source"]])[0] for f in printed["findings"]
                if f["focus"] == "https://e.se/ds/other" and f["code"] == "SE-DATASET-TITLE-MISSING"]

    assert title_missing() == ["meta/unrelated.ttl"]
    assert title_missing("--merge") == []
