"""Seed a separate database for the concurrency test (run as ``python -m tests.prizes.load_seed N`` with the
server's environment): a 2026 cycle in its voting phase, nominees in all 18 categories, N verified
accounts with API tokens. Prints JSON {"tokens": [...], "nominees": {category: [ids]}} on stdout."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sys

from wsis.cli.site import django_ready


def seed(accounts: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.prizes.cast import in_phase, initiative, summary
    from tests.registry.factories import user
    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.accounts.models import ApiToken
    from wsis.apps.prizes.domain.phases import create_cycle
    from wsis.apps.prizes.domain.submissions import categories
    from wsis.apps.prizes.models import Nominee, Submission

    # The load comes from one address (127.0.0.1), so the address and network limits are lifted here; the
    # per-account limit stays on and the load stays under it.
    cycle = create_cycle(year=2026, pow_bits=8, rate_account=1000, rate_ip=10**9, rate_network=10**9)
    owner = user("load-owner")
    nominees: dict[int, list[int]] = {}
    for line in categories():
        ids = []
        for k in range(3):
            org = create_organization(
                creator=owner, name=f"Load org {line.prize_category}-{k}", stakeholder_type="private"
            )
            item = initiative(org, owner, line.code, title={"en": f"Load project {line.prize_category}-{k}"})
            entry = Submission.objects.create(
                cycle=cycle,
                category=line,
                initiative=item,
                organization=org,
                summary={"en": summary()},
                sdg_link="-",
                impact_qualitative="-",
                impact_quantitative="-",
                submitted_by=owner,
            )
            ids.append(
                Nominee.objects.create(
                    cycle=cycle, category=line.prize_category, submission=entry, score=0.8, rank=k + 1
                ).pk
            )
        nominees[line.prize_category] = ids
    in_phase(cycle, "voting")
    joined = timezone.now() - dt.timedelta(days=30)
    model = get_user_model()
    model.objects.bulk_create(
        [
            model(
                username=f"load{i}",
                email=f"load{i}@example.org",
                password="!",
                is_active=True,
                date_joined=joined,
            )
            for i in range(accounts)
        ]
    )
    tokens = []
    rows = []
    for voter in (
        model.objects.filter(username__startswith="load").exclude(username="load-owner").order_by("pk")
    ):
        token = secrets.token_urlsafe(24)
        tokens.append(token)
        rows.append(ApiToken(user=voter, digest=hashlib.sha256(token.encode()).hexdigest(), prefix=token[:8]))
    ApiToken.objects.bulk_create(rows)
    return {"tokens": tokens, "nominees": nominees}


if __name__ == "__main__":
    django_ready()
    print(json.dumps(seed(int(sys.argv[1]))))
