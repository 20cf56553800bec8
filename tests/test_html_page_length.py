"""A long report's HTML page is cut short, honestly (issue 13): the page holds the cards of its first
`--max-findings` findings (5,000 unless given; a card without findings takes the room of one), in the page's order,
each card whole until the room runs out; it says what it leaves out, and the counts and charts still cover every
finding. A national report's quarter of a million findings made a 145 MB page that browsers struggle to open.

Expected values come from the data written here (which card holds which findings is reasoned from the rules' own
codes) and from the same page uncut: a cut page is the uncut page's beginning."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ena_grunddata.render.html import PAGE_FINDINGS, render_html
from ena_grunddata.report import Finding, Report, Severity

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""


def catalog(findings_of: dict[str, int]) -> str:
    """Datasets named by `findings_of`'s keys, each with a distribution; a dataset's count says how many of its
    three distributions lack dcat:accessURL (a violation each, shown on the dataset's card: one dataset points at
    each distribution). Titles, descriptions, publishers and the rest are complete, so that each dataset also has
    the same few findings of other rules (counted from the uncut page, never assumed)."""
    out = [PREFIXES, "<https://example.se/catalog> a dcat:Catalog ; dcterms:title \"K\"@sv ;",
           "    dcterms:description \"K\"@sv ; dcterms:publisher <https://example.se/org> ;",
           "    dcat:dataset " + ", ".join(f"<https://example.se/ds/{name}>" for name in findings_of) + " .",
           '<https://example.se/org> a foaf:Agent ; foaf:name "Org"@sv .']
    for name, missing in findings_of.items():
        distributions = [f"<https://example.se/dist/{name}-{k}>" for k in range(3)]
        out.append(f"<https://example.se/ds/{name}> a dcat:Dataset ; dcterms:title \"{name}\"@sv ;"
                   f" dcterms:description \"{name}\"@sv ; dcterms:publisher <https://example.se/org> ;"
                   f" dcat:distribution {', '.join(distributions)} .")
        for k, distribution in enumerate(distributions):
            url = "" if k < missing else f" dcat:accessURL <https://example.se/get/{name}/{k}> ;"
            out.append(f"{distribution} a dcat:Distribution ;{url} dcterms:title \"{name} {k}\"@sv .")
    return "\n".join(out) + "\n"


class Cards(HTMLParser):
    """The page's cards in order: (resource, [finding codes], the card's text), the notice and "more" lines."""

    def __init__(self):
        super().__init__()
        self.cards: list[list] = []
        self.notice, self.more, self._in = None, {}, None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "article":
            self.cards.append([attributes["data-resource"], [], ""])
        elif tag == "li" and "finding" in classes:
            self.cards[-1][1].append(attributes["data-code"])
        elif tag == "p" and "cut" in classes:
            self._in, self.notice = "notice", ""
        elif tag == "p" and "more" in classes:
            self._in = "more"
            self.more[self.cards[-1][0]] = ""

    def handle_endtag(self, tag):
        if tag == "p":
            self._in = None

    def handle_data(self, data):
        if self._in == "notice":
            self.notice += data
        elif self._in == "more":
            self.more[self.cards[-1][0]] += data
        if self.cards:
            self.cards[-1][2] += data

    @property
    def findings(self) -> int:
        return sum(len(codes) for _, codes, _ in self.cards)


def page_of(run_cli, path, *options) -> Cards:
    result = run_cli("validate", path, "--format", "html", *options)
    assert result.exit_code in (0, 1), result.stderr
    parser = Cards()
    parser.feed(result.stdout)
    return parser


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "catalog.ttl"
    path.write_text(catalog({"a": 3, "b": 0, "c": 2, "d": 1, "e": 3}), encoding="utf-8")
    return path


def test_a_page_with_room_for_everything_is_not_cut(run_cli, data):
    page = page_of(run_cli, data, "--max-findings", "100000")
    assert page.notice is None and not page.more
    by_card = {resource: codes for resource, codes, _ in page.cards}
    # a distribution without an access URL is shown on its dataset's card, once per distribution
    for name, missing in {"a": 3, "b": 0, "c": 2, "d": 1, "e": 3}.items():
        assert by_card[f"https://example.se/ds/{name}"].count("SE-DISTRIBUTION-ACCESSURL-MISSING") == missing


@pytest.mark.parametrize("source", ["generated", "cause"])
@pytest.mark.parametrize("most", [1, 2, 4, 5, 9, 12])
def test_a_cut_page_is_the_beginning_of_the_whole_page(run_cli, data, most, source):
    """`cause`: a publisher whose organisation number fails its check digit explains ten findings, shown under it
    on the first card (the card of a cause comes first): a room of 2 to 9 cuts the list of what it explains."""
    if source == "cause":
        data = EXAMPLES / "grunddata" / "invalid" / "person-orgnr-typo.ttl"
    whole = page_of(run_cli, data, "--max-findings", "100000")
    cut = page_of(run_cli, data, "--max-findings", str(most))
    total = whole.findings
    assert total > 12  # the data gives more findings than any room asked for here
    # cards in the same order, each whole but the last, whose findings are the whole card's first ones
    assert [resource for resource, _, _ in cut.cards] == [resource for resource, _, _ in whole.cards][:len(cut.cards)]
    for (resource, codes, text), (_, whole_codes, whole_text) in zip(cut.cards[:-1], whole.cards):
        assert codes == whole_codes, resource
        assert text == whole_text, resource  # titles, scores, how each finding's resource is reached
    last, codes, _ = cut.cards[-1]
    whole_codes = whole.cards[len(cut.cards) - 1][1]
    assert codes == whole_codes[:len(codes)]
    clean = sum(1 for _, card_codes, _ in cut.cards if not card_codes)
    assert cut.findings + clean == most  # the room, filled exactly: the data has more findings than room
    if len(codes) < len(whole_codes):  # the last card was cut: it says how many of its findings are not shown
        assert re.search(rf"\b{len(whole_codes) - len(codes)} more findings of this resource", cut.more[last])
    assert list(cut.more) in ([], [last])
    assert f"shows {cut.findings} of the {total} findings" in cut.notice
    assert f"first {len(cut.cards)} resources" in cut.notice
    assert f"at most {most} findings" in cut.notice


def test_the_counts_and_charts_of_a_cut_page_cover_every_finding(run_cli, data):
    whole = run_cli("validate", data, "--format", "html", "--max-findings", "100000").stdout
    cut = run_cli("validate", data, "--format", "html", "--max-findings", "3").stdout

    def header(page):  # the counts and both charts, before the cards
        return page[page.index("<ul class=\"counts\">"):page.index("<form id=\"filters\"")]

    assert header(cut) == header(whole)


def test_a_card_without_findings_takes_the_room_of_one(run_cli):
    clean = EXAMPLES / "grunddata" / "valid" / "fastighet-lantmateriet.ttl"  # a catalog without findings
    whole = page_of(run_cli, clean, "--max-findings", "100000")
    assert len(whole.cards) > 2 and whole.findings == 0 and whole.notice is None
    cut = page_of(run_cli, clean, "--max-findings", "2")
    assert [resource for resource, _, _ in cut.cards] == [resource for resource, _, _ in whole.cards[:2]]
    assert "shows 0 of the 0 findings, on the cards of the first 2 resources" in cut.notice


def test_no_room_shows_no_card_but_says_so(run_cli, data):
    page = page_of(run_cli, data, "--max-findings", "0")
    assert page.cards == [] and "shows 0 of the" in page.notice


def test_the_notice_speaks_swedish(run_cli, data):
    page = page_of(run_cli, data, "--max-findings", "4", "--lang", "sv")
    assert page.notice.startswith("Sidan är avkortad")
    assert "--max-findings N" in page.notice


def test_the_page_shows_5000_findings_unless_told(tmp_path):
    """Without the data (no cards of clean resources), one card per finding's resource."""
    assert PAGE_FINDINGS == 5000
    findings = [Finding("X-RULE", Severity.WARNING, f"https://example.se/r/{i:05d}", messages={"en": "m"})
                for i in range(PAGE_FINDINGS + 7)]
    report = Report(findings=findings, profiles=["dcat-ap-se"])
    parser = Cards()
    parser.feed(render_html(report))
    assert parser.findings == PAGE_FINDINGS
    assert f"shows {PAGE_FINDINGS} of the {PAGE_FINDINGS + 7} findings" in parser.notice
    parser = Cards()
    parser.feed(render_html(report, max_findings=PAGE_FINDINGS + 7))
    assert parser.findings == PAGE_FINDINGS + 7 and parser.notice is None


def test_the_rule_chart_counts_each_rule_and_shows_its_worst_severity():
    """By hand: rule A has two warnings and a violation (3, shown as a violation), rule B one note; most first."""
    from ena_grunddata.render.context import ReportContext
    from ena_grunddata.render.html import Page
    from ena_grunddata.report import Finding, Report

    findings = [Finding(code="A", severity="warning", focus="https://e.se/1"),
                Finding(code="B", severity="info", focus="https://e.se/2"),
                Finding(code="A", severity="violation", focus="https://e.se/3"),
                Finding(code="A", severity="warning", focus="https://e.se/4")]
    rows = Page(Report(findings=findings), ReportContext(), "en").charts[1]["rows"]
    assert [(row["label"], row["count"], row["severity"]) for row in rows] == [("A", 3, "violation"), ("B", 1, "info")]
