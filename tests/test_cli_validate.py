"""The validate command: exit codes, exact error lines, and JSON that equals the library's report."""

import json
from pathlib import Path

import pytest

from ena_grunddata import validate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
ena:TestDataset a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:property ena:TestTitle, ena:TestKeyword .
ena:TestTitle sh:path dcterms:title ; sh:minCount 1 ; sh:severity sh:Violation ; ena:code "TEST-TITLE" ;
    sh:message "The dataset has no title."@en, "Datamängden saknar titel."@sv .
ena:TestKeyword sh:path dcat:keyword ; sh:minCount 1 ; sh:severity sh:Warning ; ena:code "TEST-KEYWORD" ;
    sh:message "No keyword."@en, "Nyckelord saknas."@sv .
"""
DATA = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<https://example.se/ds/ok> a dcat:Dataset ; dcterms:title "Vägnät"@sv ; dcat:keyword "väg"@sv .

<https://example.se/ds/untitled> a dcat:Dataset ;
    dcat:keyword "väg"@sv .
"""


@pytest.fixture
def files(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    return shapes, data


def user_shapes_only(shapes, data, *extra):
    # Our user shapes alone: run against an empty built-in profile set is not possible, so filter by code.
    return ["validate", "--shapes", shapes, data, *extra]


def test_json_output_equals_the_library_report(run_cli, files):
    shapes, data = files
    result = run_cli(*user_shapes_only(shapes, data, "--format", "json", "--lang", "sv"))
    assert result.exit_code == 1
    printed = json.loads(result.stdout)
    report = validate([str(data)], shapes=[str(shapes)])
    assert printed == report.to_dict("sv")
    ours = [f for f in printed["findings"] if f["code"].startswith("TEST-")]
    assert ours == [{"code": "TEST-TITLE", "severity": "violation", "focus": "https://example.se/ds/untitled",
                     "path": "http://purl.org/dc/terms/title", "value": None, "message": "Datamängden saknar titel.",
                     "shape": "https://w3id.org/ena-grunddata/ns#TestTitle", "source": str(data), "line": 6,
                     "key": None, "caused_by": None}]


def test_json_contract_keys_and_types(run_cli, files):
    shapes, data = files
    printed = json.loads(run_cli(*user_shapes_only(shapes, data, "--format", "json")).stdout)
    assert set(printed) == {"conforms", "profiles", "sources", "summary", "findings"}
    assert set(printed["summary"]) == {"violation", "warning", "info"}
    assert printed["summary"]["violation"] == sum(f["severity"] == "violation" for f in printed["findings"])
    for finding in printed["findings"]:
        assert set(finding) == {"code", "severity", "focus", "path", "value", "message", "shape", "source", "line", "key",
                                "caused_by"}
        assert finding["severity"] in ("violation", "warning", "info")


def test_text_output_groups_by_resource_and_ends_with_a_summary(run_cli, files):
    shapes, data = files
    result = run_cli(*user_shapes_only(shapes, data, "--lang", "sv"))
    assert "https://example.se/ds/untitled" in result.stdout
    assert "Datamängden saknar titel.  [TEST-TITLE]" in result.stdout
    assert "dcterms:title" in result.stdout
    assert result.stdout.rstrip().endswith("uppfyller inte kraven (gräns: fel)")
    assert result.stdout.rstrip().splitlines()[-1].startswith(
        f"{validate([str(data)], shapes=[str(shapes)]).summary['violation']} fel")


def test_fail_on_sets_the_threshold(tmp_path, run_cli):
    """A file whose only findings are one warning and one info per resource (the shapes say so, and the built-in
    profiles do not target its class): the exit code follows --fail-on (more levels in test_fail_on.py)."""
    from policy_data import SHAPES as OWN_SHAPES, TWO_THINGS, write

    shapes = write(tmp_path, "own.ttl", OWN_SHAPES)
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    printed = json.loads(run_cli("validate", "--no-config", "--format", "json", "--shapes", shapes, data).stdout)
    assert sorted(f["code"] for f in printed["findings"]) == ["EX-DESCRIPTION", "EX-DESCRIPTION", "EX-MODIFIED",
                                                             "EX-MODIFIED"]
    assert run_cli("validate", "--no-config", "--shapes", shapes, data, "--fail-on", "violation").exit_code == 0
    assert run_cli("validate", "--no-config", "--shapes", shapes, data, "--fail-on", "warning").exit_code == 1


def test_output_file_is_written_whole(run_cli, files, tmp_path):
    shapes, data = files
    target = tmp_path / "report.json"
    result = run_cli(*user_shapes_only(shapes, data, "--format", "json", "-o", target))
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["sources"] == [str(data)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_into_a_missing_folder_is_an_input_error(run_cli, files, tmp_path):
    shapes, data = files
    result = run_cli(*user_shapes_only(shapes, data, "-o", tmp_path / "nope" / "r.txt"))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope' / 'r.txt'}: cannot write: the folder does not exist\n"


def test_turtle_output_is_a_shacl_report(run_cli, files):
    from rdflib import Graph
    from rdflib.namespace import SH

    shapes, data = files
    graph = Graph().parse(data=run_cli(*user_shapes_only(shapes, data, "--format", "turtle")).stdout, format="turtle")
    report = next(graph.subjects(None, SH.ValidationReport))
    assert str(graph.value(report, SH.conforms)) == "false"
    assert len(list(graph.objects(report, SH.result))) == len(validate([str(data)], shapes=[str(shapes)]).findings)


@pytest.mark.parametrize("name,content,line", [
    ("broken.ttl", "@prefix x: <https://e.se/> .\nx:a x:b .\n", "broken.ttl:2: bad syntax (objectList expected)"),
    ("laughs.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "a">\n]>\n<r/>\n',
     "laughs.rdf:3: entity declarations are not allowed in RDF/XML (they can expand without bound or read local "
     "files)"),
])
def test_bad_input_gives_exit_2_and_one_error_line(run_cli, tmp_path, name, content, line):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path}/{line}\n"
    assert "Traceback" not in result.output


def test_missing_file(run_cli, tmp_path):
    result = run_cli("validate", tmp_path / "absent.ttl")
    assert (result.exit_code, result.stderr) == (2, f"error: {tmp_path / 'absent.ttl'}: no such file\n")


def test_unknown_format_is_a_usage_error(run_cli, files):
    result = run_cli("validate", "--format", "yaml", files[1])
    assert result.exit_code == 2
    assert "Invalid value for '-f' / '--format'" in result.stderr


def test_unknown_input_format_in_content(run_cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: cannot tell the RDF format; name it with --input-format")


def test_internal_errors_are_one_line_unless_debug(run_cli, files, monkeypatch):
    from ena_grunddata.validation.engines import fast, pyshacl_engine

    def explode(*args, **kwargs):
        raise RuntimeError("injected failure\nsecond line")

    monkeypatch.setattr(pyshacl_engine, "run", explode)
    monkeypatch.setattr(fast, "run", explode)  # the default engine is the fast one (issue 10)
    result = run_cli("validate", files[1])
    assert result.exit_code == 70
    assert result.stderr == ("internal error: RuntimeError: injected failure (rerun with --debug for details)\n")
    debug = run_cli("--debug", "validate", files[1])
    assert debug.exit_code == 70 and "Traceback" in debug.stderr


def test_interrupt_exits_130(run_cli, files, monkeypatch):
    from ena_grunddata.validation.engines import fast, pyshacl_engine

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pyshacl_engine, "run", interrupt)
    monkeypatch.setattr(fast, "run", interrupt)
    result = run_cli("validate", files[1])
    assert (result.exit_code, result.stderr) == (130, "error: interrupted\n")


def test_python_dash_m_and_console_script_work_from_any_folder(tmp_path, files):
    import subprocess
    import sys

    shapes, data = files
    result = subprocess.run([sys.executable, "-m", "ena_grunddata", "validate", "--shapes", str(shapes), str(data),
                             "--format", "json"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["sources"] == [str(data)]


def test_the_process_ends_with_its_code_its_output_whole_and_no_temporary_file_left(tmp_path):
    """process.leave ends the command line's process without freeing what it made: what was printed (still in
    Python's buffer) reaches the reader, the exit handlers run (a spilled report's temporary file is removed by its
    finalizer), and the exit code is the one given."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import sys, tempfile
        tempfile.tempdir = sys.argv[1]
        from ena_grunddata.process import leave
        from ena_grunddata.report import Finding, FindingSpill
        spill = FindingSpill(spill_at=0)
        spill.extend([Finding(code="DCAT-TITLE", severity="violation", focus="https://ex.se/a")])
        sys.stdout.write("x" * 100_000)  # no newline: it waits in the buffer until leave flushes it
        leave(3)
    """)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True)
    assert (result.returncode, len(result.stdout), result.stderr) == (3, 100_000, "")
    assert list(tmp_path.iterdir()) == []


def test_data_is_kept_until_exit_only_when_the_process_ends_after_the_command(monkeypatch):
    """process.keep_until_exit: a library caller's data is freed when let go; the command line's process holds
    the last thing given (an earlier one is freed as usual) and ends without freeing it."""
    import gc
    import weakref

    from ena_grunddata import process

    class Store:
        pass

    store = Store()
    ref = weakref.ref(store)
    process.keep_until_exit(store)
    del store
    gc.collect()
    assert ref() is None
    monkeypatch.setattr(process, "_ends_after_command", True)
    monkeypatch.setattr(process, "_kept", [])
    first, second = Store(), Store()
    refs = weakref.ref(first), weakref.ref(second)
    process.keep_until_exit(first)
    process.keep_until_exit(second)
    del first, second
    gc.collect()
    assert refs[0]() is None and refs[1]() is not None


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`validate … | head -1`: the reader goes away while the report is written; the command stops with no
    complaint about the closed pipe (Python's own exit would print 'Exception ignored … BrokenPipeError')."""
    import subprocess
    import sys

    data = tmp_path / "many.ttl"  # a report of some hundred kilobytes: more than a pipe holds
    data.write_text("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
                    + "".join(f"<https://example.se/d{i}> a dcat:Dataset .\n" for i in range(300)), encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "ena_grunddata", "validate", str(data), "--format", "json"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.read(1)
    child.stdout.close()
    stderr = child.stderr.read().decode()
    child.wait()
    assert "Exception ignored" not in stderr and "Traceback" not in stderr, stderr
    assert child.returncode in (0, 1), stderr


@pytest.mark.parametrize("args, help_of", [
    (["validate", "--format", "yaml", "x.ttl"], "ena-grunddata validate"),
    (["validate", "--no-such-option"], "ena-grunddata validate"),
    (["validat", "x.ttl"], "ena-grunddata"),
    (["export", "x.ttl", "--to"], "ena-grunddata export"),
])
def test_a_usage_error_is_one_line_naming_the_help(capsys, args, help_of):
    """click writes a usage block, a hint and the error on three lines; the tool's contract is one line per error."""
    from ena_grunddata.commands.cli import main

    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert lines[0].endswith(f"(see '{help_of} --help')"), lines


def test_the_shipped_shapes_are_read_beside_the_loading_and_a_users_on_the_main_thread(files, monkeypatch):
    """With only the shipped shapes and vocabularies, they are read and compiled on a second thread while the input
    loads; a user's shapes file is read first, on the main thread, where the loader's time budget holds (a signal
    only the main thread receives)."""
    import threading

    from ena_grunddata.validation import pipeline, profiles

    shapes, data = files
    threads = []
    real = profiles.load_shapes

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_shapes", recorded)
    beside = pipeline.run([str(data)]).report
    assert threads == [False]
    with_user_shapes = pipeline.run([str(data)], shapes=[str(shapes)]).report
    assert threads == [False, True]
    assert "TEST-TITLE" in {f.code for f in with_user_shapes.findings}
    # the shipped rules' findings are the same either way (the engine differential tests run this path throughout)
    shipped = {f.key() for f in with_user_shapes.findings if not f.code.startswith("TEST-")}
    assert shipped == {f.key() for f in beside.findings} and shipped


def test_an_unknown_domain_is_named_before_an_input_that_cannot_be_read(tmp_path, capsys):
    """The shipped shapes are read beside the loading, and still the options' problem comes first, as when they were
    read before it."""
    from ena_grunddata.commands.cli import main

    with pytest.raises(SystemExit) as done:
        main(["validate", str(tmp_path / "missing.ttl"), "--domain", "no-such-domain"])
    assert done.value.code == 2
    assert "unknown domain 'no-such-domain'" in capsys.readouterr().err


@pytest.mark.parametrize("fmt, score", [("html", False), ("junit", False), ("markdown", True), ("text", True)])
def test_a_library_callers_data_is_freed_once_the_report_is_written(monkeypatch, fmt, score):
    """What the renderers keep about the data (labels, classes: render/context.py) holds it weakly: a national
    catalog's store is most of the process's memory, and a library caller's must go when the report is done."""
    import gc
    import weakref

    from ena_grunddata.render import reporting

    refs, original = [], reporting.build_context

    def watched(loaded, **options):
        refs.append(weakref.ref(loaded.graph))
        return original(loaded, **options)

    monkeypatch.setattr(reporting, "build_context", watched)
    report, rendered = reporting.validate_and_render([str(EXAMPLES / "grunddata" / "valid" / "person-navet.ttl")],
                                                     fmt=fmt, score=score)
    assert "".join(rendered) and report.profiles
    del report, rendered
    gc.collect()
    assert len(refs) == 1 and refs[0]() is None
