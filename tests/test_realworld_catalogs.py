"""Real Swedish catalogs (../shared/reference/realworld, kept as published, defects included) and SEMIC's DCAT-AP
3.0.1 examples: every file that parses validates to a report without crashing, and where the measured oracle of
realworld/SOURCES.md (a bundle cardinality and value-list check) found a defect, we report the same defect."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ena_grunddata.errors import InputError
from ena_grunddata.validation.pipeline import validate

REALWORLD = Path("reference/realworld")
SEMIC_EXAMPLES = Path("reference/dcat-ap/semic-3.0.1/examples")
# Files that are not valid RDF as published: the loader must refuse them with a located, one-line error.
UNPARSABLE = {
    "arbetsformedlingen-jobtechdev-af_dcat-2020.xml": ":105:",  # node element nested without a property element
    "example-bee-population-dataset-series-api.ttl": ":20:",  # '/' unescaped in a prefixed name
    "example-bee-population-dataset-series-combined.ttl": ":32:",
}
# Defects SOURCES.md measured with the bundle oracle, as (code, count) we must report too.
MEASURED = {
    "civictechsweden-civictech.se-dcat-ap.rdf": {"SE-DISTRIBUTION-AVAILABILITY-VALUE": 37,
                                                 "SE-CATALOG-LICENSE-MISSING": 1},
    "civictechsweden-oppna-luftfartygsregistret-dcat-ap.rdf": {"SE-AGENT-NAME-MISSING": 1,
                                                               "SE-AGENT-AGENTTYPE-MISSING": 1},
    "openumea-rdftohtml-opennorth.rdf": {"SE-DISTRIBUTION-STATUS-VALUE": 17, "SE-DATASET-THEME-VALUE": 16},
    "openumea-rdftohtml-sgu.rdf": {"SE-DATASET-THEME-VALUE": 19},
    "sambruk-open-meal-datasets-dcat.rdf": {"SE-DATASET-THEME-VALUE": 1},
    "sambruk-open-meal-dataprovider-dcat-ap-example.rdf": {"SE-CATALOG-LICENSE-MISSING": 1},
    "scb-dataportalxml-demo-dcat-ap.xml": {"SE-AGENT-NAME-MISSING": 1, "SE-AGENT-AGENTTYPE-MISSING": 1,
                                           "SE-CATALOG-IRI": 1},
    "scb-dataportalxml-dcat-ap20240403.xml": {"SE-AGENT-AGENTTYPE-MISSING": 1},
    "arbetsformedlingen-jobtechdev-af_dcat.rdf": {"SE-DISTRIBUTION-ACCESSURL-MISSING": 41,
                                                  "SE-DISTRIBUTION-ACCESSURL-MAX": 2},
    "raa-soch-dcat-ap-soch.rdf": {"SE-DATASET-LANGUAGE-VALUE": 173, "SE-CATALOG-LANGUAGE-VALUE": 1,
                                  "SE-CATALOG-THEMETAXONOMY-VALUE": 1, "SE-DATASET-IRI": 173,
                                  "SE-DISTRIBUTION-IRI": 346},
    "raa-soch-dcat-ap-maquette.ttl": {"SE-CATALOG-LANGUAGE-VALUE": 1, "SE-CATALOG-THEMETAXONOMY-VALUE": 1},
    "openumea-rdftohtml-dcat.rdf": {"SE-CATALOG-LANGUAGE-VALUE": 1, "SE-CATALOG-THEMETAXONOMY-VALUE": 1,
                                    "SE-DATASET-THEME-VALUE": 1, "SE-DATASET-LANGUAGE-VALUE": 1},
}


def files(shared_dir: Path) -> list[Path]:
    found = sorted(p for p in (shared_dir / REALWORLD).iterdir() if p.suffix != ".md")
    return found + sorted((shared_dir / SEMIC_EXAMPLES).glob("*.ttl"))


def test_every_reference_catalog_validates_or_is_refused_with_its_line(shared_dir: Path):
    checked = 0
    for path in files(shared_dir):
        if path.name in UNPARSABLE:
            with pytest.raises(InputError) as refused:
                validate([str(path)], profiles=["dcat-ap-se"])
            assert UNPARSABLE[path.name] in str(refused.value), str(refused.value)
            continue
        report = validate([str(path)], profiles=["dcat-ap-se"])
        counts = Counter(f.severity.label for f in report.findings)
        assert counts["violation"] >= 1, f"{path.name}: every one of these files has known defects"
        checked += 1
    assert checked >= 13 + 12


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_defects_measured_with_the_bundle_oracle_are_reported(shared_dir: Path, name: str):
    report = validate([str(shared_dir / REALWORLD / name)], profiles=["dcat-ap-se"])
    codes = Counter(f.code for f in report.findings)
    for code, count in MEASURED[name].items():
        assert codes[code] >= count, f"{name}: {code} ×{codes[code]}, the oracle found ×{count}"
