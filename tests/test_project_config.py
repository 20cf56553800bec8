"""The project configuration: found from the current folder upwards, checked with a schema, applied to every
validating command through the shared options (README, "Project configuration")."""

from __future__ import annotations

import json

import pytest

from policy_data import SHAPES, TWO_THINGS, write


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository: shapes and data, the command run from inside it."""
    write(tmp_path, "shapes.ttl", SHAPES)
    (tmp_path / "data").mkdir()
    write(tmp_path / "data", "things.ttl", TWO_THINGS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(result):
    return [(f["code"], f["severity"], f["focus"]) for f in json.loads(result.stdout)["findings"]]


def test_fail_on_and_shapes_come_from_ena_grunddata_toml(run_cli, project):
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\n')
    result = run_cli("validate", "data/things.ttl")
    assert result.exit_code == 1  # two warnings (EX-DESCRIPTION), and the configuration fails on warnings
    assert "EX-DESCRIPTION" in result.stdout


def test_the_command_line_wins_over_the_configuration(run_cli, project):
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\n')
    assert run_cli("validate", "--fail-on", "violation", "data/things.ttl").exit_code == 0


def test_no_config_ignores_it(run_cli, project):
    write(project, "ena-grunddata.toml", 'fail-on = "info"\n')
    assert run_cli("validate", "--no-config", "--shapes", "shapes.ttl", "data/things.ttl").exit_code == 0


def test_pyproject_is_found_from_a_subfolder_and_paths_are_relative_to_it(run_cli, project, monkeypatch):
    write(project, "pyproject.toml", '[project]\nname = "spec"\n\n[tool.ena-grunddata]\nshapes = ["shapes.ttl"]\n'
                                     'fail-on = "info"\nlang = "sv"\n')
    monkeypatch.chdir(project / "data")
    result = run_cli("validate", "things.ttl")
    assert result.exit_code == 1  # infos fail under fail-on = "info"
    assert "gräns: upplysning" in result.stdout  # lang = "sv": the Swedish word for the info severity


def test_a_pyproject_without_the_table_is_passed_over(run_cli, project, monkeypatch):
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\n')
    write(project / "data", "pyproject.toml", '[project]\nname = "data"\n')
    monkeypatch.chdir(project / "data")
    assert run_cli("validate", "things.ttl").exit_code == 1


def test_config_names_the_file(run_cli, project):
    other = write(project, "strict.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\n')
    assert run_cli("validate", "--config", other, "data/things.ttl").exit_code == 1


@pytest.mark.parametrize(("text", "message"), [
    ('fail_on = "warning"\n', "unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ('language = "sv"\n', "unknown key 'language' (did you mean 'lang'?)"),
    ('ignore = [{code = "EX-TITLE", file = ["a.ttl"]}]\n', "unknown key 'ignore[0].file' (did you mean 'files'?)"),
    ('merge = "yes"\n', "merge: must be true or false, not a string"),
    ('fail-on = "warn"\n', "fail-on: 'warn' is not one of violation, warning, info"),
    ('profiles = "grunddata"\n', "profiles: must be a list, not a string"),
    ('shapes = [1]\n', "shapes[0]: must be a string, not a number"),
    ('[severity]\nEX-TITLE = "low"\n', "severity.EX-TITLE: 'low' is not one of violation, warning, info"),
    ('ignore = [3]\n', "ignore[0]: must be a finding code or a table"),
    ('fail-on = \n', "not valid TOML"),
])
def test_a_bad_configuration_is_one_line_naming_file_and_key_exit_2(run_cli, project, text, message):
    write(project, "ena-grunddata.toml", text)
    result = run_cli("validate", "data/things.ttl")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert "ena-grunddata.toml" in result.stderr and message in result.stderr, result.stderr


def test_a_missing_config_file_is_exit_2(run_cli, project):
    result = run_cli("validate", "--config", "nope.toml", "data/things.ttl")
    assert result.exit_code == 2
    assert result.stderr == "error: nope.toml: configuration file not found\n"


def test_ignore_by_code_file_glob_and_focus(run_cli, project):
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\n'
                                         'ignore = ["EX-MODIFIED",\n'
                                         '  {code = "EX-DESCRIPTION", files = ["data/*.ttl"], '
                                         'focus = ["https://example.se/a"], reason = "a has no description yet"}]\n')
    result = run_cli("validate", "--format", "json", "data/things.ttl")
    assert findings(result) == [("EX-DESCRIPTION", "warning", "https://example.se/b")]
    suppressed = json.loads(result.stdout)["suppressed"]
    assert sorted((f["code"], f["focus"], f["suppressed"]) for f in suppressed) == [
        ("EX-DESCRIPTION", "https://example.se/a", "a has no description yet"),
        ("EX-MODIFIED", "https://example.se/a", "ignored in ena-grunddata.toml"),
        ("EX-MODIFIED", "https://example.se/b", "ignored in ena-grunddata.toml")]
    assert {f["suppressed_by"] for f in suppressed} == {"config"}


def test_an_ignore_limited_to_other_files_does_not_apply(run_cli, project):
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\n'
                                         'ignore = [{code = "EX-DESCRIPTION", files = ["legacy/*.ttl"]}]\n')
    result = run_cli("validate", "--format", "json", "data/things.ttl")
    assert [f[0] for f in findings(result)].count("EX-DESCRIPTION") == 2


def test_severity_overrides_change_the_exit_code(run_cli, project):
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\n'
                                         '[severity]\nEX-DESCRIPTION = "info"\n')
    result = run_cli("validate", "--format", "json", "data/things.ttl")
    assert result.exit_code == 0  # the only warnings became infos
    assert {f[1] for f in findings(result)} == {"info"}


def test_merge_from_the_configuration(run_cli, project):
    write(project / "data", "more.ttl", '<https://example.se/a> <http://purl.org/dc/terms/description> "A" .\n')
    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nmerge = true\n')
    merged = findings(run_cli("validate", "--format", "json", "data"))
    assert ("EX-DESCRIPTION", "warning", "https://example.se/a") not in merged
    each = findings(run_cli("validate", "--no-merge", "--format", "json", "data"))
    assert ("EX-DESCRIPTION", "warning", "https://example.se/a") in each


@pytest.mark.parametrize("command", ["validate", "score", "export", "serve", "publish"])
def test_every_validating_command_reads_the_configuration(run_cli, project, command):
    write(project, "ena-grunddata.toml", 'fail_on = "warning"\n')
    result = run_cli(command, "data/things.ttl", *(["--to", "x"] if command in ("export", "publish") else []))
    assert result.exit_code == 2
    assert "unknown key 'fail_on'" in result.stderr
    assert run_cli(command, "--help").stdout.count("--no-config") == 1


def test_harvest_reads_the_configuration_as_project_config(run_cli, project):
    write(project, "ena-grunddata.toml", 'fail_on = "warning"\n')
    result = run_cli("harvest", "--validate", "data/things.ttl", "--store", project / "store")
    assert result.exit_code == 2
    assert "unknown key 'fail_on'" in result.stderr
    assert "--project-config" in run_cli("harvest", "--help").stdout


def test_the_action_reads_the_configuration(project):
    """The action's validate step with empty fail-on and lang inputs: the configuration decides."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\n')
    action = yaml.safe_load((Path(__file__).resolve().parent.parent / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "validate")
    output = project / "output.txt"
    env = {**os.environ, "ENA_PATHS": "data/things.ttl", "ENA_PROFILE": "", "ENA_DOMAIN": "", "ENA_LANG": "",
           "ENA_FAIL_ON": "", "ENA_CHANGED": "", "ENA_BASELINE": "", "ENA_CONFIG": "",
           "ENA_SARIF": str(project / "out.sarif"), "GITHUB_STEP_SUMMARY": str(project / "summary.md"),
           "GITHUB_OUTPUT": str(output), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", step["run"]], env=env, capture_output=True, text=True,
                          cwd=project)
    assert done.returncode == 0, done.stderr
    assert output.read_text().startswith("exit-code=1\n")  # only warnings: fails because of fail-on = "warning"


def test_the_pre_commit_hooks_read_the_configuration(run_cli, project):
    import shlex
    from pathlib import Path

    import yaml

    write(project, "ena-grunddata.toml", 'shapes = ["shapes.ttl"]\nfail-on = "warning"\nmerge = true\n')
    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    files_hook = next(h for h in hooks if h["id"] == "ena-grunddata-validate-files")
    arguments = shlex.split(files_hook["entry"])[1:]
    write(project / "data", "more.ttl", '<https://example.se/a> <http://purl.org/dc/terms/description> "A" .\n')
    result = run_cli(*arguments, "--format", "json", "data/things.ttl", "data/more.ttl")
    assert result.exit_code == 1  # fail-on from the configuration
    # each file on its own despite merge = true: a's description in more.ttl does not count for things.ttl
    assert ("EX-DESCRIPTION", "warning", "https://example.se/a") in findings(result)
