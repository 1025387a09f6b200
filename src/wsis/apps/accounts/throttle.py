"""The sign-in throttle (django-axes, configured in settings): the page a locked-out visitor sees, and
the same throttle for API tokens, whose wrong guesses count as failed sign-ins of the name "api-token"."""

from __future__ import annotations

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

TOKEN_CREDENTIALS = {"username": "api-token"}


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """429 with the limit and the wait in whole minutes, in the page's language."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": token_refusal(minutes)}, status=429)
    else:
        response = render(request, "accounts/locked.html", context, status=429)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


def token_allowed(request: HttpRequest) -> bool:
    """False while this address is locked out of token use."""
    return AxesProxyHandler.is_allowed(request, TOKEN_CREDENTIALS)


def token_failed(request: HttpRequest) -> None:
    user_login_failed.send(sender=__name__, credentials=TOKEN_CREDENTIALS, request=request)


def token_refusal(minutes: int | None = None) -> str:
    if minutes is None:
        cool_off = get_cool_off()
        minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    return f"too many wrong tokens from your address; try again in {minutes} minutes"
