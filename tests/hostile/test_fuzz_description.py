"""Property-based fuzzing of the description format (YAML/JSON): any structure gives a report or a clean
one-line error, never an uncaught exception. Bounded: a few hundred examples per property."""

from __future__ import annotations

import json
import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ena_grunddata.errors import InputError

from ena_grunddata.description import api as describe
# ENA_FUZZ_EXAMPLES raises the bound for a longer hunt (CI keeps the default: a few seconds).
FUZZ = settings(max_examples=int(os.environ.get("ENA_FUZZ_EXAMPLES", 100)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# Keys the format knows, so that the fuzzer gets past the first level often; plus arbitrary ones.
KNOWN_KEYS = ["catalog", "datasets", "services", "series", "id", "title", "description", "publisher", "keywords",
              "theme", "themes", "domain", "license", "access_rights", "distributions", "contact", "email",
              "format", "url", "access_url", "download_url", "issued", "modified", "language", "spatial",
              "frequency", "name", "type", "sv", "en", "conforms_to", "serves_dataset", "endpoint_url", "extra"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["TODO", "sv", "https://example.se/x", "not a url",
                                                           "2024-02-30", "CSV", "text/csv", "TRAN", "", "\x00",
                                                           "\ud800x", "mailto:a@b", "person"]))
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
structures = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(keys, inner, max_size=6)),
                          max_leaves=40)
documents = st.dictionaries(st.sampled_from(KNOWN_KEYS[:4]) | keys, structures, max_size=5)


def outcome_or_clean_error(name: str, text: str) -> None:
    try:
        outcome = describe.build_text(name, text)
    except InputError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(name), message
        return
    assert isinstance(outcome.findings, list)
    for finding in outcome.findings:
        assert "\n" not in describe.error_line(finding)


@FUZZ
@given(document=documents)
def test_random_yaml_structures(document):
    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except (yaml.YAMLError, UnicodeEncodeError):
        return  # not representable as YAML (e.g. a lone surrogate); nothing to feed
    outcome_or_clean_error("fuzz.yaml", text)


@FUZZ
@given(document=documents)
def test_random_json_structures(document):
    # ensure_ascii: a file holds a lone surrogate only as an escape, never as a raw code point
    outcome_or_clean_error("fuzz.json", json.dumps(document, ensure_ascii=True, allow_nan=True))


@FUZZ
@given(text=st.one_of(st.text(max_size=400), st.sampled_from([
    "a: &x [*x]", "a: &a [*a, *a]\nb: *a", "!!python/object/apply:os.system ['echo pwned']", "? [a]\n: b",
    "datasets:\n" + "  - " * 200 + "x", "{" * 500, "catalog: !!binary aGVsbG8=", "%YAML 9.9\n---\na: 1",
    "datasets: [" + ", ".join(["{title: x}"] * 300) + "]", "--- a\n--- b\n"])))
def test_random_text(text):
    outcome_or_clean_error("fuzz.yaml", text)


EXAMPLE = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "describe" / "person-navet.yaml"
LANGUAGE_KEYS = st.sampled_from(["sv", "en", "v", "x", "en_US", "123", "sv-SE", "", "zz-9999999999"])


@st.composite
def mutated_example(draw):
    """The real example with a few values or keys replaced: deep enough to reach the RDF and the engine."""
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        node, parents = document, []
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node, key=str) if isinstance(node, dict) else range(len(node))))
            parents.append((node, key))
            node = node[key]
        if not parents:
            continue
        parent, key = parents[-1]
        if isinstance(parent, dict) and draw(st.booleans()):
            parent[draw(st.one_of(LANGUAGE_KEYS, keys))] = parent.pop(key)
        else:
            parent[key] = draw(scalars)
    return document


@settings(max_examples=int(os.environ.get("ENA_FUZZ_EXAMPLES", 25)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(document=mutated_example())
def test_validate_on_mutated_descriptions_never_fails_internally(document, tmp_path_factory):
    """End to end through `validate` (the description goes into the engine): exit 0, 1 or 2, never 70."""
    from click.testing import CliRunner

    from ena_grunddata.commands.cli import cli

    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except (yaml.YAMLError, UnicodeEncodeError):
        return
    path = tmp_path_factory.mktemp("fuzz") / "description.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    result = CliRunner().invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr
