"""Names of news outlets and wire services, and where an article mentions them.

An article credits a quote with the outlet's name as people write it: "told Al Jazeera",
"the AP reported", "according to The New York Times", "a Reuters report". The
:class:`OutletMatcher` knows each outlet under one canonical name with its common
variants, finds those variants in text (returning ``str`` offsets, half-open, into the
text it was given) and maps any spelling, or a site's domain, back to the canonical name.

The shipped list lives in ``attrib/core/data/outlets.json``; the outlets of an index are
added with :meth:`OutletMatcher.with_names`. Matching is case-sensitive on purpose:
"AP", "the Guardian" and "The Hill" are names, "ap", "guardian" and "the hill" are not.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Iterable

from attrib.errors import InputError

__all__ = ["Outlet", "OutletMatcher", "outlet_key"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-"})
_NON_WORD = re.compile(r"[^\w&]+")


@functools.lru_cache(maxsize=8192)
def outlet_key(name: str) -> str:
    """The lookup key of an outlet name: casefolded, no leading "the", no punctuation.

    "The New York Times", "the New York Times" and "NEW YORK TIMES" share a key, and so
    do "L.A. Times" and "LA Times" (dots are dropped, not turned into spaces).
    """
    s = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold().strip()
    s = s.replace(".", "").replace("'", "")
    s = _NON_WORD.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


def _domain_key(name: str) -> str | None:
    s = name.strip().casefold()
    s = re.sub(r"^[a-z]+://", "", s).split("/", 1)[0]
    if " " in s or "." not in s:
        return None
    return s[4:] if s.startswith("www.") else s


@dataclass(frozen=True)
class Outlet:
    """One outlet: canonical ``name``, ``kind`` (wire, newspaper, broadcaster, digital,
    magazine, or ``index`` for names that came only from an index), the ``variants``
    articles write, and the ``domains`` it publishes on."""

    name: str
    kind: str = "index"
    variants: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str | None = None


# Single capitalised words that are also surnames or ordinary words ("Michael Bloomberg",
# "Ben Fox", "Vice President") are only taken as outlets when no other capitalised word
# sits right before them.
_CAP_BEFORE = re.compile(r"(?:^|[^\w])([A-Z][\w'’.-]*)\s+$")
_SENTENCE_STARTERS = frozenset(
    "The A An And But Or So Yet Then Now Also Meanwhile However According In On At To For"
    " From By With Told Tell Tells Telling Said Says Via Per Citing Cited As When While"
    " Earlier Later Last This That Asked Speaking Writing Reporting Interviewed Quoted".split()
)


class OutletMatcher:
    """Outlet names with their variants; immutable, cheap to build, regex compiled lazily.

    >>> m = OutletMatcher.default()
    >>> m.canonical("the AP"), m.canonical("nytimes.com")
    ('Associated Press', 'The New York Times')
    >>> m.find("Beilin told Al Jazeera's Imran Khan.")
    [('Al Jazeera', 12, 22)]
    """

    def __init__(self, outlets: Iterable[Outlet] = ()):
        self._outlets: tuple[Outlet, ...] = tuple(outlets)
        keys: dict[str, str] = {}
        domains: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for o in self._outlets:
            kinds.setdefault(o.name, o.kind)
            for v in (o.name, *o.variants):
                k = outlet_key(v)
                if k:
                    keys.setdefault(k, o.name)
            for d in o.domains:
                dk = _domain_key(d)
                if dk:
                    domains.setdefault(dk, o.name)
        self._keys = keys
        self._domains = domains
        self._kinds = kinds

    # -- construction -------------------------------------------------------------------

    @classmethod
    def default(cls) -> "OutletMatcher":
        """The matcher over the shipped list (read once from package data, then cached)."""
        return _default_matcher()

    @classmethod
    def from_json(cls, text: str) -> "OutletMatcher":
        """Build from the JSON format of ``outlets.json`` (``{"outlets": [{"name": ...}]}``)."""
        try:
            doc = json.loads(text)
            rows = doc["outlets"]
            outlets = [
                Outlet(
                    name=r["name"],
                    kind=r.get("kind", "index"),
                    variants=tuple(r.get("variants", ())),
                    domains=tuple(r.get("domains", ())),
                    country=r.get("country"),
                )
                for r in rows
            ]
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"bad outlet list: {e}", field="outlets") from e
        return cls(outlets)

    def with_names(self, names: Iterable[str]) -> "OutletMatcher":
        """A new matcher that also knows ``names`` (say, the outlets of an index).

        A name that is already a known spelling or domain keeps its canonical outlet; any
        other becomes an outlet of its own, matched as written and, when it starts with
        "The", also with a lowercase "the". Domain-like names ("example.com") are only
        looked up by :meth:`canonical`, never searched for in text.
        """
        extra: list[Outlet] = []
        seen = set(self._keys)
        for raw in names:
            name = (raw or "").strip()
            if not name or self.canonical(name) is not None:
                continue
            dk = _domain_key(name)
            if dk is not None:
                extra.append(Outlet(name=name, domains=(dk,)))
                continue
            k = outlet_key(name)
            if not k or k in seen:
                continue
            seen.add(k)
            variants = [name]
            if name.startswith("The "):
                variants.append("the " + name[4:])
            extra.append(Outlet(name=name, variants=tuple(variants)))
        if not extra:
            return self
        # Extend this matcher's tables instead of rebuilding them: a check builds one
        # such matcher per article, over the outlets of its sources.
        grown = object.__new__(OutletMatcher)
        grown._outlets = (*self._outlets, *extra)
        grown._keys, grown._domains, grown._kinds = dict(self._keys), dict(self._domains), dict(self._kinds)
        for o in extra:
            grown._kinds.setdefault(o.name, o.kind)
            for v in (o.name, *o.variants):
                k = outlet_key(v)
                if k:
                    grown._keys.setdefault(k, o.name)
            for d in o.domains:
                dk = _domain_key(d)
                if dk:
                    grown._domains.setdefault(dk, o.name)
        return grown

    # -- lookups ------------------------------------------------------------------------

    @property
    def outlets(self) -> tuple[Outlet, ...]:
        return self._outlets

    def canonical(self, name: str) -> str | None:
        """The canonical name for any known spelling or domain of an outlet, else None."""
        if not name:
            return None
        found = self._keys.get(outlet_key(name))
        if found is not None:
            return found
        dk = _domain_key(name)
        if dk is None:
            return None
        while dk:
            if dk in self._domains:
                return self._domains[dk]
            # news.example.co.uk -> example.co.uk
            dk = dk.split(".", 1)[1] if dk.count(".") > 1 else ""
        return None

    def kind(self, name: str) -> str | None:
        """The kind of the outlet ``name`` refers to (``wire``, ``newspaper``...), if known."""
        c = self.canonical(name)
        return self._kinds.get(c) if c else None

    def same(self, a: str | None, b: str | None) -> bool:
        """True when ``a`` and ``b`` name the same outlet (canonically, or by key)."""
        if not a or not b:
            return False
        ca, cb = self.canonical(a), self.canonical(b)
        if ca is not None and cb is not None:
            return ca == cb
        return outlet_key(ca or a) == outlet_key(cb or b)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        variants = {v for o in self._outlets for v in (o.variants or (o.name,))}
        return _compile_variants(frozenset(v for v in variants if _searchable(v)))

    @cached_property
    def _variant_owner(self) -> dict[str, str]:
        owner: dict[str, str] = {}
        for o in self._outlets:
            for v in o.variants or (o.name,):
                owner.setdefault(v, o.name)
        return owner

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
        """Outlet mentions in ``text[start:end]`` as ``(canonical, s, e)``.

        ``s``/``e`` are half-open ``str`` offsets into ``text`` itself (not into the
        slice), so ``text[s:e]`` is the name as written. Longer names win ("Fox News"
        over "Fox"), and a bare one-word name directly after another capitalised word is
        skipped as part of a person's name ("Michael Bloomberg").
        """
        end = len(text) if end is None else end
        out: list[tuple[str, int, int]] = []
        owner = self._variant_owner
        for m in self._pattern.finditer(text, start, end):
            v = m.group(0)
            if " " not in v and not v.isupper() and self._after_capitalised_word(text, m.start()):
                continue
            out.append((owner[v], m.start(), m.end()))
        return out

    @staticmethod
    def _after_capitalised_word(text: str, pos: int) -> bool:
        m = _CAP_BEFORE.search(text, max(0, pos - 40), pos)
        if not m:
            return False
        word = m.group(1).rstrip(".")
        return word not in _SENTENCE_STARTERS

    def __len__(self) -> int:
        return len(self._outlets)

    def __repr__(self) -> str:
        return f"OutletMatcher({len(self._outlets)} outlets)"


@lru_cache(maxsize=65536)
def _searchable(variant: str) -> bool:
    """A spelling searched for in text: not blank, not a domain."""
    return bool(variant.strip()) and _domain_key(variant) is None


@lru_cache(maxsize=256)
def _compile_variants(variants: frozenset[str]) -> re.Pattern[str]:
    """One pattern per set of names, shared by the matchers that search for the same ones."""
    if not variants:
        return re.compile(r"(?!x)x")
    alternation = "|".join(re.escape(v) for v in sorted(variants, key=lambda v: (-len(v), v)))
    return re.compile(rf"(?<![\w&])(?:{alternation})(?![\w&])")


@lru_cache(maxsize=1)
def _default_matcher() -> OutletMatcher:
    text = resources.files("attrib.core.data").joinpath("outlets.json").read_text(encoding="utf-8")
    return OutletMatcher.from_json(text)
