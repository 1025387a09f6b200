"""``wsis manage sdg_texts [--from FOLDER]``: load the official UN titles of the SDGs, targets and
indicators in the six UN languages into the database.

Without ``--from`` the titles are downloaded from their publisher first (needs the internet; see
wsis.engine.sdg_texts_fetch) into the data folder; ``--from`` reads a folder of the same layout, e.g.
``$WSIS_SHARED_DATA/sdg-texts``. Bad files change nothing and the error names the file and the key.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wsis.apps.reference.sync import store_sdg_titles
from wsis.engine.fetch import FetchError
from wsis.engine.sdg_texts_fetch import COMMIT, fetch_sdg_texts
from wsis.paths import data_home
from wsis.reference.sdg_texts import SdgTextError
from wsis.reference.sdg_translations import load_folder


class Command(BaseCommand):
    help = "Load the official UN titles of the SDGs, targets and indicators in the six UN languages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="folder",
            type=Path,
            help="A folder of {language}/global_{goals,targets,indicators}.yml (default: download them).",
        )
        parser.add_argument("--base", help="Download from this base URL instead of the publisher's.")

    def handle(
        self, *args: object, folder: Path | None = None, base: str | None = None, **options: object
    ) -> None:
        try:
            if folder is None:
                fetched = fetch_sdg_texts(data_home() / "sdg-texts", base=base)
                folder, version = fetched.folder, f"open-sdg {COMMIT[:12]}"
                self.stdout.write(f"downloaded {len(fetched.files)} files from {fetched.base}")
            else:
                version = f"files {folder.name}"
            titles = load_folder(folder)
            counts = store_sdg_titles(titles, version)
        except (FetchError, SdgTextError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            "official SDG titles stored: "
            + ", ".join(f"{n} {kind}" for kind, n in counts.items())
            + f" in {', '.join(titles.languages)}"
        )
