"""Helpful edges on the domain owner's path (issue 17, point 4): describe's error list, RDF given to describe,
descriptions on standard input, and --domain by label with a did-you-mean."""

from __future__ import annotations

import json

import pytest

DESCRIPTION = """\
# a description (the comment first, as `init` writes it)
base: https://data.example.se/
catalog:
  title: {sv: Katalog, en: Catalogue}
  description: {sv: Beskrivning, en: Description}
  publisher: https://example.se/org
  license: CC0-1.0
datasets:
  a:
    title: {sv: "TODO: titel"}
    description: {sv: A}
    keywrd: x
"""


def test_describe_lists_errors_first_and_ends_with_the_counts(run_cli, tmp_path):
    source = tmp_path / "k.yaml"
    source.write_text(DESCRIPTION, encoding="utf-8")
    result = run_cli("describe", source, "-o", tmp_path / "k.rdf")
    assert result.exit_code == 1 and not (tmp_path / "k.rdf").exists()
    lines = result.stderr.strip().splitlines()
    # one error (the unknown key on line 12), one warning (the placeholder on line 10): error first, file order kept
    assert lines[0].startswith(f"error: {source}:12:5: $.datasets.a.keywrd: unknown key 'keywrd'")
    assert lines[1].startswith(f"warning: {source}:10:")
    assert lines[-1] == "1 error(s), 1 warning(s); nothing written"
    assert len(lines) == 3


def test_describe_counts_warnings_when_it_writes(run_cli, tmp_path):
    source = tmp_path / "k.yaml"
    source.write_text(DESCRIPTION.replace("    keywrd: x\n", ""), encoding="utf-8")
    result = run_cli("describe", source, "-o", tmp_path / "k.rdf", "--no-write-back")
    assert result.exit_code == 0 and (tmp_path / "k.rdf").exists()
    assert result.stderr.strip().splitlines()[-1] == "0 error(s), 1 warning(s)"


TURTLE = "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://example.se/c> a dcat:Catalog .\n"
RDFXML = ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
          '<rdf:Description rdf:about="https://example.se/c"/></rdf:RDF>\n')


@pytest.mark.parametrize("name, text", [("katalog.ttl", TURTLE), ("katalog.rdf", RDFXML), ("katalog.xml", RDFXML),
                                        ("katalog.txt", TURTLE), ("katalog", RDFXML),
                                        ("katalog.nt", "<https://example.se/c> <http://x.se/p> \"v\" .\n")])
def test_rdf_given_to_describe_points_to_from_rdf(run_cli, tmp_path, name, text):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = run_cli("describe", source)
    assert result.exit_code == 2 and result.stdout == ""
    assert "not a description: read it with `describe --from-rdf`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rdf_on_standard_input_points_to_from_rdf_too(run_cli):
    result = run_cli("describe", "-", input=TURTLE)
    assert result.exit_code == 2 and "--from-rdf" in result.stderr


@pytest.mark.parametrize("options", [(), ("--input-format", "description")])
def test_validate_reads_a_description_on_standard_input(run_cli, tmp_path, options):
    source = tmp_path / "k.yaml"
    source.write_text(DESCRIPTION, encoding="utf-8")
    from_file = json.loads(run_cli("validate", source, "--format", "json").stdout)
    result = run_cli("validate", *options, "-", "--format", "json", input=DESCRIPTION)
    assert result.exit_code == 1, result.stderr  # the unknown key is a violation
    from_stdin = json.loads(result.stdout)
    assert from_stdin["sources"] == ["<stdin>"]
    assert sorted((f["code"], f["line"]) for f in from_stdin["findings"]) == \
        sorted((f["code"], f["line"]) for f in from_file["findings"])


def test_turtle_with_base_and_prefix_on_standard_input_is_still_turtle(run_cli):
    text = "BASE <https://example.se/>\nPREFIX dcat: <http://www.w3.org/ns/dcat#>\n<c> a dcat:Catalog .\n"
    result = run_cli("validate", "-", "--format", "json", input=text)
    assert result.exit_code == 1 and json.loads(result.stdout)["findings"][0]["focus"] == "https://example.se/c"


@pytest.mark.parametrize("name", ["foretag", "Företag", "FÖRETAG", "företag", "Business", "business",
                                  "https://www.dataportal.se/terminology/grunddata/foretag"])
def test_domain_by_slug_label_or_iri(run_cli, name):
    result = run_cli("init", "--domain", name)
    assert result.exit_code == 0, result.stderr
    assert "domain: foretag" in result.stdout


@pytest.mark.parametrize("typo, slug", [("foretg", "foretag"), ("Foretagg", "foretag"), ("persn", "person"),
                                        ("transport", "transportsystem"), ("Real property", "fastighets-och-"
                                                                                            "geografisk-information")])
def test_a_mistyped_domain_suggests_the_nearest_slug(run_cli, tmp_path, typo, slug):
    for args in (("init", "--domain", typo), ("validate", "--domain", typo, "-")):
        result = run_cli(*args, input=TURTLE)
        assert result.exit_code == 2, args
        assert f"unknown domain '{typo}' (did you mean '{slug}'?" in result.stderr


def test_validate_accepts_the_swedish_label_for_domain(run_cli):
    dataset = TURTLE + "<https://example.se/d> a dcat:Dataset .\n"
    by_label = json.loads(run_cli("validate", "--domain", "Företag", "-", "--format", "json", input=dataset).stdout)
    by_slug = json.loads(run_cli("validate", "--domain", "foretag", "-", "--format", "json", input=dataset).stdout)
    assert by_label["findings"] == by_slug["findings"]
    assert any(f["code"].startswith("GD-") for f in by_slug["findings"])
