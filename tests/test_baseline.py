"""A baseline (README, "Baseline"): today's findings recorded; later runs fail only on new ones."""

from __future__ import annotations

import json

from policy_data import PREFIXES, SHAPES, TWO_THINGS, write


def validate(run_cli, tmp_path, data, *extra):
    shapes = tmp_path / "shapes.ttl"
    if not shapes.exists():
        write(tmp_path, "shapes.ttl", SHAPES)
    return run_cli("validate", "--no-config", "--shapes", shapes, "--fail-on", "warning", "--format", "json",
                   *extra, data)


def test_write_then_fail_only_on_new_findings(run_cli, tmp_path):
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    baseline = tmp_path / "baseline.json"
    first = validate(run_cli, tmp_path, data, "--write-baseline", baseline)
    assert first.exit_code == 1  # the baseline records; it does not excuse the run that writes it
    recorded = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert sorted((e["code"], e["focus"]) for e in recorded) == [
        ("EX-DESCRIPTION", "https://example.se/a"), ("EX-DESCRIPTION", "https://example.se/b"),
        ("EX-MODIFIED", "https://example.se/a"), ("EX-MODIFIED", "https://example.se/b")]
    same = validate(run_cli, tmp_path, data, "--baseline", baseline)
    assert same.exit_code == 0
    assert json.loads(same.stdout)["findings"] == []
    assert len(json.loads(same.stdout)["suppressed"]) == 4
    # a new resource with a new warning: only that one counts
    write(tmp_path, "things.ttl", TWO_THINGS + '\n<https://example.se/c> a ex:Thing ; dcterms:modified "2024" .\n')
    newer = validate(run_cli, tmp_path, data, "--baseline", baseline)
    assert newer.exit_code == 1
    assert [(f["code"], f["focus"]) for f in json.loads(newer.stdout)["findings"]] == [
        ("EX-DESCRIPTION", "https://example.se/c")]


def test_matching_ignores_lines_and_reports_what_is_gone(run_cli, tmp_path):
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    baseline = tmp_path / "baseline.json"
    validate(run_cli, tmp_path, data, "--write-baseline", baseline)
    # b fixed, a moved down by three lines
    write(tmp_path, "things.ttl", PREFIXES + '\n\n\n\n<https://example.se/a> a ex:Thing ;\n    dcterms:title "A" .\n')
    result = validate(run_cli, tmp_path, data, "--baseline", baseline)
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed["findings"] == []
    assert sorted((g["code"], g["focus"]) for g in printed["baseline_gone"]) == [
        ("EX-DESCRIPTION", "https://example.se/b"), ("EX-MODIFIED", "https://example.se/b")]
    assert "2 finding(s) of the baseline" in result.stderr


def test_a_baseline_is_a_multiset(run_cli, tmp_path):
    """Two equal findings (the same IRI in two files) need two entries."""
    data = write(tmp_path, "one.ttl", TWO_THINGS)
    baseline = tmp_path / "baseline.json"
    validate(run_cli, tmp_path, data, "--write-baseline", baseline)
    write(tmp_path, "two.ttl", TWO_THINGS)
    result = validate(run_cli, tmp_path, tmp_path / "two.ttl", "--baseline", baseline, data)
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["findings"]) == 4


def test_the_baseline_file_is_byte_stable(run_cli, tmp_path):
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    validate(run_cli, tmp_path, data, "--write-baseline", tmp_path / "one.json")
    validate(run_cli, tmp_path, data, "--write-baseline", tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_a_broken_baseline_is_exit_2_with_one_line(run_cli, tmp_path):
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    for text in ("{", "[]", '{"ena-grunddata-baseline": 1, "findings": [{"code": 1}]}'):
        bad = write(tmp_path, "bad.json", text)
        result = validate(run_cli, tmp_path, data, "--baseline", bad)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {bad}: ") and len(result.stderr.splitlines()) == 1
    result = validate(run_cli, tmp_path, data, "--baseline", tmp_path / "missing.json")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'missing.json'}: no such file\n"
