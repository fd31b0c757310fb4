"""Page chrome: the lines a web page wraps around an article ("Connect with us",
"Leave a Reply", "Loading…", "Share This Post").

Archives scraped from the web keep such lines in the text. They are not the article's
prose, so the report dims them, sentence pairs leave them out, and a ``.txt`` file whose
first line is one of them takes its title from the first headline after it.

The rule is deliberately simple, so a reader can apply it by eye. A **chrome line** is a
whole line of the text that

* has at most :data:`MAX_WORDS` words and at least one letter,
* has no digit (``2000 GMT``, ``Tuesday, 1 March`` and ``3,803`` are content),
* is not a list item (does not start with ``-``, ``*``, ``•``, ``–`` or ``—``), and
* does not end in sentence punctuation: ``.``, ``!``, ``:`` or ``;``, possibly followed by
  closing quotes or brackets. An ellipsis (``Loading...``, ``Loading…``) and a question
  mark (``Hi, what are you looking for?``) do not count: chrome uses them, short prose
  lines rarely stand alone with them.

Short section headings ("Strategic Shift", "Limited Optimism") are chrome by this rule
too; they are not prose either, and dimming them loses nothing. Headlines are longer than
:data:`MAX_WORDS` words more often than not; a short one is still the title when nothing
better follows it (see :func:`title_line`).

Spans are half-open ``str`` indices into the original text. Pure: no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["MAX_WORDS", "chrome_phrases", "chrome_spans", "is_chrome_line", "is_chrome_phrase", "title_line"]

MAX_WORDS = 6
"""The most words a chrome line has."""

_SENTENCE_END = re.compile(r"(?<!\.\.)[.!:;][\"'”’»)\]]*$")
_LIST_ITEM = ("-", "*", "•", "–", "—")
_LINE = re.compile(r"[^\n]+")


def is_chrome_line(line: str) -> bool:
    """Whether ``line`` (one line, surrounding whitespace ignored) is page chrome by the
    rule in the module docstring."""
    text = line.strip()
    if not text or "\n" in text:
        return False
    words = text.split()
    if len(words) > MAX_WORDS or not any(c.isalpha() for c in text):
        return False
    if any(c.isdigit() for c in text) or text.startswith(_LIST_ITEM):
        return False
    return _SENTENCE_END.search(text) is None


def chrome_spans(text: str) -> list[tuple[int, int]]:
    """The chrome lines of ``text``: half-open ``str`` spans, surrounding whitespace
    trimmed, in order."""
    out = []
    for m in _LINE.finditer(text):
        line = m.group()
        if is_chrome_line(line):
            start = m.start() + len(line) - len(line.lstrip())
            end = m.end() - (len(line) - len(line.rstrip()))
            out.append((start, end))
    return out


_LOOKAHEAD = 12  # non-empty lines searched for a headline after leading chrome
_FOLD_END = re.compile(r"[\s.:…]+$")


@lru_cache(maxsize=1)
def chrome_phrases() -> frozenset[str]:
    """The shipped phrases that are never a title (``attrib/core/data/chrome_en.txt``),
    folded as :func:`is_chrome_phrase` folds a line."""
    text = resources.files("attrib.core.data").joinpath("chrome_en.txt").read_text("utf-8")
    return frozenset(
        _fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _fold(line: str) -> str:
    return _FOLD_END.sub("", " ".join(line.split()).casefold())


def is_chrome_phrase(line: str) -> bool:
    """Whether ``line`` is one of the shipped chrome phrases (``Connect with us``,
    ``Leave a Reply``, ``Loading…``): site furniture that is never an article's title."""
    return _fold(line) in chrome_phrases()


def title_line(lines: list[str]) -> int | None:
    """The index in ``lines`` of the line to use as a title, or None.

    The first non-empty line, unless it is a shipped chrome phrase
    (:func:`is_chrome_phrase`). Then the title is the headline that follows the page's
    top: the first line among the next few non-empty ones that is neither chrome (by
    either rule) nor prose (a line ending like a sentence, or longer than a headline);
    when prose comes first, there is no title. Structural chrome alone does not move the
    title, because short headlines look like it (``Brentford v Southampton``).
    """
    non_empty = [i for i, line in enumerate(lines) if line.strip()]
    if not non_empty:
        return None
    first = non_empty[0]
    if not is_chrome_phrase(lines[first]):
        return first
    for i in non_empty[1:_LOOKAHEAD]:
        line = lines[i].strip()
        if is_chrome_phrase(line) or is_chrome_line(line):
            continue
        if len(line.split()) <= _HEADLINE_WORDS and _SENTENCE_END.search(line) is None:
            return i
        break
    return None


_HEADLINE_WORDS = 25
