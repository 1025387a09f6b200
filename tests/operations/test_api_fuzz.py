"""Schemathesis over the OpenAPI description (issue 14, finding 7): every operation of /api/v1/ is called
with generated parameters and bodies - a bounded number per operation, so the run stays short - and any
5xx answer, or an answer its schema does not describe, fails the test. It found a NUL byte in a search
text and negative paging values giving 500s before they were fixed."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.web.conftest import django_db_setup  # noqa: F401 - the session's database preparation
from wsis.site.wsgi import application

#: Examples per operation: a few hundred requests over about 30 operations. The measurement endpoints
#: compute on demand (progress of every economy takes seconds), so they get fewer.
EXAMPLES, MEASURE_EXAMPLES = 8, 2
HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,  # the same requests on every run: a failure is reproducible
    "suppress_health_check": list(HealthCheck),
    "database": None,
}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
MEASURE = r"^/api/v1/measure/"


@pytest.fixture
def api_data(db):
    """A registry world (organizations, staff, entries in every state) for the requests to find."""
    from tests.registry import factories

    return factories.World.build()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI application is called directly, not through Django's test client, which is what keeps
    a request from closing the test's database connection (its transaction) when it ends: do the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def check(case) -> None:
    # Uncompressed answers: the checks read the body as the client receives it without gzip.
    response = case.call(headers={"Accept-Encoding": "identity"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


@pytest.mark.django_db
@schema.exclude(path_regex=MEASURE).parametrize()
@settings(max_examples=EXAMPLES, **HYPOTHESIS)
def test_no_server_error_and_answers_match_the_schema(case, api_data) -> None:
    check(case)


@pytest.mark.django_db
@schema.include(path_regex=MEASURE).parametrize()
@settings(max_examples=MEASURE_EXAMPLES, **HYPOTHESIS)
def test_measurement_endpoints_answer_without_server_errors(case, api_data) -> None:
    check(case)
