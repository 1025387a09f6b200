"""The UN's official texts a set-up with real data loads beside the figures: the titles of the SDGs,
targets and indicators in the six languages (``wsis manage sdg_texts``) and the official short names of
economies (``wsis manage un_names``).

``wsis setup --real-data`` downloads them from their publishers; ``--from DIR`` reads them from a folder
laid out as the shared data folder (``DIR/sdg-texts/``, ``DIR/classifications/country-codes.csv``).
Neither is needed for the site to work (pages fall back to our short English titles, marked as English,
and to CLDR's names), so a text that cannot be loaded is reported with the command that loads it later,
and the set-up goes on; a bad file changes nothing.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import CommandError, call_command

#: Each text: the command that loads it and where a local copy sits in a --from folder.
TEXTS: dict[str, tuple[str, str, str]] = {
    "official SDG titles": ("sdg_texts", "--from", "sdg-texts"),
    "UN official names of economies": ("un_names", "--from", "classifications/country-codes.csv"),
}


def load_official_texts(source: Path | None = None) -> list[str]:
    """Load each text (downloaded, or from ``source``); one line per text saying what happened."""
    lines = []
    for label, (command, option, local) in TEXTS.items():
        arguments = [] if source is None else [option, str(source / local)]
        if source is not None and not (source / local).exists():
            lines.append(
                f"{label}: not loaded, {source / local} does not exist "
                f"(later: wsis manage {command} --from PATH)"
            )
            continue
        out = io.StringIO()
        try:
            call_command(command, *arguments, stdout=out)
        except CommandError as exc:
            where = "offline or the publisher out of reach? " if source is None else ""
            lines.append(
                f"{label}: not loaded ({exc}); {where}load them later with `wsis manage {command}` "
                f"(or `wsis manage {command} --from PATH` from a local copy); pages fall back meanwhile"
            )
            continue
        lines.append(out.getvalue().strip())
    return lines
