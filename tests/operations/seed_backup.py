"""Seed a deployment for the backup tests (``python -m tests.operations.seed_backup`` with its environment):
accounts and organizations, published registry entries edited into several versions, an attachment, an
API token, and a WSIS Prizes cycle with votes in its hash-chained ballot log. Prints JSON on its last line:
{"year": cycle year, "votes": n, "attachments": [stored names]}."""

from __future__ import annotations

import json

from wsis.cli.site import django_ready

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def seed() -> dict:
    from tests.prizes.cast import contest
    from tests.registry.factories import entry_data, user
    from wsis.apps.accounts.domain.tokens import issue_token
    from wsis.apps.prizes.domain.voting import cast_vote
    from wsis.apps.registry.domain.attachments import add_attachment
    from wsis.apps.registry.domain.entries import update_initiative
    from wsis.apps.registry.models import Initiative

    game = contest(year=2026, categories=(1, 2), per_category=3)
    votes = 0
    for n in range(12):
        voter = user(f"voter{n}")
        for category, nominees in game.nominees.items():
            nominee = nominees[n % len(nominees)]
            cast_vote(cycle=game.cycle, user=voter, nominee=nominee, ip=f"10.0.{n}.1", limits=False)
            votes += 1
    stored = []
    for k, item in enumerate(Initiative.objects.filter(is_demo=False).order_by("pk")[:3]):
        update_initiative(
            initiative=item,
            author=item.versions.order_by("pk").first().author,
            data=entry_data(title={"en": f"Edited project {k}"}, contact_name=f"Private Person {k}"),
            note="second version",
        )
        stored.append(add_attachment(initiative=item, name=f"map{k}.png", content=PNG + bytes([k])).stored_as)
    issue_token(user=game.owners[0], label="backup test")
    return {"year": game.cycle.year, "votes": votes, "attachments": stored}


if __name__ == "__main__":
    django_ready()
    print(json.dumps(seed()))
