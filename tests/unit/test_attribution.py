import json

from attrib.article import Article
from attrib.attribution import Attributed, attribution_of, index_and_attribute
from attrib.detect import check
from attrib.store import EmbeddedStore, WriteStatus
from tests.store_contract import _story_articles, bbc_articles


def test_copies_join_their_originals_story_and_are_counted(tmp_path):
    store = EmbeddedStore(tmp_path / "a.db")
    original, copy_a, copy_b, other = _story_articles()
    articles = [*bbc_articles(10), original, copy_a, other, copy_b]
    events = list(index_and_attribute(store, articles, batch=3))
    assert [e.id for e in events] == [a.id for a in articles]
    assert all(isinstance(e, Attributed) and e.attribution is not None for e in events)
    by_id = {e.id: e.attribution for e in events}
    assert by_id[original.id].verdict == "no_source" and by_id[original.id].story_id == original.id
    for copy in (copy_a, copy_b):
        assert (by_id[copy.id].verdict, by_id[copy.id].story_id, by_id[copy.id].original_id) == ("copied", original.id, original.id)
        assert by_id[copy.id].original_outlet == "Brest Daily" and by_id[copy.id].copied_share > 0.9
    stored = store.get_stored([original.id, copy_b.id, other.id])
    assert stored[original.id].copies_seen == 2 and stored[other.id].copies_seen == 0
    assert stored[copy_b.id].attribution == by_id[copy_b.id]
    # What was stored on arrival is what a check of the stored article says now.
    again = attribution_of(check(copy_b, store), store, checked_at=by_id[copy_b.id].checked_at)
    assert again == by_id[copy_b.id]
    # Indexing again checks nothing: nothing is new.
    assert [e.status for e in index_and_attribute(store, [original, copy_a])] == [WriteStatus.EXISTS] * 2
    store.close()


def test_undated_copies_in_one_batch_are_checked_in_arrival_order(tmp_path):
    store = EmbeddedStore(tmp_path / "a.db")
    text = _story_articles()[0].text
    first, second = Article(id="first", text=text, outlet="A"), Article(id="second", text=text, outlet="B")
    events = list(index_and_attribute(store, [*bbc_articles(5), first, second]))
    verdicts = {e.id: (e.attribution.verdict, e.attribution.original_id) for e in events}
    assert verdicts["first"] == ("no_source", None)
    assert verdicts["second"] == ("copied", "first")
    assert store.get_stored(["first"])["first"].copies_seen == 1
    store.close()


def test_index_attribute_on_the_command_line(tmp_path, capsys, monkeypatch):
    from attrib.cli import main

    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    source = tmp_path / "in.jsonl"
    rows = [{**a.to_dict()} for a in _story_articles()]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "cli.db"
    assert main(["index", str(source), "--db", str(db), "--attribute", "--workers", "1", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "checked on arrival: 2 copied, 2 no source" in out
    store = EmbeddedStore(db)
    assert store.get_stored(["story-original"])["story-original"].copies_seen == 2
    store.close()
