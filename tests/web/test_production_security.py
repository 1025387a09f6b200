"""Finding 5 of issue 14: production settings from the environment (HSTS, Secure cookies, the HTTPS
redirect, proxy headers), a strict Content-Security-Policy on every response, and a throttle on sign-in
and API tokens (django-axes).

The environment is read when the settings module is imported, so the settings and `check --deploy` are
checked in fresh processes, started with the documented production environment."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from wsis.apps.accounts.domain.tokens import issue_token

PRODUCTION = {
    "WSIS_HTTPS": "1",
    "WSIS_BEHIND_PROXY": "1",
    "WSIS_ALLOWED_HOSTS": "observatory.example.org",
    "WSIS_SECRET_KEY": secrets.token_urlsafe(50),
}
PASSWORD = "correct horse battery staple 7"
WSIS = str(Path(sys.executable).with_name("wsis"))  # the command of this environment, as an operator runs it


def _environment(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WSIS_HTTPS", "WSIS_HSTS", "WSIS_DEBUG"))}
    return {**env, "WSIS_DATA_DIR": str(tmp_path), **extra}


def test_check_deploy_prints_no_warning_in_the_documented_production_environment(tmp_path):
    clean = subprocess.run(
        [WSIS, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=_environment(tmp_path, **PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "System check identified no issues" in clean.stdout
    assert "WARNING" not in clean.stdout + clean.stderr
    # Without the switch, the same check does warn: the test can fail.
    development = subprocess.run(
        [WSIS, "manage", "check", "--deploy"],
        env=_environment(tmp_path, WSIS_SECRET_KEY=PRODUCTION["WSIS_SECRET_KEY"]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in development.stdout + development.stderr


def _settings_in(tmp_path, **env) -> dict:
    names = [
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(tmp_path, DJANGO_SETTINGS_MODULE="wsis.site.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_one_switch_turns_https_on_and_finer_variables_adjust_it(tmp_path):
    assert _settings_in(tmp_path) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert _settings_in(tmp_path, **PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    finer = _settings_in(
        tmp_path, WSIS_HTTPS="1", WSIS_HTTPS_REDIRECT="0", WSIS_HSTS_SECONDS="600", WSIS_HSTS_PRELOAD="0"
    )
    assert finer["SECURE_SSL_REDIRECT"] is False and finer["SECURE_HSTS_SECONDS"] == 600
    assert finer["SECURE_HSTS_PRELOAD"] is False and finer["SESSION_COOKIE_SECURE"] is True


def test_behind_a_proxy_https_requests_get_hsts_and_plain_ones_are_redirected(db, client, settings):
    """The production values (as the switch sets them) on real requests through the middleware."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/en/registry/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/en/registry/"
    secure = client.get("/en/registry/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/healthz").status_code != 301  # a load balancer's plain-HTTP health check


@pytest.mark.parametrize(
    "url", ["/en/registry/", "/en/accounts/login/", "/api/v1/registry/initiatives", "/en/registry/feed.atom"]
)
def test_every_response_carries_a_strict_content_security_policy(db, client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if " " in d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def _directives(policy: str) -> dict[str, str]:
    # The order of directives is django-csp's set order, which differs between processes.
    return dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())


def test_the_prebuilt_policy_is_django_csps_and_follows_the_settings(db, client, settings):
    """The policy built once per process (wsis.site.security_policy) is the one django-csp builds for
    each response, a change of the settings reaches the next response, and a report-only policy is
    written too."""
    from csp.utils import build_policy

    assert _directives(client.get("/en/registry/")["Content-Security-Policy"]) == _directives(build_policy())
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https:"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"script-src": ["'none'"]}}
    answer = client.get("/en/registry/")
    assert _directives(answer["Content-Security-Policy"]) == {"default-src": "'self'", "img-src": "https:"}
    report_only = _directives(answer["Content-Security-Policy-Report-Only"])
    assert report_only == _directives(build_policy(report_only=True))
    assert report_only["script-src"] == "'none'"
    # Settings that exclude URL prefixes go through django-csp's own checks.
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/en/registry/"],
        "DIRECTIVES": {"default-src": ["'self'"]},
    }
    assert "Content-Security-Policy" not in client.get("/en/registry/")
    assert client.get("/en/accounts/login/")["Content-Security-Policy"] == "default-src 'self'"


# -- the throttle -------------------------------------------------------------------------------------


@pytest.fixture
def member(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_user("amina", "amina@example.org", PASSWORD)


def _after_the_cool_off() -> None:
    """As if the cool-off had passed: every recorded attempt moved back by the configured cool-off."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.db.models import F

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - get_cool_off() - get_cool_off() / 10)


def _sign_in(client, password: str):
    return client.post("/en/accounts/login/", {"username": "amina", "password": password})


def test_after_40_wrong_passwords_the_right_one_is_refused_until_the_cool_off_ends(member, client):
    assert django_settings.AXES_FAILURE_LIMIT <= 40
    statuses = [_sign_in(client, f"wrong {n}").status_code for n in range(40)]
    assert statuses[0] == 200  # the form again, with its error
    assert statuses[-1] == 429
    refused = _sign_in(client, PASSWORD)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Too many attempts" in text and "15 minutes" in text
    assert refused["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    # Someone else, from the same address, is not locked out by amina's failures.
    get_user_model().objects.create_user("bongani", "bongani@example.org", PASSWORD)
    other = client.post("/en/accounts/login/", {"username": "bongani", "password": PASSWORD})
    assert other.status_code == 302
    client.logout()
    _after_the_cool_off()
    accepted = _sign_in(client, PASSWORD)
    assert accepted.status_code == 302 and client.session["_auth_user_id"] == str(member.pk)


def test_wrong_api_tokens_are_throttled_too(member, client):
    token = issue_token(user=member)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/registry/initiatives/1", headers=auth).status_code == 404  # token accepted
    limit = django_settings.AXES_FAILURE_LIMIT
    codes = [
        client.get(
            "/api/v1/registry/initiatives/1", headers={"Authorization": f"Bearer guess{n}"}
        ).status_code
        for n in range(limit + 2)
    ]
    assert codes[0] == 401 and codes[-1] == 429
    refused = client.get("/api/v1/registry/initiatives/1", headers=auth)
    assert refused.status_code == 429 and "too many wrong tokens" in refused.json()["detail"]
    _after_the_cool_off()
    assert client.get("/api/v1/registry/initiatives/1", headers=auth).status_code == 404
