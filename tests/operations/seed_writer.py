"""Seed a deployment for the concurrent-writers test (``python -m tests.operations.seed_writer`` with the
deployment's environment): an account, its organization and an API token. Prints JSON
{"token": ..., "organization": id} on its last line."""

from __future__ import annotations

import json

from wsis.cli.site import django_ready


def seed() -> dict:
    from tests.registry.factories import user
    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.accounts.domain.tokens import issue_token

    owner = user("writer")
    org = create_organization(creator=owner, name="Writers Ltd", stakeholder_type="private")
    return {"token": issue_token(user=owner, label="writers"), "organization": org.pk}


if __name__ == "__main__":
    django_ready()
    print(json.dumps(seed()))
