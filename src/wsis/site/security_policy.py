"""django-csp's middleware, with the site-wide Content-Security-Policy built once per process.

django-csp builds the header again for every response, from the settings: copying the policy dictionary
into dataclasses, turning those into dictionaries and joining the directives, twice (the policy and the
report-only policy). That was a sixth of the time Django spends serving a cached API read or page
(bench/site), for a header that is the same on every response that did not ask for its own policy.

Responses that did ask - a view decorated with ``csp_update``, ``csp_replace``, ``csp_exempt`` (the
embeddable charts, for one), a template that used ``request.csp_nonce`` - and settings that exclude URL
prefixes go through django-csp's own code unchanged. A change of the settings (tests override them)
throws the built headers away.
"""

from __future__ import annotations

import functools
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

#: What a view or template may set on its response or request to get a policy of its own.
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")


@functools.lru_cache(maxsize=1)
def site_policies() -> tuple[str, str] | None:
    """The policy and report-only policy headers from the settings ("" for none), or None when the
    settings exclude URL prefixes (then every response goes through django-csp's own checks)."""
    for name in _SETTINGS:
        if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS or setting == "DEBUG":
        site_policies.cache_clear()


class PrebuiltCSPMiddleware(CSPMiddleware):
    """Settings' ``MIDDLEWARE`` entry in place of ``csp.middleware.CSPMiddleware``."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        policies = site_policies()
        if (
            policies is None
            # The debug pages of a 404 or 500 are left without a policy: django-csp decides.
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        policy, report_only = policies
        if policy and HEADER not in response:
            response[HEADER] = policy
        if report_only and HEADER_REPORT_ONLY not in response:
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after the header was written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
