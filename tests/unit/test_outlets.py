import json
from importlib import resources

import pytest
from hypothesis import given, strategies as st

from attrib.core.outlets import Outlet, OutletMatcher, outlet_key
from attrib.errors import InputError


@pytest.fixture(scope="module")
def m() -> OutletMatcher:
    return OutletMatcher.default()


def test_shipped_list_is_large_and_well_formed():
    doc = json.loads(resources.files("attrib.core.data").joinpath("outlets.json").read_text(encoding="utf-8"))
    rows = doc["outlets"]
    assert len(rows) >= 100
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for r in rows:
        assert r["kind"] in {"wire", "newspaper", "broadcaster", "digital", "magazine"}, r
        assert r["variants"], r


def test_no_variant_belongs_to_two_outlets(m):
    owner = {}
    for o in m.outlets:
        for v in o.variants:
            k = outlet_key(v)
            assert owner.setdefault(k, o.name) == o.name, (v, owner[k], o.name)


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("AP", "Associated Press"),
        ("the Associated Press", "Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("Agence France Presse", "Agence France-Presse"),
        ("NYT", "The New York Times"),
        ("New York Times", "The New York Times"),
        ("the Washington Post", "The Washington Post"),
        ("WSJ", "The Wall Street Journal"),
        ("FT", "Financial Times"),
        ("Al-Jazeera", "Al Jazeera"),
        ("times of israel", "The Times of Israel"),
        ("Haaretz", "Haaretz"),
        ("the BBC", "BBC"),
        ("Fox News", "Fox News"),
        ("reuters.com", "Reuters"),
        ("https://www.aljazeera.com/news/2024/10/22/x", "Al Jazeera"),
        ("edition.cnn.com", "CNN"),
        ("L.A. Times", "Los Angeles Times"),
    ],
)
def test_canonical(m, spelling, canonical):
    assert m.canonical(spelling) == canonical


def test_unknown_and_ambiguous_names_are_not_guessed(m):
    assert m.canonical("The Daily Planet") is None
    assert m.canonical("The Times") is None  # London or New York: not guessed
    assert m.canonical("") is None


def test_find_returns_offsets_into_the_text(m):
    text = "“It is over,” he told Al Jazeera’s Imran Khan, and the AP and Reuters confirmed."
    found = m.find(text)
    assert [n for n, _, _ in found] == ["Al Jazeera", "Associated Press", "Reuters"]
    for name, s, e in found:
        assert m.canonical(text[s:e]) == name


def test_find_prefers_longer_names_and_respects_case(m):
    text = "He appeared on Fox News Sunday; the fox ran. ABC News, abc."
    assert [(n, text[s:e]) for n, s, e in m.find(text)] == [("Fox News", "Fox News"), ("ABC News", "ABC News")]


def test_find_skips_a_surname_that_is_also_an_outlet(m):
    assert m.find("Michael Bloomberg said so.") == []
    assert [n for n, _, _ in m.find("Bloomberg reported on Monday.")] == ["Bloomberg"]
    assert [n for n, _, _ in m.find("According to Bloomberg, it fell.")] == ["Bloomberg"]


def test_find_window(m):
    text = "CNN said. Reuters said. BBC said."
    assert [n for n, _, _ in m.find(text, 5, 24)] == ["Reuters"]


def test_with_names_adds_index_outlets_without_changing_known_ones(m):
    m2 = m.with_names(["The Daily Planet", "reuters.com", "AP", "smallville.example"])
    assert m2 is not m
    assert m2.canonical("the Daily Planet") == "The Daily Planet"
    assert [text for text in ("told the Daily Planet",) for n, s, e in m2.find(text) if n == "The Daily Planet"]
    assert m2.canonical("AP") == "Associated Press"
    assert m2.canonical("www.smallville.example") == "smallville.example"
    assert m.canonical("The Daily Planet") is None  # the original is unchanged
    assert m.with_names([]) is m


def test_same_and_kind(m):
    assert m.same("AP", "the Associated Press")
    assert not m.same("AP", "Reuters")
    assert m.same("Some Gazette", "some gazette")
    assert not m.same(None, "AP")
    assert m.kind("Reuters") == "wire"
    assert m.kind("the Guardian") == "newspaper"


def test_constructor_does_no_io_and_bad_json_is_an_input_error():
    assert len(OutletMatcher([Outlet("X News", variants=("X News",))])) == 1
    with pytest.raises(InputError):
        OutletMatcher.from_json('{"no": []}')


@given(st.text(alphabet="AP BCNRetursFoxNwsa’'.,the", max_size=60))
def test_find_spans_are_valid(text):
    m = OutletMatcher.default()
    for name, s, e in m.find(text):
        assert 0 <= s < e <= len(text)
        assert m.canonical(text[s:e]) == name
