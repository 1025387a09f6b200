"""Forms of the accounts pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.accounts.enums import MemberRole
from wsis.apps.accounts.models import Organization


class RegistrationForm(forms.Form):
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$")
    email = forms.EmailField(label=_("E-mail address"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            password_validation.validate_password(data["password"], user)
        return data


def _https_by_default(field, **kwargs):
    """A web address typed without a scheme ("example.org") is taken as https://, Django 6's default, said
    now instead of relying on Django 5's http:// (which warns)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "stakeholder_type", "un_entity", "country", "website", "iati_ref", "submit_imports"]
        formfield_callback = _https_by_default


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("User name"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)

    def clean_username(self):
        try:
            return get_user_model().objects.get(username=self.cleaned_data["username"], is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise forms.ValidationError(_("No active account has this user name.")) from exc


class TokenForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
