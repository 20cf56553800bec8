"""Findings on disk (report.FindingSpill, issue 18): a Report whose findings wait in a temporary SQLite file reads
exactly as the same Report held in memory — same findings in the same order, same causes, same counts, the same
bytes in every format that streams (text, JSON) — so `validate --endpoint` can spill at national scale without
changing one byte of its output.

The findings come in families: random findings over a few resources, sources and lines, with every kind of cause
link.causes knows (an identity cause, a request to describe an undescribed resource, a schema finding explaining
the missing property in the user's key), ties in the sort key, messages shared or not; and real reports of the
examples through the library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ena_grunddata.render.formats import render, render_chunks
from ena_grunddata.report import Finding, FindingSpill, Report, Severity, SpilledFindings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RESOURCES = ["https://ex.se/a", "https://ex.se/b", "http://dataportal.se/organisation/SE2021005488", "_:b1",
             "https://ex.se/ä"]
CODES = ["GD-PUBLISHER-LUHN", "GD-PUBLISHER-IRI", "GD-PUBLISHER-NAME", "GD-PUBLISHER-IDENTIFIER",
         "GD-PUBLISHER-TYPE", "GD-CATALOG-PUBLISHER", "SCHEMA-TYPE", "DCAT-TITLE", "DCAT-DESCRIPTION"]
PATHS = [None, "http://purl.org/dc/terms/title", "http://purl.org/dc/terms/publisher"]
MESSAGES = [{"en": "Missing", "sv": "Saknas"}, {"en": "Wrong digit"}, {}]

findings = st.builds(
    Finding,
    code=st.sampled_from(CODES),
    severity=st.sampled_from(list(Severity)),
    focus=st.sampled_from(RESOURCES),
    path=st.sampled_from(PATHS),
    value=st.one_of(st.none(), st.sampled_from(RESOURCES), st.sampled_from(["", "12", "ö", "x y"])),
    messages=st.sampled_from(MESSAGES),
    shape=st.sampled_from([None, "https://ex.se/shape"]),
    source=st.sampled_from([None, "a.ttl", "b.yaml"]),
    line=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    resource=st.one_of(st.none(), st.sampled_from(RESOURCES)),
    key_name=st.sampled_from([None, "title", "publisher"]),
)
undescribed = st.one_of(st.none(), st.frozensets(st.sampled_from(RESOURCES), max_size=3))


def both(items, undescribed=None, spill_at=0, fail_on="violation"):
    """The same findings as a Report in memory and as one spilled to disk."""
    spill = FindingSpill(spill_at=spill_at)
    spill.extend(items)
    options = dict(profiles=["dcat-ap-se"], sources=["a.ttl", "b.yaml"], fail_on=fail_on, undescribed=undescribed)
    return Report(findings=list(items), **options), Report(findings=spill, **options)


def rendered(report, fmt, **options) -> bytes:
    return "".join(render_chunks(report, fmt, **options)).encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(findings, min_size=1, max_size=40), undescribed, st.sampled_from(["violation", "warning", "info"]))
def test_a_spilled_report_reads_exactly_as_the_report_in_memory(items, missing, fail_on):
    memory, disk = both(items, missing, fail_on=fail_on)
    assert isinstance(disk.findings, SpilledFindings)
    assert list(disk.findings) == list(memory.findings)  # every field, `cause` included, in report order
    assert list(disk.findings) == list(disk.findings)  # read again: the same
    assert [(root, list(explained)) for root, explained in disk.roots()] == \
        [(root, list(explained)) for root, explained in memory.roots()]
    assert (len(disk.findings), disk.summary, disk.conforms, disk.resources) == \
        (len(memory.findings), memory.summary, memory.conforms, memory.resources)
    for fmt in ("text", "json"):
        assert rendered(disk, fmt) == render(memory, fmt).encode("utf-8")
    assert rendered(disk, "text", max_findings=3, lang="sv") == render(memory, "text", max_findings=3,
                                                                       lang="sv").encode("utf-8")
    assert disk.with_threshold("info").conforms == memory.with_threshold("info").conforms


def test_below_the_threshold_the_findings_stay_a_list():
    finding = Finding(code="DCAT-TITLE", severity="violation", focus="https://ex.se/a")
    memory, held = both([finding], spill_at=1)
    assert held.findings == memory.findings == [finding]


def test_a_report_of_no_findings_spilled_is_empty():
    memory, disk = both([], spill_at=0)
    assert memory.findings == [] and disk.findings == []  # nothing went to disk


def test_real_reports_of_the_examples_spill_byte_for_byte(run_cli):
    from ena_grunddata.validation.pipeline import run

    sources = sorted(str(path) for path in EXAMPLES.rglob("*") if path.suffix in (".ttl", ".yaml", ".rdf"))[:6]
    assert sources
    for source in sources:
        report = run([source]).report
        spill = FindingSpill(spill_at=0)
        spill.extend(report.findings)
        disk = Report(findings=spill, profiles=report.profiles, sources=report.sources, fail_on=report.fail_on,
                      guidance=report.guidance, undescribed=report.undescribed)
        if not report.findings:
            continue
        assert list(disk.findings) == list(report.findings), source
        for fmt in ("text", "json"):
            assert rendered(disk, fmt) == render(report, fmt).encode("utf-8"), (source, fmt)


def test_the_temporary_file_is_removed_when_the_report_goes(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    _, disk = both([Finding(code="DCAT-TITLE", severity="violation", focus="https://ex.se/a")])
    assert len(list(tmp_path.iterdir())) == 1
    del disk
    import gc

    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_many_spilled_findings_stay_within_a_bounded_memory(tmp_path):
    """In a child process: 300,000 findings (250,000 datasets give about two million) collected, sorted and written
    as JSON to a file. As objects they take about 1 KB each (measured: 907 MB peak for a million held in memory,
    137 MB spilled), so 300,000 in memory would pass 300 MB; spilled, the peak stays under 200 MB."""
    script = textwrap.dedent(f"""
        import sys
        from ena_grunddata.atomic import emit
        from ena_grunddata.render.formats import render_chunks
        from ena_grunddata.report import Finding, FindingSpill, Report, Severity
        messages = {{"en": "Missing", "sv": "Saknas"}}
        spill = FindingSpill()
        spill.extend(Finding(code="DCAT-TITLE", severity=Severity(1 + i % 3), value=str(i), messages=messages,
                             focus=f"https://ex.se/dataset/{{i:07d}}", path="http://purl.org/dc/terms/title",
                             source="https://ex.se/graph") for i in range(300_000))
        report = Report(findings=spill, sources=["https://ex.se/graph"])
        emit(render_chunks(report, "json"), sys.argv[1])
        # VmHWM: the child's own high-water mark (ru_maxrss keeps the parent's across exec: a pytest process of
        # 300 MB made every child look that large)
        with open("/proc/self/status") as status:
            print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024)
    """)
    out = tmp_path / "report.json"
    child = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True, text=True, check=True,
                           env={**os.environ, "TMPDIR": str(tmp_path)})
    peak_mb = int(child.stdout.strip())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300_000 + 2  # the header with "[", one line per finding, the closing "]}"
    assert json.loads(lines[1].rstrip(","))["focus"] == "https://ex.se/dataset/0000000"
    assert peak_mb < 200, peak_mb
