"""The audit log (issue 14): every staff and moderator action - reviews, merges, role changes, prize
phases, publications, admin changes - with who, when and what; administrators read it (never change
it) in the admin and export it as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from tests.registry import factories
from tests.registry.factories import entry
from tests.web.conftest import django_db_setup  # noqa: F401 - the session's database preparation
from wsis.apps.accounts.domain.staff import make_facilitator
from wsis.apps.accounts.models import StaffAssignment
from wsis.apps.operations.domain.audit import acting, record
from wsis.apps.operations.models import AuditEntry
from wsis.apps.prizes.domain.phases import create_cycle, open_phase
from wsis.apps.registry.domain.workflow import merge, transition


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return factories.World.build()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reviews_merges_roles_and_phases_are_logged_with_who_and_what(world) -> None:
    before = AuditEntry.objects.count()
    transition(initiative=world.submitted, action="reject", actor=world.facilitator, reason="=HYPERLINK(x)")
    duplicate = entry(world.org, world.owner, "published", title={"en": "Published entry on libraries"})
    merge(duplicate=duplicate, into=world.published, actor=world.moderator, reason="same project")
    with acting(world.admin):
        make_facilitator(user=world.outsider, line_code="C7")
    StaffAssignment.objects.filter(user=world.outsider).delete()
    cycle = create_cycle(year=2031)
    open_phase(cycle=cycle, phase="submission", reason="early start", actor=world.moderator)

    entries = list(AuditEntry.objects.order_by("id"))[before:]
    got = [(e.actor_name, e.action) for e in entries]
    assert ("fac_c2", "registry.reject") in got
    assert ("moderator", "registry.merge") in got
    assert ("admin", "accounts.role_granted") in got
    assert ("command line", "accounts.role_revoked") in got
    assert ("moderator", "prizes.phase") in got
    # Owners submitting their own entries are not staff actions.
    assert not any(action == "registry.submit" for _, action in got)
    rejected = next(e for e in entries if e.action == "registry.reject")
    assert rejected.actor == world.facilitator and rejected.at is not None
    assert rejected.target_type == "registry.initiative" and rejected.target_id == str(world.submitted.pk)
    assert world.submitted.ref in rejected.summary and "=HYPERLINK(x)" in rejected.summary
    merged = next(e for e in entries if e.action == "registry.merge")
    assert merged.details["same_as"] == world.published.ref
    granted = next(e for e in entries if e.action == "accounts.role_granted")
    assert granted.summary == "member made facilitator of C7"


def test_the_signed_in_user_is_the_actor_of_admin_and_request_actions(world) -> None:
    admin = signed_in(world.admin)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = admin.post(
        "/en/admin/accounts/staffassignment/add/",
        {"user": world.outsider.pk, "role": "moderator", "line": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    logged = AuditEntry.objects.filter(id__gt=last).order_by("id")
    assert [(e.actor_name, e.action) for e in logged] == [
        ("admin", "accounts.role_granted"),
        ("admin", "admin.added"),
    ]


def test_administrators_read_and_export_the_log_and_nobody_changes_it(world) -> None:
    transition(
        initiative=world.submitted, action="reject", actor=world.facilitator, reason="=cmd|' /C calc'!A0"
    )
    entry_pk = AuditEntry.objects.get(action="registry.reject").pk
    admin = signed_in(world.admin)
    page = admin.get("/en/admin/operations/auditentry/")
    assert page.status_code == 200
    assert "registry.reject" in page.content.decode() and "Export as CSV" in page.content.decode()
    assert admin.get("/en/admin/operations/auditentry/add/").status_code == 403
    detail = admin.get(f"/en/admin/operations/auditentry/{entry_pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin.post(f"/en/admin/operations/auditentry/{entry_pk}/delete/").status_code == 403

    exported = admin.get("/en/admin/operations/auditentry/export.csv?action=registry.reject")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == ["when", "who", "action", "object type", "object id", "what", "details"]
    assert len(rows) == 2, rows
    when, who, action, kind, pk, what, details = rows[1]
    assert (who, action, kind, pk) == (
        "fac_c2",
        "registry.reject",
        "registry.initiative",
        str(world.submitted.pk),
    )
    assert when.startswith("20") and world.submitted.ref in what
    assert '"reason": "=cmd' in details and details.startswith("{")  # JSON text, starts with "{"
    # A cell a spreadsheet would run as a formula is exported as text.
    record("registry.reject", None, "-2+3", actor="@SUM(A1)")
    exported = admin.get("/en/admin/operations/auditentry/export.csv?q=-2%2B3")
    assert list(csv.reader(io.StringIO(exported.content.decode())))[1][1::4] == ["'@SUM(A1)", "'-2+3"]

    # Staff who are not administrators see nothing of it.
    world.moderator.is_staff = True
    world.moderator.save()
    moderator = signed_in(world.moderator)
    assert moderator.get("/en/admin/operations/auditentry/").status_code == 403
    assert moderator.get("/en/admin/operations/auditentry/export.csv").status_code == 403


def test_a_refresh_is_logged_with_what_asked_for_it(db) -> None:
    from wsis.apps.publishing.domain.refresh import refresh

    # Earlier tests may have committed publications (and their entries) whose ids this one reuses.
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    publication = refresh(trigger="wsis refresh (test)")
    logged = AuditEntry.objects.get(
        action="publishing.publication", target_id=str(publication.pk), pk__gt=before
    )
    assert logged.actor_name == "command line"
    assert "asked by wsis refresh (test)" in logged.summary and logged.details["state"] == "current"
