"""Registration with e-mail verification: an account stays inactive until its owner follows the link."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _


def register_user(*, username: str, email: str, password: str, base_url: str):
    """Create an inactive account and send the verification link to ``email``."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, email=email, password=password)
        user.is_active = False
        user.save(update_fields=["is_active"])
    send_verification(user=user, base_url=base_url)
    return user


def verification_link(*, user, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:verify", args=[uid, token])


def send_verification(*, user, base_url: str) -> None:
    link = verification_link(user=user, base_url=base_url)
    send_mail(
        subject=_("Confirm your e-mail address for the WSIS Observatory"),
        message=_("Open this link to confirm your address and activate your account:\n\n%(link)s\n")
        % {"link": link},
        from_email=None,
        recipient_list=[user.email],
    )


def verify_email(*, uidb64: str, token: str):
    """The activated user, or None when the link is invalid, expired or already used."""
    user_model = get_user_model()
    try:
        user = user_model.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, user_model.DoesNotExist):
        return None
    # The token hashes the password and last login: after activation and a first login it no longer works.
    if user.is_active or not default_token_generator.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
