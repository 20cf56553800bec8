"""`ena-grunddata domains`: the registry of base-data domains, for people (text) and programs (json)."""

from __future__ import annotations

import json

from ena_grunddata.validation.domains import list_domains, rule_count

FIVE = {
    "person": ("Person", "Skatteverket", "2021005448"),
    "foretag": ("Företag", "Bolagsverket", "2021005489"),
    "fastighets-och-geografisk-information": ("Fastighets- och geografisk information", "Lantmäteriet", "2021004888"),
    "halsa-vard-och-omsorg": ("Hälsa, vård och omsorg", "E-hälsomyndigheten", "2021006552"),
    "transportsystem": ("Transportsystem", "Trafikverket", "2021006297"),
}


def test_json_lists_all_five_domains_with_their_agencies(run_cli):
    result = run_cli("domains", "--format", "json")
    assert result.exit_code == 0, result.stderr
    domains = {d["slug"]: d for d in json.loads(result.stdout)["domains"]}
    assert set(domains) == set(FIVE)
    for slug, (label, agency, number) in FIVE.items():
        domain = domains[slug]
        assert domain["label"]["sv"] == label and domain["label"]["en"]
        assert domain["iri"] == f"https://www.dataportal.se/terminology/grunddata/{slug}"
        assert domain["responsible_agency"]["name"]["sv"] == agency
        assert domain["responsible_agency"]["organisation_number"] == number
        assert domain["responsible_agency"]["iri"] == f"http://dataportal.se/organisation/SE{number}"
        assert domain["role"]["sv"] == "grunddatadomänansvarig"
        assert domain["rules"] == rule_count() > 30
    assert domains["person"]["attestation"] == "attested"
    assert domains["transportsystem"]["attestation"] == "provisional"
    assert domains["foretag"]["hvd_category"] == "http://data.europa.eu/bna/c_a9135398"


def test_text_lists_every_domain_with_label_and_agency_in_the_chosen_language(run_cli):
    result = run_cli("domains", "--lang", "sv")
    assert result.exit_code == 0, result.stderr
    for slug, (label, agency, number) in FIVE.items():
        assert f"{slug}: {label}" in result.stdout
        assert f"{agency} <http://dataportal.se/organisation/SE{number}>" in result.stdout
    assert "5 grunddatadomäner" in result.stdout
    english = run_cli("domains").stdout
    assert "Swedish Tax Agency" in english and "5 base-data domains" in english


def test_a_vocabulary_file_adds_and_overrides_domains(run_cli, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
@prefix gd: <https://www.dataportal.se/terminology/grunddata/> .
gd:miljo a skos:Concept ; skos:inScheme <https://www.dataportal.se/terminology/grunddata> ;
    skos:prefLabel "Miljö"@sv, "Environment"@en ; skos:notation "miljo" ;
    ena:responsibleAgency <http://dataportal.se/organisation/SE2021002864> ;
    ena:responsibleAgencyName "Naturvårdsverket"@sv .
gd:person ena:responsibleAgencyName "Skatteverket (folkbokföringen)"@sv .
""", encoding="utf-8")
    result = run_cli("domains", "-f", "json", "--vocabulary", extra)
    assert result.exit_code == 0, result.stderr
    domains = {d["slug"]: d for d in json.loads(result.stdout)["domains"]}
    assert len(domains) == 6
    assert domains["miljo"]["responsible_agency"]["name"] == {"sv": "Naturvårdsverket"}
    assert domains["person"]["responsible_agency"]["name"] == {"sv": "Skatteverket (folkbokföringen)"}


def test_a_missing_vocabulary_file_is_an_input_error(run_cli, tmp_path):
    result = run_cli("domains", "--vocabulary", tmp_path / "nope.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_json_output_is_the_library_listing(run_cli):
    listed = json.loads(run_cli("domains", "-f", "json").stdout)["domains"]
    assert listed == [domain.to_dict() for domain in list_domains()]
