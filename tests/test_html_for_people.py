"""The HTML report speaks to people (issue 17, point 5): names, not IRIs or blank-node labels; no Markdown; a rating
that does not call a dataset with violations "good"."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

DATA = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<https://example.se/ds/a> a dcat:Dataset ; dcterms:title "Adresser"@sv, "Addresses"@en ;
    dcterms:temporal [ a dcterms:PeriodOfTime ] ; dcat:contactPoint <https://example.se/kontakt> .
<https://example.se/ds/b> a dcat:Dataset ; dcterms:title "Byggnader"@sv, "Buildings"@en ;
    dcat:contactPoint <https://example.se/kontakt> .
<https://example.se/kontakt> a vcard:Organization ; vcard:fn "Kundtjänst" .
"""


class Text(HTMLParser):
    """The text a person sees (not attributes, scripts or styles), and each card's heading."""

    def __init__(self):
        super().__init__()
        self.parts, self.headings, self._skip, self._heading, self._card = [], {}, 0, False, None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "article":
            self._card = attributes.get("data-resource")
        if tag == "h2" and self._card:
            self._heading = True

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "h2":
            self._heading = False

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._heading:
            self.headings[self._card] = self.headings.get(self._card, "") + data

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def seen(page: str) -> Text:
    parser = Text()
    parser.feed(page)
    return parser


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def test_a_shared_contact_point_gets_a_card_titled_by_its_name(run_cli, data):
    page = seen(run_cli("validate", data, "--format", "html").stdout)
    assert page.headings["https://example.se/kontakt"] == "Kundtjänst"
    assert page.headings["https://example.se/ds/a"] == "Addresses"


@pytest.mark.parametrize("lang, words", [("en", "its temporal coverage (dcterms:temporal)"),
                                         ("sv", "dess tidsperiod (dcterms:temporal)")])
def test_blank_nodes_are_named_by_how_the_card_reaches_them(run_cli, data, lang, words):
    page = seen(run_cli("validate", data, "--format", "html", "--lang", lang).stdout)
    assert words in page.text
    assert "_:" not in page.text


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_messages_show_no_markdown(run_cli, tmp_path, lang):
    description = tmp_path / "k.yaml"
    description.write_text("base: https://data.example.se/\ncatalog:\n  title: {sv: K}\n"
                           "datasets:\n  a:\n    title: {sv: A}\n    contact_pont: x\n", encoding="utf-8")
    page = run_cli("validate", description, "--format", "html", "--lang", lang).stdout
    text = seen(page).text
    assert "`" not in text
    assert "<code>contact_point</code>" in page  # the code span is rendered, not dropped


def test_a_dataset_with_violations_is_not_rated_good(run_cli, data, tmp_path):
    from ena_grunddata.validation.score import rating_word

    page = seen(run_cli("validate", data, "--format", "html").stdout).text
    assert "Quality score" in page
    assert f" {rating_word('good', 'en')} " not in page and rating_word("excellent", "en") not in page
