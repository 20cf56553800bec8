"""Cases 21 (through our writers), 37, 38 and 39 of security.md section 4: outputs appear whole or not at all.

Faults are injected in-process (a serialiser or fsync that fails, Ctrl-C while writing) and with a real SIGINT
sent to a real process.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from hostile_support import TURTLE, assert_error, assert_no_traceback, snapshot, write

LEXICAL = ('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n'
           '@prefix dcterms: <http://purl.org/dc/terms/> .\n'
           '<https://e.se/cat> a dcat:Catalog ; dcterms:title "Katalog"@sv ; dcat:dataset <https://e.se/ds> .\n'
           '<https://e.se/ds> a dcat:Dataset ; dcterms:title "Vägnät"@sv ; '
           '<https://e.se/p> "yes"^^xsd:boolean, "01"^^xsd:integer, "+1.50"^^xsd:decimal, "1e99999"^^xsd:double .\n')
FORMS = {"yes", "01", "+1.50", "1e99999"}
atomic = importlib.import_module("ena_grunddata.atomic")


def test_case_21_export_keeps_lexical_forms_in_every_format(tmp_path, cli_run):
    source = write(tmp_path, "lex.ttl", LEXICAL)
    target = tmp_path / "site"
    run = cli_run("export", source, "--to", target, "--no-validate")
    assert run.exit_code == 0, run.stderr
    for name, fmt in (("dcat", "xml"), ("dcat.ttl", "turtle"), ("dcat.jsonld", "json-ld")):
        graph = Graph().parse(target / "datasets" / name, format=fmt)
        forms = {str(o) for o in graph.objects(None, URIRef("https://e.se/p"))}
        assert forms == FORMS, (name, forms)


# --------------------------------------------------------------------------------------------- case 37


def report_target(tmp_path):
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_bytes(b'{"previous": "report"}\n')
    return target


def no_temporaries(folder) -> None:
    assert [p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".new", ".old"))] == []


@pytest.mark.parametrize("fault", [OSError(28, "No space left on device"), RuntimeError("serializer broke"),
                                   KeyboardInterrupt()])
def test_case_37_a_fault_while_writing_a_report_leaves_the_old_one(tmp_path, cli_run, monkeypatch, fault):
    data = write(tmp_path, "data.ttl", TURTLE)
    target = report_target(tmp_path)
    real_write = os.write

    def failing_fsync(fd):  # the bytes are in the temporary file; the fault comes before the rename
        raise fault

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    run = cli_run("validate", "-f", "json", "-o", target, data)
    expected = {OSError: 2, RuntimeError: 70, KeyboardInterrupt: 130}[type(fault)]
    assert run.exit_code == expected, run.stderr
    assert_no_traceback(run)
    assert len(run.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == b'{"previous": "report"}\n'
    no_temporaries(tmp_path)
    assert real_write is os.write


def test_case_37_a_serialiser_failing_halfway_leaves_the_previous_export(tmp_path, cli_run, monkeypatch):
    source = write(tmp_path, "lex.ttl", LEXICAL)
    target = tmp_path / "site"
    assert cli_run("export", source, "--to", target, "--no-validate").exit_code == 0
    before = snapshot(target)
    from rdflib.plugins.serializers.nt import NTSerializer
    from rdflib.plugins.serializers.rdfxml import PrettyXMLSerializer, XMLSerializer

    def half_then_fail(self, stream, *args, **kwargs):
        stream.write(b"<?xml version='1.0'?><rdf:RDF")  # half a document, then the fault
        raise RuntimeError("injected serialiser fault")

    for serializer in (XMLSerializer, PrettyXMLSerializer, NTSerializer):
        monkeypatch.setattr(serializer, "serialize", half_then_fail)
    import pyoxigraph

    real_serialize = pyoxigraph.serialize

    def failing_serialize(quads, output=None, format=None, **kwargs):  # export writes its files with pyoxigraph
        if format != pyoxigraph.RdfFormat.RDF_XML:
            return real_serialize(quads, output, format, **kwargs)
        next(iter(quads), None)  # halfway through the statements, then the fault
        raise RuntimeError("injected serialiser fault")

    monkeypatch.setattr(pyoxigraph, "serialize", failing_serialize)
    run = cli_run("export", write(tmp_path, "new.ttl", LEXICAL.replace("Vägnät", "Ny")), "--to", target,
                  "--no-validate")
    assert run.exit_code in (2, 70), run.stderr  # export names the fault as unwritable data (2)
    assert_no_traceback(run)
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lex.ttl", "new.ttl", "site"]  # no staging folder left


# --------------------------------------------------------------------------------------------- case 38


@pytest.mark.parametrize("where", ["missing", "under-a-file"])
def test_case_38_unwritable_output_is_one_line_and_nothing_elsewhere(tmp_path, cli_run, where):
    data = write(tmp_path, "data.ttl", TURTLE)
    if where == "missing":
        target = tmp_path / "no" / "such" / "report.json"
    else:
        target = tmp_path / "data.ttl" / "report.json"
    before = snapshot(tmp_path)
    run = cli_run("validate", "-f", "json", "-o", target, data)
    assert_error(run, 2, "cannot write", where=f"{target}: ")
    assert snapshot(tmp_path) == before
    assert run.stdout == ""


def _without_root_file_powers():
    """In the child, before exec: root ignores file permissions through three capabilities (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH, CAP_FOWNER). Dropping them from the bounding set keeps them out after exec, so a
    read-only folder is read-only to this root process as well. Not root: nothing to drop."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            os._exit(97)  # the test fails (it never skips): this root cannot drop its file powers


@pytest.mark.parametrize("command", ["validate", "export"])
def test_case_38_read_only_folder_also_when_ci_runs_as_root(command):
    """A real process; as root it first gives up the powers that ignore file permissions (never a skip)."""
    work = Path(tempfile.mkdtemp(prefix="ena-ro-"))
    try:
        data = write(work, "data.ttl", TURTLE)
        folder = work / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        target = folder / ("report.json" if command == "validate" else "site")
        args = ["validate", "-f", "json", "-o", str(target), str(data)] if command == "validate" else \
            ["export", str(data), "--to", str(target), "--no-validate"]
        before = snapshot(work)
        done = subprocess.run([sys.executable, "-m", "ena_grunddata", *args], capture_output=True, text=True,
                              timeout=120, cwd=work, preexec_fn=_without_root_file_powers)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert done.returncode != 97, "could not drop root's file capabilities"
        assert done.returncode == 2, done.stderr
        assert len(lines) == 1 and lines[0].startswith(f"error: {target}") and "permission denied" in lines[0], \
            done.stderr
        assert snapshot(work) == before and list(folder.iterdir()) == []
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------------- case 39

READY_PROBE = """
import pathlib, sys
from ena_grunddata.commands.cli import main
pathlib.Path(sys.argv[1]).write_text("ready")
main(sys.argv[2:])
"""


def slow_input(tmp_path):
    """A Turtle file that takes rdflib several seconds (pyshacl engine: the whole path is rdflib's)."""
    lines = [TURTLE.split("\n\n")[0]]
    lines += [f'<https://example.se/ds/{i}> a dcat:Dataset ; dcterms:title "Data {i}"@sv ; '
              f'dcterms:description "{"lång text " * 20}"@sv .' for i in range(40_000)]
    return write(tmp_path, "slow.ttl", "\n".join(lines) + "\n")


def test_case_39_sigint_during_parse_exits_130_with_nothing_written(tmp_path):
    data = slow_input(tmp_path)
    target = tmp_path / "report.json"
    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, "-c", READY_PROBE, str(ready), "validate", "--engine", "pyshacl",
                              "-f", "json", "-o", str(target), str(data)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    time.sleep(0.8)  # into the parse (rdflib takes well over 5 s for this file)
    assert child.poll() is None, "the run ended before it could be interrupted"
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert stderr == "error: interrupted\n"
    assert "Traceback" not in stdout + stderr
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ready", "slow.ttl"]


def test_case_39_ctrl_c_while_writing_leaves_no_partial_file(tmp_path, cli_run, monkeypatch):
    data = write(tmp_path, "data.ttl", TURTLE)
    target = tmp_path / "report.json"
    real_fdopen = os.fdopen

    class Interrupting:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])  # half the bytes reach the temporary file
            raise KeyboardInterrupt

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Interrupting(real_fdopen(*a, **k)))
    run = cli_run("validate", "-f", "json", "-o", target, data)
    assert (run.exit_code, run.stderr) == (130, "error: interrupted\n")
    assert not target.exists()
    no_temporaries(tmp_path)
