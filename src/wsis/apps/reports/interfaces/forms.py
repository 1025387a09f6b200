"""Forms of the calls and reports pages. They only parse; the rules are in ``domain``."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.apps.reports.enums import LANGUAGES, Audience

LANGUAGE_CHOICES = [(code, code) for code in LANGUAGES]

EXAMPLE = """sections:
  - title: Implementation at the international level
    questions:
      - kind: long_text
        text: Main actions and initiatives of the year
        required: true
      - kind: per_action_line
        text: Results by action line
"""


class CallForm(forms.Form):
    year = forms.IntegerField(label=_("Report year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    paragraph = forms.CharField(label=_("Paragraph of the resolution it answers"), max_length=100)
    audience = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.DateTimeField(label=_("Opens (UTC)"), input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%d"])
    closes_at = forms.DateTimeField(label=_("Closes (UTC)"), input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%d"])
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    questionnaire = forms.CharField(
        label=_("Questionnaire (YAML or JSON)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Question types: long_text, per_action_line, choice, number, initiatives, attachment."),
    )

    def clean_questionnaire(self) -> Any:
        text = self.cleaned_data["questionnaire"]
        try:
            return json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            raise forms.ValidationError(
                _("The questionnaire is not valid YAML or JSON: %(e)s") % {"e": exc}
            ) from exc


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("New closing date (UTC)"), input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%d"]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class InviteForm(forms.Form):
    organizations = forms.CharField(
        label=_("Organizations (one name per line)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExcerptForm(forms.Form):
    contribution = forms.UUIDField(widget=forms.HiddenInput)
    question = forms.IntegerField(widget=forms.HiddenInput)
    section = forms.ChoiceField(
        choices=[("regional", _("Regional level")), ("international", _("International level"))]
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="en")
