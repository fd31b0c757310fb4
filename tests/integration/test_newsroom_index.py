"""attrib index --from-es-index: a newsroom's own index, with its own field names, in a real cluster."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from attrib.cli import main
from tests.store_contract import T0, bbc_articles


def _newsroom(es_client, name: str, articles, start: int = 0) -> None:
    for i, a in enumerate(articles, start):
        es_client.index(index=name, id=a.id, document={
            "headline": a.title, "body": a.text, "pubDate": a.published_at.isoformat(),
            "site": a.outlet, "link": f"https://news.example/{a.id}", "added": (T0 + timedelta(minutes=i)).isoformat(),
        })
    es_client.indices.refresh(index=name)


FIELDS = ["--field", "text=body", "--field", "title=headline", "--field", "published_at=pubDate",
          "--field", "outlet=site", "--field", "url=link"]


def test_a_newsroom_index_is_read_attributed_and_written_back(es_client, es_url, index_prefix, capsys):
    source = f"{index_prefix}-newsroom"
    articles = bbc_articles(12)
    original = articles[0]
    copy = original.__class__(id="copy-of-0", text=original.text, title="Copied", outlet="Copycat Daily",
                              published_at=original.published_at + timedelta(days=1))
    _newsroom(es_client, source, [*articles, copy])
    es_client.index(index=source, id="broken", document={"headline": "no body here"}, refresh=True)
    argv = ["index", "--es-url", es_url, "--index", index_prefix, "--from-es-index", source, *FIELDS,
            "--attribute", "--write-back", "--no-progress"]
    assert main(argv) == 4  # the document without a body is skipped, the rest land
    out, err = capsys.readouterr()
    assert "indexed 13" in out and f"{source}/broken" in err and "'text'" in err
    doc = es_client.get(index=source, id="copy-of-0")["_source"]
    assert doc["attrib"]["verdict"] == "copied" and doc["attrib"]["original_id"] == original.id
    assert doc["body"] == copy.text  # a partial update: the newsroom's fields are untouched
    stored = es_client.get(index=f"{index_prefix}-articles", id="copy-of-0")["_source"]
    assert stored["title"] == "Copied" and stored["url"] == "https://news.example/copy-of-0"
    # run again: nothing is indexed twice
    assert main(argv) == 4
    assert "already indexed 13" in capsys.readouterr().out


def test_follow_picks_up_documents_added_later(es_client, es_url, index_prefix, capsys):
    source = f"{index_prefix}-newsroom"
    articles = bbc_articles(6)
    _newsroom(es_client, source, articles[:4])
    argv = ["index", "--es-url", es_url, "--index", index_prefix, "--from-es-index", source, *FIELDS,
            "--follow", "--timestamp-field", "added", "--poll-seconds", "0.5", "--follow-for", "8", "--no-progress"]
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(main(argv)))
    runner.start()
    time.sleep(3)
    _newsroom(es_client, source, articles[4:], start=4)
    runner.join(timeout=60)
    assert result == [0]
    es_client.indices.refresh(index=f"{index_prefix}-articles")
    assert es_client.count(index=f"{index_prefix}-articles")["count"] == 6


def test_bad_combinations_are_one_line(es_url, index_prefix, capsys):
    for argv, words in [
        (["index", "--es-url", es_url, "--from-es-index", "x", "--write-back"], "add --attribute"),
        (["index", "--es-url", es_url, "--from-es-index", "x", "--follow"], "--timestamp-field"),
        (["index", "--es-url", es_url, "--index", index_prefix, "--from-es-index", f"{index_prefix}-missing"], "no index"),
        (["index", "some.jsonl", "--follow"], "--from-es-index"),
    ]:
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2 and words in err and len(err.strip().splitlines()) == 1, (argv, err)
