"""Pages of accounts and organizations. Every state change is a POST protected by CSRF."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wsis.apps.accounts.domain.organizations import add_member, create_organization, organizations_of
from wsis.apps.accounts.domain.registration import register_user, verify_email
from wsis.apps.accounts.domain.staff import lines_facilitated
from wsis.apps.accounts.domain.tokens import issue_token
from wsis.apps.accounts.interfaces.forms import AddMemberForm, OrganizationForm, RegistrationForm, TokenForm
from wsis.apps.accounts.models import Organization


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        register_user(**form.cleaned_data, base_url=request.build_absolute_uri("/"))
        return render(request, "accounts/check_mail.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/register.html", {"form": form})


def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = verify_email(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can now sign in."))
    return redirect("accounts:login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "organizations": organizations_of(user=request.user),
            "lines": lines_facilitated(user=request.user),
            "tokens": request.user.api_tokens.filter(revoked=False),
            "token_form": TokenForm(),
        },
    )


@login_required
@require_POST
def new_token(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    form.is_valid()
    token = issue_token(user=request.user, label=form.cleaned_data.get("label", ""))
    return render(request, "accounts/token.html", {"token": token})


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = create_organization(creator=request.user, **form.cleaned_data)
        return redirect("accounts:organization", pk=org.pk)
    return render(request, "accounts/organization_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organization, pk=pk)
    can_manage = rules.has_perm("accounts.manage_organization", request.user, org)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            add_member(organization=org, user=form.cleaned_data["username"], role=form.cleaned_data["role"])
            return redirect("accounts:organization", pk=org.pk)
    members = org.members.select_related("user") if can_manage else None
    return render(
        request,
        "accounts/organization.html",
        {"org": org, "members": members, "form": form if can_manage else None},
    )
