"""Federation and embargo tests: the real database of the run, with the reference knowledge synchronised
once (the web tests' session fixture)."""

from __future__ import annotations

from tests.web.conftest import django_db_setup  # noqa: F401 - the session fixture, shared
