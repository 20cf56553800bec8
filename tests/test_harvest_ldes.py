"""Digg's LDES DCAT-AP test suite: harvesting before.ttl then after.ttl gives each report.json exactly."""

from __future__ import annotations

import json
import shutil

import pytest

CASES = [f"test{n}" for n in range(1, 28)]


@pytest.mark.parametrize("case", CASES)
def test_change_report_matches_ldes_suite(case, shared_dir, run_cli, tmp_path):
    folder = shared_dir / "reference" / "dcat-ap-se" / "ldes-testsuite" / case
    expected = json.loads((folder / "report.json").read_text("utf-8"))
    catalog = tmp_path / "catalog.ttl"
    store = tmp_path / "store"
    shutil.copyfile(folder / "before.ttl", catalog)
    first = run_cli("harvest", "--store", store, "--format", "json", catalog)
    assert first.exit_code == 0, first.stderr
    shutil.copyfile(folder / "after.ttl", catalog)
    second = run_cli("harvest", "--store", store, "--format", "json", "--accept-shrink", catalog)
    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    source = report["sources"][0]["changes"]
    for changes in (source, report["changes"]):
        assert list(changes) == ["added", "removed", "updated", "unchanged", "addedURIs", "removedURIs",
                                 "updatedURIs"]
        for key in ("added", "removed", "updated", "unchanged"):
            assert changes[key] == expected[key], key
        for key in ("addedURIs", "removedURIs", "updatedURIs"):
            assert sorted(changes[key]) == sorted(expected[key]), key


def test_suite_has_27_cases(shared_dir):
    folder = shared_dir / "reference" / "dcat-ap-se" / "ldes-testsuite"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(CASES)
