"""One name per concept across commands: the validation options everywhere validation runs, one name for the total
HTTP request time, -f/--format always the report format; old names still work, hidden, with a warning."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from ena_grunddata.commands.cli import COMMANDS, cli
from publish_data import write_catalog

REPO = Path(__file__).resolve().parent.parent
VALIDATING = ("validate", "score", "export", "serve", "publish", "harvest")
RULES = {"profiles": ["-p", "--profile"], "extra_shapes": ["--shapes"], "vocabularies": ["--vocabulary"],
         "domain": ["--domain"]}


def options(name: str) -> dict[str, click.Option]:
    command = cli.get_command(click.Context(cli), name)
    return {p.name: p for p in command.params if isinstance(p, click.Option)}


@pytest.mark.parametrize("name", VALIDATING)
def test_every_validating_command_takes_the_same_rules_options(name):
    found = options(name)
    for parameter, names in RULES.items():
        assert parameter in found, f"{name} lacks {names[-1]}"
        assert found[parameter].opts == names and not found[parameter].hidden


def test_the_total_request_time_has_one_name():
    for name in ("harvest", "publish"):
        assert options(name)["http_deadline"].opts == ["--http-deadline"]
    visible = {opt for name in COMMANDS for p in options(name).values() if not p.hidden for opt in p.opts}
    assert "--request-timeout" not in visible


def test_short_f_is_always_the_report_format():
    rdf_formats = {"rdfxml", "jsonld", "ntriples"}  # (validate -f turtle is the SHACL report graph, a report)
    for name in COMMANDS:
        for parameter in options(name).values():
            if "-f" in parameter.opts and not parameter.hidden:
                choices = set(getattr(parameter.type, "choices", ()))
                assert "text" in choices and not choices & rdf_formats, name


def test_old_names_still_work_with_a_warning(tmp_path, run_cli):
    source = write_catalog(tmp_path)
    result = run_cli("publish", source, "--to", "http://127.0.0.1:9", "--allow-private", "--dry-run",
                     "--no-validate", "--request-timeout", "5")
    assert result.exit_code == 0
    assert "warning: --request-timeout is deprecated here; use --http-deadline" in result.stderr
    description = REPO / "examples/describe/foretag-bolagsverket.yaml"
    old = run_cli("describe", description, "--no-write-back", "-f", "turtle")
    new = run_cli("describe", description, "--no-write-back", "--rdf-format", "turtle")
    assert old.exit_code == new.exit_code == 0 and old.stdout == new.stdout and "@prefix" in new.stdout
    assert "warning: --format is deprecated here; use --rdf-format" in old.stderr
    assert "deprecated" not in new.stderr


def test_readme_option_tables_use_one_name_per_concept():
    rows = [line for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| `-")]
    assert rows
    assert not [row for row in rows if "--request-timeout" in row]  # --http-deadline everywhere
    for row in rows:
        if re.match(r"\| `-f, --format", row):
            assert "rdfxml" not in row, row  # -f is a report format; describe's RDF format is --rdf-format
    named = " ".join(rows)
    for concept in ("--http-deadline", "--rdf-format", "--vocabulary", "--allow-invalid", "--no-validate"):
        assert concept in named
