"""The on-disk cache of NOMIS answers."""

from __future__ import annotations

import logging

from lednet.nomis.cache import ResponseCache
from lednet.nomis.client import Answer

URL = ("http://127.0.0.1:1/api/v01/dataset/NM_2002_1.data.csv?geography=E06000014&date=2021"
       "&c_age=200&gender=0&measures=20100")


def test_an_answer_comes_back_as_it_was_kept(tmp_path):
    cache = ResponseCache(tmp_path)
    kept = Answer(url=URL, rows=[{"GEOGRAPHY_CODE": "E06000014", "OBS_VALUE": "201672"}],
                  retrieved_at="2026-01-02T03:04:05+00:00", pages=1)

    cache.put(kept)

    assert cache.get(URL) == kept


def test_an_empty_answer_is_kept_too(tmp_path):
    cache = ResponseCache(tmp_path)

    cache.put(Answer(url=URL, rows=[], retrieved_at="2026-01-02T03:04:05+00:00"))

    assert cache.get(URL).rows == []


def test_a_different_query_is_a_different_entry(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put(Answer(url=URL, rows=[]))

    assert cache.get(URL.replace("date=2021", "date=2020")) is None


def test_files_are_named_by_dataset_and_hash(tmp_path):
    path = ResponseCache(tmp_path).path_for(URL)

    assert path.parent == tmp_path
    assert path.name.startswith("NM_2002_1-")
    assert len(path.stem) == len("NM_2002_1-") + 32


def test_an_unreadable_file_counts_as_not_cached(tmp_path, caplog):
    cache = ResponseCache(tmp_path)
    cache.path_for(URL).write_text("{not json")

    with caplog.at_level(logging.WARNING, logger="lednet.nomis.cache"):
        assert cache.get(URL) is None

    assert "ignoring cached NOMIS answer" in caplog.text
