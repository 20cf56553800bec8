"""`describe` writes the same bytes for the same input on every run (README, `describe`): each run below is a new
process with its own hash seed, as two runs on two machines would be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DESCRIPTION = REPO / "examples" / "describe" / "foretag-bolagsverket.yaml"
# blank nodes (periods, checksums, a telephone) and several resources of every kind
RDF_INPUTS = [REPO / "examples" / "dcat-ap-se" / "invalid" / "smhi-values.ttl",
              REPO / "examples" / "dcat-ap-se" / "invalid" / "trafikverket-2x.rdf"]


def run(*args, seed: int) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run([sys.executable, "-m", "ena_grunddata", *map(str, args)], capture_output=True, env=env,
                          timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.mark.parametrize("fmt", ["rdfxml", "turtle", "jsonld"])
def test_describe_gives_identical_bytes_on_every_run(fmt):
    first = run("describe", "--no-write-back", "--format", fmt, DESCRIPTION, seed=1)
    assert run("describe", "--no-write-back", "--format", fmt, DESCRIPTION, seed=2) == first
    assert run("describe", "--no-write-back", "--format", fmt, DESCRIPTION, seed=3) == first


@pytest.mark.parametrize("source", RDF_INPUTS, ids=lambda p: p.name)
def test_describe_from_rdf_gives_identical_yaml_on_every_run(source):
    first = run("describe", "--from-rdf", source, seed=1)
    assert run("describe", "--from-rdf", source, seed=2) == first
    assert run("describe", "--from-rdf", source, seed=3) == first


def test_quality_annotations_use_the_oa_prefix():
    """dqv:QualityAnnotation's properties are Web Annotation terms: written oa:, never a generated ns1:."""
    for fmt in ("rdfxml", "turtle"):
        text = run("describe", "--no-write-back", "--format", fmt, DESCRIPTION, seed=1).decode()
        assert "oa:hasBody" in text and "ns1" not in text
