"""The API tokens page: a signed-in user sees every token they hold (the prefix only: the token itself is
shown once, at creation) and revokes any of them. The API's write access rests on these tokens, so a
leaked one must be stoppable without an administrator."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wsis.apps.accounts.interfaces.forms import TokenForm
from wsis.apps.accounts.models import ApiToken


@login_required
@require_GET
def tokens(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/tokens.html",
        {"tokens": request.user.api_tokens.order_by("revoked", "-created_at"), "token_form": TokenForm()},
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk).first()
    if token is None or not rules.has_perm("registry.see_token", request.user, token):
        raise Http404  # another person's token: its existence is not disclosed
    if not rules.has_perm("registry.revoke_token", request.user, token):
        raise PermissionDenied
    # A revoked token stays listed (with when it was last used) so its owner can tell what it was.
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    messages.success(request, _("Token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("registry:tokens")
