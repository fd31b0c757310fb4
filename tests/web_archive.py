"""A small archive for the web pages' tests: the seed story 000, two copies of it from
other outlets (one word for word, one cut short and lightly edited) and twenty BBC
politics stories, indexed with checks on arrival so that the copies are folded under their
original. The heavy rewrite 003 is left out: the tests paste it into the check form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from attrib.article import Article
from attrib.readers import read_paths

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"
T0 = datetime(2024, 10, 22, 10, tzinfo=timezone.utc)


def web_articles() -> list[Article]:
    original = next(iter(read_paths([SEED_000])))
    body = original.text.split("Strategic Shift")[0]
    edited = body.replace("urged", "pressed").replace("Tuesday", "Tuesday morning").replace("However,", "But")
    articles = [
        Article(id=original.id, text=original.text, title=original.title, outlet="Example Wire", published_at=T0),
        Article(id="echo-copy", text=original.text, title="Blinken in Israel to revive ceasefire talks", outlet="Echo News",
                published_at=T0 + timedelta(hours=5)),
        Article(id="daily-copy", text=edited, title="Blinken presses Netanyahu on Gaza", outlet="Daily Copy",
                published_at=T0 + timedelta(days=1)),
    ]
    bbc = sorted((SHARED / "data" / "bbc" / "politics").glob("*.txt"))[:20]
    for i, path in enumerate(bbc):
        title, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        articles.append(Article(id=f"bbc-{path.stem}", text=body, title=title.strip(), outlet="BBC",
                                published_at=T0 - timedelta(days=100 - i)))
    return articles


def index_web_archive(store) -> None:
    from attrib.attribution import index_and_attribute

    events = list(index_and_attribute(store, web_articles()))
    assert len(events) == 23
