"""Schemathesis over the workspaces' operations, signed in: the site-wide fuzz test (tests/operations)
sends no token, so the write API only ever answers it 401. Here every request carries an admin's token
(allowed everything) and names the C2 workspace and its real issue, meeting and action, so generated
bodies reach the validation and the domain functions: any 5xx, or an answer (status or body) the OpenAPI
description does not describe, fails."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from tests.operations.test_api_fuzz import keep_the_test_connection  # noqa: F401 - same WSGI calls
from wsis.site.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def world(cast, settings, tmp_path):
    """The permission matrix's objects, and an admin's token."""
    from tests.workspaces.test_permissions import _objects
    from wsis.apps.accounts.domain.tokens import issue_token

    ids = _objects(cast, settings, tmp_path)
    return ids, issue_token(user=cast.admin)


def _real_ids(case, ids: dict) -> None:
    """The C2 workspace and objects that exist, so that most requests get past the 404s."""
    params = case.path_parameters or {}
    if "code" in params:
        params["code"] = "C2"
    if "pk" in params:
        kind = next((k for k in ("actions", "meetings") if f"/{k}/" in case.operation.path), "issues")
        params["pk"] = {"actions": ids["follow_up"], "meetings": ids["draft"], "issues": ids["open_issue"]}[
            kind
        ]


@pytest.mark.django_db
@schema.include(path_regex=r"^/api/v1/workspaces/").parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_signed_in_requests_never_fail_and_match_the_schema(case, world) -> None:
    ids, token = world
    _real_ids(case, ids)
    response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
    case.validate_response(
        response, checks=[not_a_server_error, response_schema_conformance, status_code_conformance]
    )


def test_every_workspace_schema_keeps_its_own_name_in_the_openapi_description() -> None:
    """django-ninja names a component after its class: another app's class of the same name would
    silently replace ours (a registry ``DecisionOut`` once described the workspaces' decisions)."""
    from ninja import Schema

    from wsis.apps.workspaces import api as workspaces_api
    from wsis.site.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    ours = [
        value
        for value in vars(workspaces_api).values()
        if isinstance(value, type)
        and issubclass(value, Schema)
        and value.__module__ == workspaces_api.__name__
    ]
    assert len(ours) > 15
    for schema_class in ours:
        described = components.get(schema_class.__name__)
        if described is None:
            continue  # a schema only used inside another one may be inlined
        assert set(described["properties"]) == set(schema_class.model_fields), schema_class.__name__
