"""The initiative form: per-language text fields, and compact one-per-line fields for lists (SDG targets
with evidence, partners, links, results) so that the page works without JavaScript."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wsis.apps.reference.models import ActionLine, Economy, Group
from wsis.apps.registry.enums import (
    TEXT_LANGUAGES,
    ActivityStatus,
    Beneficiary,
    FocusArea,
    Kind,
    PartnerRole,
    PledgeType,
    Scope,
)

LANGUAGE_NAMES = {code.split("-")[0]: name for code, name in settings.LANGUAGES}


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


class InitiativeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    original_language = forms.ChoiceField(
        label=_("Original language"), choices=[(c, LANGUAGE_NAMES[c]) for c in TEXT_LANGUAGES], initial="en"
    )
    action_lines = forms.MultipleChoiceField(label=_("Action lines"), widget=forms.CheckboxSelectMultiple)
    targets = forms.CharField(
        label=_("SDG targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: target code, colon, short evidence. Example: 9.c: 40 villages connected"),
    )
    countries = forms.MultipleChoiceField(label=_("Countries"), required=False)
    groups = forms.MultipleChoiceField(label=_("Regions and groups"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    activity_status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget_value = forms.DecimalField(label=_("Budget"), required=False, min_value=0)
    budget_currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD", required=False)
    partners = forms.CharField(
        label=_("Partners"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line: role (1 funding, 2 accountable, 3 extending, 4 implementing), colon, name."
        ),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address per line."),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: indicator | year | baseline | target | actual"),
    )
    contact_name = forms.CharField(label=_("Contact name"), required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_public = forms.BooleanField(label=_("Show the contact publicly"), required=False)
    focus_area = forms.ChoiceField(
        label=_("Focus area (pledges)"), required=False, choices=[("", "-")] + FocusArea.choices
    )
    pillar = forms.CharField(
        label=_("Pillar (pledges)"),
        required=False,
        max_length=100,
        help_text=_(
            "The pillar of the focus area in the Partner2Connect Action Framework, e.g. Affordability."
        ),
    )
    pledge_type = forms.ChoiceField(
        label=_("Pledge type (pledges)"), required=False, choices=[("", "-")] + PledgeType.choices
    )
    pledge_value_usd = forms.DecimalField(
        label=_("Pledged value in USD (pledges)"), required=False, min_value=0
    )
    beneficiaries = forms.MultipleChoiceField(
        label=_("Beneficiary groups (pledges)"),
        required=False,
        choices=Beneficiary.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    pledge_targets = forms.CharField(
        label=_("Pledge targets (pledges)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line: description | value | unit | year. "
            "Example: Schools connected | 500 | schools | 2027"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_lines"].choices = [(line.code, str(line)) for line in ActionLine.objects.all()]
        self.fields["countries"].choices = [(e.iso3, e.name) for e in Economy.objects.all()]
        self.fields["groups"].choices = [(g.code, f"{g.code} {g.name}") for g in Group.objects.all()]
        for lang in TEXT_LANGUAGES:
            name = LANGUAGE_NAMES[lang]
            attrs = {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}
            self.fields[f"title_{lang}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"summary_{lang}"] = forms.CharField(
                label=_("Summary (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 2}),
            )
            self.fields[f"description_{lang}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 4}),
            )

    def clean_targets(self) -> list[dict]:
        out = []
        for n, line in _lines(self.cleaned_data["targets"]):
            code, _sep, evidence = line.partition(":")
            if not code.strip():
                raise forms.ValidationError(_("Line %(n)s: a target code is missing.") % {"n": n})
            out.append({"code": code.strip(), "evidence": evidence.strip()})
        return out

    def clean_partners(self) -> list[dict]:
        out = []
        for n, line in _lines(self.cleaned_data["partners"]):
            role, _sep, name = line.partition(":")
            if role.strip() not in PartnerRole.values or not name.strip():
                raise forms.ValidationError(_("Line %(n)s: write role number, colon, name.") % {"n": n})
            out.append({"role": role.strip(), "name": name.strip()})
        return out

    def clean_links(self) -> list[dict]:
        field = forms.URLField()
        return [{"url": field.clean(line), "title": ""} for _n, line in _lines(self.cleaned_data["links"])]

    def clean_results(self) -> list[dict]:
        out = []
        for n, line in _lines(self.cleaned_data["results"]):
            parts = [p.strip() for p in line.split("|")]
            try:
                indicator, year, *values = parts + [""] * (5 - len(parts))
                numbers = [None if v == "" else Decimal(v) for v in values[:3]]
                out.append(
                    {
                        "indicator": indicator,
                        "year": int(year),
                        "baseline": numbers[0],
                        "target": numbers[1],
                        "actual": numbers[2],
                    }
                )
            except (ValueError, InvalidOperation) as exc:
                raise forms.ValidationError(
                    _("Line %(n)s: write indicator | year | baseline | target | actual.") % {"n": n}
                ) from exc
        return out

    def clean_pledge_targets(self) -> list[dict]:
        out = []
        for n, line in _lines(self.cleaned_data["pledge_targets"]):
            description, value, unit, year = ([p.strip() for p in line.split("|")] + ["", "", ""])[:4]
            try:
                number = Decimal(value) if value else None
                when = int(year) if year else None
            except (ValueError, InvalidOperation) as exc:
                raise forms.ValidationError(
                    _("Line %(n)s: write description | value | unit | year.") % {"n": n}
                ) from exc
            if not description:
                raise forms.ValidationError(_("Line %(n)s: a description is missing.") % {"n": n})
            out.append({"description": description, "value": number, "unit": unit, "year": when})
        return out

    def to_data(self) -> dict:
        """The cleaned form as the domain's entry data."""
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if "_" not in k or k.rsplit("_", 1)[1] not in TEXT_LANGUAGES
        }
        for name in ("title", "summary", "description"):
            data[name] = {lang: self.cleaned_data.get(f"{name}_{lang}", "") for lang in TEXT_LANGUAGES}
        data["budget_currency"] = (data.get("budget_currency") or "USD").upper()
        return data

    @classmethod
    def initial_from(cls, snapshot: dict) -> dict:
        initial = {k: v for k, v in snapshot.items() if not isinstance(v, dict | list)}
        for name in ("title", "summary", "description"):
            for lang, text in snapshot[name].items():
                initial[f"{name}_{lang}"] = text
        initial["action_lines"] = snapshot["action_lines"]
        initial["countries"] = snapshot["countries"]
        initial["groups"] = snapshot["groups"]
        initial["beneficiaries"] = snapshot.get("beneficiaries", [])
        initial["pledge_targets"] = "\n".join(
            " | ".join(
                "" if t.get(k) is None else str(t[k]) for k in ("description", "value", "unit", "year")
            )
            for t in snapshot.get("pledge_targets", [])
        )
        initial["targets"] = "\n".join(f"{t['code']}: {t['evidence']}" for t in snapshot["targets"])
        initial["partners"] = "\n".join(f"{p['role']}: {p['name']}" for p in snapshot["partners"])
        initial["links"] = "\n".join(link["url"] for link in snapshot["links"])
        initial["results"] = "\n".join(
            " | ".join(
                "" if r[k] is None else str(r[k])
                for k in ("indicator", "year", "baseline", "target", "actual")
            )
            for r in snapshot["results"]
        )
        return initial


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("publish", _("Publish")),
            ("request_changes", _("Request changes")),
            ("reject", _("Reject")),
            ("start_review", _("Start review")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Same initiative as (number)"))
    reason = forms.CharField(label=_("Reason"), required=False)


class ProgressForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("IATI XML, CSV or XLSX file"))
