"""The on-disk cache of derived tables, and the town keys it keeps: read when there, rebuilt when what they
derive from changes, unreadable or unwritable caches only cost time."""

import json

import pytest

from transforms.rules import keycache, places


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WARLEDGER_CACHE", str(tmp_path / "cache"))
    places._keyed_towns.cache_clear()
    yield tmp_path / "cache"
    places._keyed_towns.cache_clear()   # the other tests key their towns from the user's cache again


def test_a_table_is_built_once_then_read_back(cache):
    built = []
    for _ in range(2):
        assert keycache.load_or_build("t", b"inputs", lambda: built.append(1) or {"k": [1, 2]}) == {"k": [1, 2]}
    assert built == [1]
    assert json.loads(keycache.location("t", b"inputs").read_text()) == {"k": [1, 2]}


def test_other_inputs_read_another_file(cache):
    keycache.load_or_build("t", b"old gazetteer", lambda: {"k": [1]})
    assert keycache.load_or_build("t", b"new gazetteer", lambda: {"k": [2]}) == {"k": [2]}
    assert keycache.location("t", b"old gazetteer") != keycache.location("t", b"new gazetteer")


def test_a_file_cut_short_is_built_again(cache):
    path = keycache.location("t", b"inputs")
    path.parent.mkdir(parents=True)
    path.write_text('{"k": [1')
    assert keycache.load_or_build("t", b"inputs", lambda: {"k": [1, 2]}) == {"k": [1, 2]}
    assert json.loads(path.read_text()) == {"k": [1, 2]}


def test_an_unwritable_cache_still_gives_the_table(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("WARLEDGER_CACHE", str(tmp_path / "file" / "cache"))   # a folder under a file: no mkdir
    assert keycache.load_or_build("t", b"inputs", lambda: {"k": [1]}) == {"k": [1]}


def _ukraine():
    places.gazetteer()
    return places._SPELLINGS["UA"]


def test_town_keys_come_from_the_cache_once_built(cache):
    assert places.towns_by_key("Kupyansk", {"UA"})[0].geonameid == 703656
    path = keycache.location("town_keys", places._key_inputs(_ukraine()))
    keys = json.loads(path.read_text())
    position, kharkiv = next((i, e) for i, (e, _) in enumerate(_ukraine()) if e.canonical == "Kharkiv")
    # A cache that says otherwise is believed: the keys are read from it, not keyed again.
    keys[places.name_key("Kupyansk")] = str(position)
    path.write_text(json.dumps(keys))
    places._keyed_towns.cache_clear()
    assert places.towns_by_key("Kupyansk", {"UA"}) == (kharkiv,)


def test_town_keys_follow_the_gazetteer(cache):
    towns = _ukraine()
    entry, alternates = towns[0]
    respelt = [(entry, [*alternates, "Zzyzxville"]), *towns[1:]]
    assert places._key_inputs(respelt) != places._key_inputs(towns)
    assert places.name_key("Zzyzxville") in places._town_keys(respelt)
    assert places.name_key("Zzyzxville") not in places._town_keys(towns)
