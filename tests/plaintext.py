"""Looking for a secret string anywhere a database keeps it: file bytes or text columns."""

from __future__ import annotations

import glob

from sqlalchemy import inspect, text
from sqlalchemy.types import JSON, String, Text


def assert_nowhere_in_database(engine, database_url: str, needles: list[str]) -> None:
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        for name in glob.glob(path + "*"):  # the file, its -wal and -shm
            raw = open(name, "rb").read()
            for needle in needles:
                for encoded in (needle.encode("utf-8"), needle.encode("utf-16-le")):
                    assert encoded not in raw, f"{needle!r} found in {name}"
        return
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for column in inspect(engine).get_columns(table):
                if not isinstance(column["type"], String | Text | JSON):
                    continue
                name = column["name"]
                rows = connection.execute(text(f'SELECT "{name}"::text FROM "{table}"'))
                for (value,) in rows:
                    for needle in needles:
                        assert value is None or needle not in value, (
                            f"{needle!r} found in {table}.{name}")
