"""``wsis manage un_names [--from FILE]``: take economy names from the UN's official short names (UNTERM /
UN M49) in the six UN languages instead of CLDR's.

Without ``--from`` the publisher's table (``datasets/country-codes``, at a pinned commit) is downloaded
(needs the internet); ``--from`` reads a local copy, e.g. ``$WSIS_SHARED_DATA/classifications/
country-codes.csv``. The table is checked before anything is stored, then kept in the data folder, where
the reference loader reads it at every start (:mod:`wsis.reference.un_names`), and the database's names
are brought up to date. A bad file changes nothing and the error names the file and the problem.
Running processes (the site's workers) pick the names up when they restart.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wsis.apps.reference.sync import sync_reference
from wsis.engine.fetch import FetchError, download
from wsis.engine.fetch import _save as save  # the same atomic write as every fetched file
from wsis.reference import cldr, un_names
from wsis.reference.loader import ReferenceDataError, knowledge

#: The commit of datasets/country-codes the shared test table was taken from: pinned, so that a set-up is
#: repeatable and a change of names is a deliberate update of this line.
COMMIT = "caa72d1e0e5af8876c170bb36a9e4d64a01bba88"
DEFAULT_URL = f"https://raw.githubusercontent.com/datasets/country-codes/{COMMIT}/data/country-codes.csv"
#: Overrides the download address (a mirror, or a local server in tests).
ENVIRONMENT = "WSIS_FETCH_UN_NAMES"
#: The ReferenceRelease row saying which table the names come from.
RELEASE_FILE = "un-names"


def store_un_names(body: bytes, origin: str) -> un_names.UnNames:
    """Check ``body`` as a names table, keep it in the data folder and sync the database's names.

    All or nothing: a table that does not parse, or knowledge that no longer loads with it, leaves the
    data folder and the database as they were."""
    from django.db import transaction

    from wsis.apps.reference.models import ReferenceRelease

    try:
        table = un_names.read_table(body.decode("utf-8"), origin)
    except UnicodeDecodeError as exc:
        raise un_names.UnNamesError(f"{origin}: not UTF-8 text: {exc}") from exc
    target = un_names.stored_path()
    before = target.read_bytes() if target.is_file() else None
    save(target.parent, target.name, body)
    knowledge.cache_clear()
    try:
        with transaction.atomic():
            sync_reference(knowledge())
            ReferenceRelease.objects.update_or_create(file=RELEASE_FILE, defaults={"version": COMMIT[:12]})
    except Exception:
        # Put the previous table (or none) back, so the next start reads what the database holds.
        if before is None:
            target.unlink(missing_ok=True)
        else:
            save(target.parent, target.name, before)
        knowledge.cache_clear()
        raise
    return table


class Command(BaseCommand):
    help = "Use the UN's official short names of economies (UNTERM / M49) in the six UN languages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="path",
            type=Path,
            help="A local copy of the country-codes table (default: download it).",
        )

    def handle(self, *args: object, path: Path | None = None, **options: object) -> None:
        try:
            if path is None:
                url = os.environ.get(ENVIRONMENT) or DEFAULT_URL
                body, _type = download(url, accept="text/csv, text/plain")
                origin = url
            else:
                if not path.is_file():
                    raise CommandError(f"{path}: no such file")
                body, origin = path.read_bytes(), str(path)
            table = store_un_names(body, origin)
        except (FetchError, ValueError, ReferenceDataError) as exc:
            raise CommandError(str(exc)) from exc
        economies = knowledge().economies
        differing = sum(
            1
            for code, economy in economies.items()
            if table.of(code)
            and (names := cldr.territory_names(economy.iso2))
            and names.en != economy.names.en  # type: ignore[union-attr]
        )
        self.stdout.write(
            f"UN official names stored from {origin}: {sum(1 for c in economies if table.of(c))} of "
            f"{len(economies)} economies ({differing} differ from CLDR in English); "
            "restart the site to show them"
        )
