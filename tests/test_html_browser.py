"""The HTML report in a real browser (issue 17, point 5): headless Chromium lays it out at 1280 and 390 px wide.

Each report is shown in an iframe of the width under test (a window cannot be narrower than 500 px in headless
Chromium, an iframe can), with tests/data/measure-layout.js added at the end of its body. That script measures the
page with the browser's own layout (every element's box against the viewport, every chart label's text against its
box) and writes the result into the parent page, which `chromium --dump-dom` prints. Nothing of ours computes the
layout: a label that is clipped or a title that runs off the screen fails here.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SHARED = TESTS.parent.parent / "shared"  # the reference data beside the repository (see conftest.py)
WIDTHS = (1280, 390)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=10000")

LONG_TITLES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://example.se/katalog> a dcat:Catalog ;
    dcterms:title "Katalog över fastighetsrelaterade grunddata för samhällsbyggnadsprocessens digitalisering"@sv ;
    dcat:dataset <https://example.se/datamangder/fastighetsregistrets-allmanna-del-inklusive-taxeringsuppgifter-och-planer-och-bestammelser-och-tredimensionella-fastigheter> .
<https://example.se/datamangder/fastighetsregistrets-allmanna-del-inklusive-taxeringsuppgifter-och-planer-och-bestammelser-och-tredimensionella-fastigheter>
    a dcat:Dataset ;
    dcterms:title "Fastighetsregistretsallmännadelinklusivetaxeringsuppgifterochplanerochbestämmelser"@sv ;
    dcterms:temporal [ a dcterms:PeriodOfTime ] ;
    dcat:contactPoint <https://example.se/kontakter/kundtjanst-for-oppna-grunddata-och-fastighetsinformation> .
<https://example.se/kontakter/kundtjanst-for-oppna-grunddata-och-fastighetsinformation> a vcard:Organization ;
    vcard:fn "Kundtjänst för öppna grunddata" .
"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("CI is set but Chromium is missing (.ci/run installs the Debian package `chromium`)")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def measure(page: str, width: int, tmp_path: Path) -> dict:
    script = (TESTS / "data" / "measure-layout.js").read_text(encoding="utf-8")
    measured = page.replace("</body>", f"<script>{script}</script></body>")
    wrapper = tmp_path / f"at-{width}.html"
    wrapper.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;width:{width}px;'
                       f'height:1200px" srcdoc="{html.escape(measured, quote=True)}"></iframe></body></html>',
                       encoding="utf-8")
    profile = tmp_path / f"profile-{width}"
    profile.mkdir()
    done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--window-size=1400,1200",
                           "--dump-dom", wrapper.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="measurements">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no measurements (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def reports(run_cli, tmp_path) -> dict[str, tuple[str, list[str]]]:
    """name -> (HTML page, rule codes its chart shows): a root-cause example, long titles, a real catalog."""
    starter = tmp_path / "start.yaml"
    assert run_cli("init", "--domain", "foretag", "-o", starter).exit_code == 0
    text = starter.read_text(encoding="utf-8").replace("TODO@TODO.se", "info@bolagsverket.se")
    text = text.replace("TODO: ", "").replace("TODO.se", "bolagsverket.se").replace("/TODO", "/grunddata")
    text = text.replace("    publisher: agency\n    domain: foretag",
                        "    publisher: http://dataportal.se/organisation/SE2021005488\n    domain: foretag", 1)
    typo = tmp_path / "katalog.yaml"
    typo.write_text(text, encoding="utf-8")
    long_titles = tmp_path / "long.ttl"
    long_titles.write_text(LONG_TITLES, encoding="utf-8")
    # cut short: the notice above the cards, and the card cut where the room ends saying how many more it has
    sources = {"root-cause": (typo, "en", ()), "long-titles": (long_titles, "sv", ()),
               "cut-short": (long_titles, "sv", ("--max-findings", "3"))}
    real = SHARED / "reference" / "realworld" / "civictechsweden-civictech.se-dcat-ap.rdf"
    if real.is_file():
        sources["real-catalog"] = (real, "sv", ())
    pages = {}
    for name, (source, lang, options) in sources.items():
        result = run_cli("validate", source, "--format", "html", "--lang", lang, *options,
                         "--report", f"json:{tmp_path / (name + '.json')}")
        assert result.exit_code in (0, 1), result.stderr
        findings = json.loads((tmp_path / (name + ".json")).read_text(encoding="utf-8"))["findings"]
        codes = sorted({f["code"] for f in findings}, key=lambda c: (-sum(f["code"] == c for f in findings), c))
        pages[name] = (result.stdout, codes[:15])
        assert ('class="cut"' in result.stdout) == bool(options), name
    return pages


def test_the_report_fits_every_width_and_no_chart_label_is_cut(run_cli, tmp_path):
    chromium()
    for name, (page, codes) in reports(run_cli, tmp_path).items():
        for width in WIDTHS:
            folder = tmp_path / f"{name}-{width}"
            folder.mkdir()
            layout = measure(page, width, folder)
            where = f"{name} at {width} px"
            assert layout["innerWidth"] == width, where  # the layout really ran at that width
            assert layout["scrollWidth"] <= layout["clientWidth"], f"{where}: the page scrolls sideways"
            assert layout["overflowing"] == [], f"{where}: elements run off the screen"
            assert layout["cut"] == [], f"{where}: clipped text"
            assert set(codes) <= set(layout["labels"]), f"{where}: rule names missing from the chart"
