"""`sync_reference` makes the database hold exactly the files' knowledge, idempotently, and never
overwrites a matrix that facilitators edited after the file's version."""

from __future__ import annotations

import datetime as dt

import pytest

from wsis.apps.reference import models as m
from wsis.apps.reference.sync import sync_reference
from wsis.reference.loader import knowledge


@pytest.mark.django_db
def test_sync_is_complete_and_idempotent() -> None:
    k = knowledge()
    first = sync_reference(k)
    second = sync_reference(k)
    assert first == second
    assert m.ActionLine.objects.count() == len(k.action_lines)
    assert m.SdgTarget.objects.count() == 169
    assert m.Economy.objects.count() == len(k.economies)
    assert m.MatrixLink.objects.count() == len(k.matrix.links)
    assert m.Membership.objects.exclude(group__kind="income").count() == len(k.memberships)


@pytest.mark.django_db
def test_sync_keeps_a_matrix_edited_after_the_file_version() -> None:
    k = knowledge()
    sync_reference(k)
    newer = m.MatrixVersion.objects.create(
        version="edited", date=dt.date(2999, 1, 1), summary="facilitator edit in the database"
    )
    link = m.MatrixLink.objects.first()
    link.rationale = "Edited by a facilitator"
    link.version = newer
    link.save()
    sync_reference(k)
    link.refresh_from_db()
    assert link.rationale == "Edited by a facilitator"


@pytest.mark.django_db
def test_sync_failure_leaves_database_unchanged() -> None:
    k = knowledge()
    sync_reference(k)
    before = m.Economy.objects.count(), m.Membership.objects.count()
    broken_membership = k.memberships[0].model_copy(update={"economy": "ZZZ"})
    broken = k.__class__(**{**k.__dict__, "memberships": [*k.memberships, broken_membership]})
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error, engine-specific
        sync_reference(broken)
    assert (m.Economy.objects.count(), m.Membership.objects.count()) == before
