"""JSON crosses psycopg through orjson: what the platform stores reads back the same, in jsonb and in
COPY, and what the standard library's encoder accepted is still accepted."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import psycopg
import pytest
from psycopg.types.json import Jsonb

from storefleet.api.db import json_codec
from storefleet.api.db import pool as _pool  # noqa: F401 - importing the pool installs the codec


class Colour(StrEnum):
    RED = "red"


def test_the_pool_module_installs_orjson_as_psycopgs_codec() -> None:
    from psycopg.types.json import _JsonDumper, _JsonLoader

    assert _JsonDumper._dumps is json_codec.dumps
    assert _JsonLoader._loads.__module__ == "orjson"


def test_dumps_writes_what_json_dumps_wrote() -> None:
    # int keys become strings, str enums their value, nested tuples arrays; non-ASCII stays UTF-8
    assert json_codec.dumps({1: Colour.RED, "t": (1, [2])}) == b'{"1":"red","t":[1,[2]]}'
    assert json_codec.dumps({"name": "Café ☕"}) == '{"name":"Café ☕"}'.encode()
    with pytest.raises(TypeError):
        json_codec.dumps({"x": object()})


def test_documents_round_trip_through_jsonb_and_copy(database_url: str) -> None:
    document = {"spec": {"name": "shop", "plan": "small", "n": 3, "f": 1.5, "none": None}, "ok": True}
    quoted = {"text": 'a "quote", a tab\t, a backslash \\ and a newline\n', "emoji": "🛒"}
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE codec (id int, doc jsonb)")
        conn.execute("INSERT INTO codec VALUES (1, %s), (2, %b)", (Jsonb(document), Jsonb(quoted)))
        with conn.cursor() as cur, cur.copy("COPY codec (id, doc) FROM STDIN") as copy:
            copy.write_row((3, Jsonb(quoted)))
            copy.write_row((4, Jsonb({"at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)})))
        rows = dict(conn.execute("SELECT id, doc FROM codec ORDER BY id").fetchall())
    assert rows[1] == document
    assert rows[2] == quoted
    assert rows[3] == quoted
    assert rows[4] == {"at": "2026-01-02T03:04:05+00:00"}
