"""The tables a backup holds, and one engine-independent text for each row.

Every concrete model of the project and of the Django apps it uses (accounts, sessions excepted) is
archived, many-to-many tables included; what is derived from other tables and rebuilt by the database
itself is left out (the registry's change log, filled by triggers, and the writers' lock).

A row is written as a JSON array of its columns' values as Django reads them (so ``True`` on both
engines, aware UTC datetimes in ISO 8601, decimals as text, JSON columns as JSON). The same text on
SQLite and PostgreSQL makes the archive portable and gives each table a checksum that compares across
engines: SHA-256 over the sorted SHA-256 of its rows, so the order rows come back in does not matter.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models

#: Rebuilt by the database or meaningless in another deployment: never archived.
LEFT_OUT = {"registry_indexchange", "operations_writerlock", "django_session"}
#: Filled by `migrate` in any new database: replaced by the archive's own rows on restore.
FILLED_BY_MIGRATE = {"django_content_type", "auth_permission"}
BATCH = 2000


def archived_models() -> list[type[models.Model]]:
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in LEFT_OUT
    ]
    return sorted(found, key=lambda m: m._meta.db_table)


def every_model() -> list[type[models.Model]]:
    """Every table a restore empties, the left-out ones included (not the lock the restore holds)."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table != "operations_writerlock"
    ]


def fields(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot archive a {type(value).__name__}")


def encode(row: tuple) -> str:
    return json.dumps(list(row), default=_plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def rows(model: type[models.Model], using: str) -> Iterator[str]:
    """Every row of ``model`` as its text, in primary-key order."""
    names = [f.attname for f in fields(model)]
    query = model._base_manager.using(using).order_by("pk").values_list(*names)
    for row in query.iterator(chunk_size=BATCH):
        yield encode(row)


def decode(model: type[models.Model], line: str) -> list[Any]:
    """The column values of one archived row, ready for the database (Python values through each field)."""
    values = json.loads(line)
    out = []
    for field, value in zip(fields(model), values, strict=True):
        if value is not None and not isinstance(field, models.JSONField):
            value = field.to_python(value)
        out.append(value)
    return out


class Digest:
    """Order-independent checksum of a table: SHA-256 over the sorted digests of its rows."""

    def __init__(self) -> None:
        self.row_digests: list[bytes] = []

    def add(self, line: str) -> None:
        self.row_digests.append(hashlib.sha256(line.encode()).digest())

    @property
    def rows(self) -> int:
        return len(self.row_digests)

    def hexdigest(self) -> str:
        total = hashlib.sha256()
        for d in sorted(self.row_digests):
            total.update(d)
        return total.hexdigest()


def checksums(using: str = "default") -> dict[str, dict[str, Any]]:
    """Rows and checksum of every archived table of the database ``using``."""
    out = {}
    for model in archived_models():
        digest = Digest()
        for line in rows(model, using):
            digest.add(line)
        out[model._meta.db_table] = {"rows": digest.rows, "sha256": digest.hexdigest()}
    return out
