"""Round two (issue #16), family 1: input never ends in an internal error (exit 70).

- Numbers at the extremes in every JSON and YAML input (descriptions in YAML and JSON, JSON-LD): an integer of
  thousands of digits is text in a description (YAML 1.2 reads what it cannot convert as a string) and a one-line
  error in JSON-LD (load.safety.load_json); a YAML 1.1 sexagesimal number (190:20:30) stays text.
- Lone UTF-16 surrogates in JSON (descriptions and JSON-LD): one line, exit 2, the same in every command.
- Configuration values of the wrong type, and the command line's spellings of keys, in a harvest sources file.

The endpoint's answers are in test_hostile_endpoint_answers.py, server answers in test_hostile_network2.py and
test_hostile_store_defects.py, output targets in test_hostile_files.py, user shapes in test_hostile_rules.py, and
the CLI-wide property test in test_fuzz_cli.py.
"""

from __future__ import annotations

import pytest

from hostile_support import assert_error, assert_no_traceback, write

DIGITS = "9" * 5000
CATALOG_TTL = ('@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n'
               '<https://example.se/c> a dcat:Catalog ; dcterms:title "Katalog"@sv .\n')


def command(name: str, path, tmp_path) -> list:
    if name == "export":
        return ["export", "--no-validate", "--to", tmp_path / "out.ttl", path]
    return [name, path]


COMMANDS = ["validate", "describe", "export", "score"]


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_extreme_numbers_in_a_description_stay_text(tmp_path, cli_run, name, suffix):
    """An integer of 5,000 digits (Python converts at most 4,300) and a sexagesimal number are text, as YAML 1.2
    reads them: the description loads, and `issued: 190:20:30` is reported as a date it is not."""
    if suffix == ".yaml":
        text = ("base: https://example.se/\ncatalog:\n  title: {sv: Katalog}\ndatasets:\n  ds:\n    title: {sv: V}\n"
                f"    issued: 190:20:30\n    version: {DIGITS}\n")
    else:
        text = ('{"base": "https://example.se/", "catalog": {"title": {"sv": "Katalog"}}, "datasets": {"ds": '
                f'{{"title": {{"sv": "V"}}, "issued": "190:20:30", "version": {DIGITS}}}}}}}')
    path = write(tmp_path, "d" + suffix, text)
    run = cli_run(*command(name, path, tmp_path))
    assert run.exit_code in (0, 1), (run.exit_code, run.stderr)
    assert_no_traceback(run)
    if name == "describe":  # the schema check reads the value as text and says what is wrong with it
        assert "'190:20:30' is not a date" in run.stderr


@pytest.mark.parametrize("name", COMMANDS)
def test_an_integer_of_thousands_of_digits_in_jsonld_is_one_line(tmp_path, cli_run, name):
    path = write(tmp_path, "c.jsonld", '{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@id": '
                                       f'"https://example.se/d", "@type": "dcat:Dataset", "dcat:keyword": {DIGITS}}}')
    if name == "describe":  # describe reads descriptions; JSON-LD is RDF, read with --from-rdf
        run = cli_run("describe", "--from-rdf", path)
    else:
        run = cli_run(*command(name, path, tmp_path))
    assert_error(run, 2, "5,000 digits", where=f"{path}:1")


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("kind", ["description", "jsonld"])
def test_a_lone_surrogate_in_json_is_one_line_in_every_command(tmp_path, cli_run, name, kind):
    if kind == "description":
        path = write(tmp_path, "d.json", '{"base": "https://example.se/", "catalog": {"title": {"sv": "K\\ud800"}}}')
    else:
        path = write(tmp_path, "c.jsonld", '{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@id": '
                                           '"https://example.se/d", "@type": "dcat:Dataset", "dcat:keyword": "a\\ud800"}')
    args = ["describe", "--from-rdf", path] if (name, kind) == ("describe", "jsonld") else command(name, path, tmp_path)
    assert_error(cli_run(*args), 2, "surrogate (\\ud800)", where=f"{path}:1")


@pytest.mark.parametrize("entry,words", [
    ("max_pages: true", "max_pages: expected integer, got true"),
    ('max_pages: "x"', 'max_pages: expected integer, got "x"'),
    ("max-pages: [1]", "max_pages: expected integer, got [1]"),  # the command line's spelling, named as stored
    ("shrink_threshold: 2", "shrink_threshold"),
    ("accept_shrink: 1", "accept_shrink: expected boolean"),
    ("header_env: [X]", "header_env: expected object"),
    ("url: 5", "url: expected string, got 5"),
    ("max_sub_catalogs: -1", "max_sub_catalogs"),
])
def test_a_sources_file_value_of_the_wrong_type_names_its_key(tmp_path, cli_run, entry, words):
    write(tmp_path, "c.ttl", CATALOG_TTL)
    config = write(tmp_path, "sources.yaml", f"sources:\n  - path: {tmp_path / 'c.ttl'}\n    {entry}\n")
    assert_error(cli_run("harvest", "--store", tmp_path / "s", "--config", config), 2, words,
                 where=f"{config}: source 1")


def test_the_command_lines_spellings_are_keys_of_a_sources_file(tmp_path, cli_run):
    write(tmp_path, "c.ttl", CATALOG_TTL)
    config = write(tmp_path, "sources.yaml", f"defaults:\n  max-pages: 3\nsources:\n  - path: {tmp_path / 'c.ttl'}\n"
                                             "    shrink-threshold: 0.25\n    max-sub-catalogs: 0\n")
    run = cli_run("harvest", "--store", tmp_path / "s", "--config", config)
    assert run.exit_code == 0, run.stderr


DEEP = "[" * 200_000 + "]" * 200_000


@pytest.mark.parametrize("content,words", [
    (DEEP, "nesting too deep"),
    ('{"ena-grunddata-baseline": 1, "findings": [{"code": "X", "focus": "f", "path": [1]}]}', "findings[0]"),
    ('{"ena-grunddata-baseline": 1, "findings": [{"code": "X", "focus": "f", "value": {"a": 1}}]}', "findings[0]"),
    ('{"ena-grunddata-baseline": 1, "findings": [{"code": "X", "focus": "f", "value": ' + DIGITS + "}]}", "digits"),
])
def test_a_baseline_that_is_not_one_is_one_line(tmp_path, cli_run, content, words):
    """--baseline FILE: nesting deep enough to exhaust Python's recursion (RecursionError) and a path or value that
    is not a string (unhashable in the count) were exit 70."""
    baseline = write(tmp_path, "baseline.json", content)
    data = write(tmp_path, "c.ttl", CATALOG_TTL)
    assert_error(cli_run("validate", "--baseline", baseline, data), 2, words, where=str(baseline))


def test_an_export_manifest_nested_deep_is_one_line(tmp_path, cli_run):
    """export --to FOLDER reads the manifest an earlier export left there: nested deep it was exit 70."""
    manifest = write(tmp_path, "site/.ena-grunddata-export.json", DEEP)
    data = write(tmp_path, "c.ttl", CATALOG_TTL)
    assert_error(cli_run("export", "--allow-invalid", "--to", tmp_path / "site", data), 2, "not a manifest",
                 where=str(manifest))


@pytest.mark.parametrize("name", ["ena-grunddata.toml", "pyproject.toml"])
@pytest.mark.parametrize("value,words", [(DEEP, "nested too deep"), (DIGITS, "4,300 digits")])
def test_a_project_configuration_tomllib_cannot_hold_is_one_line(tmp_path, cli_run, monkeypatch, name, value,
                                                                  words):
    """tomllib raised RecursionError for deep arrays and ValueError for an integer of 5,000 digits: exit 70, also
    for a pyproject.toml found on the way up from the current folder (every command reads it)."""
    table = "[tool.ena-grunddata]\n" if name == "pyproject.toml" else ""
    config = write(tmp_path, name, f"{table}fail-on = {value}\n")
    data = write(tmp_path, "c.ttl", CATALOG_TTL)
    assert_error(cli_run("validate", "--config", config, data), 2, words, where=str(config))
    monkeypatch.chdir(tmp_path)  # found, not named
    assert_error(cli_run("validate", "c.ttl"), 2, words, where=name)


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_description_file_given_as_a_vocabulary_is_one_line(tmp_path, cli_run, name, suffix):
    """Found by test_fuzz_cli.py: reading a description needs the vocabularies, so a description given with
    --vocabulary asked for itself without end (RecursionError, exit 70). A vocabulary is RDF."""
    vocabulary = write(tmp_path, "v" + suffix, '{"base": "https://example.se/", "catalog": {"title": {"sv": "K"}}}')
    data = write(tmp_path, "c.ttl", CATALOG_TTL)
    args = command(name, data, tmp_path)
    assert_error(cli_run(*args[:1], "--vocabulary", vocabulary, *args[1:]), 2, "not a description file",
                 where=str(vocabulary))
