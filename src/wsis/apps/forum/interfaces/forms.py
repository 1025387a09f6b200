"""Forms of the Forum pages. They only parse; the rules are in ``domain`` (which names what is wrong)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.apps.accounts.models import Organization
from wsis.apps.forum.domain import ForumError
from wsis.apps.forum.domain.sessions import SessionData, SpeakerData
from wsis.apps.forum.enums import LANGUAGE_NAMES, LANGUAGES, SessionType
from wsis.apps.reference.models import ActionLine

LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


def _lines():
    return [(line.code, f"{line.code} {line.name}") for line in ActionLine.objects.all()]


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(label=_("Type"), choices=SessionType.choices)
    action_lines = forms.MultipleChoiceField(
        label=_("Action lines"), choices=_lines, widget=forms.CheckboxSelectMultiple
    )
    sdg_targets = forms.CharField(label=_("SDG targets (codes, separated by commas)"), required=False)
    organizers = forms.CharField(
        label=_("Other organizers (names of registered organizations, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    day = forms.DateField(label=_("Date (YYYY-MM-DD)"))
    start = forms.TimeField(label=_("Start (Geneva time, HH:MM)"))
    end = forms.TimeField(label=_("End (Geneva time, HH:MM)"))
    room = forms.CharField(label=_("Room"), max_length=100)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    speakers = forms.CharField(
        label=_("Speakers, one a line: name | organization | stakeholder type | country | gender"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def session_data(self, time_zone: str) -> SessionData:
        data = self.cleaned_data
        zone = ZoneInfo(time_zone)
        names = [n.strip() for n in data["organizers"].splitlines() if n.strip()]
        found = {o.name: o.pk for o in Organization.objects.filter(name__in=names)}
        if missing := [n for n in names if n not in found]:
            raise ForumError(f"organizers: no organization named {', '.join(missing)}")
        speakers = []
        for number, line in enumerate((x for x in data["speakers"].splitlines() if x.strip()), 1):
            parts = [p.strip() for p in line.split("|")]
            if not 3 <= len(parts) <= 5:
                raise ForumError(
                    f"speaker {number}: write name | organization | stakeholder type | country | gender"
                )
            parts += [""] * (5 - len(parts))
            speakers.append(SpeakerData(parts[0], parts[1], parts[2], parts[3].upper(), parts[4]))
        return SessionData(
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            action_lines=data["action_lines"],
            sdg_targets=[c.strip() for c in data["sdg_targets"].split(",") if c.strip()],
            organizers=[found[n] for n in names],
            starts_at=dt.datetime.combine(data["day"], data["start"], zone),
            ends_at=dt.datetime.combine(data["day"], data["end"], zone),
            room=data["room"],
            languages=data["languages"],
            speakers=speakers,
        )

    @classmethod
    def initial_of(cls, session) -> dict:
        zone = ZoneInfo(session.edition.time_zone)
        start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        return {
            "title": session.title,
            "description": session.description,
            "kind": session.kind,
            "action_lines": [line.code for line in session.action_lines.all()],
            "sdg_targets": ", ".join(t.code for t in session.sdg_targets.all()),
            "organizers": "\n".join(
                o.name for o in session.organizers.all() if o.pk != session.organization_id
            ),
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "room": session.room,
            "languages": session.languages,
            "speakers": "\n".join(
                " | ".join([s.name, s.organization_name, s.stakeholder_type, s.country_id or "", s.gender])
                for s in session.speakers.all()
            ),
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(forms.Form):
    text = forms.CharField(label=_("Outcome statement"), widget=forms.Textarea(attrs={"rows": 8}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)


class CommentForm(forms.Form):
    paragraph = forms.IntegerField(label=_("Paragraph"), min_value=1)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}))
    organization = forms.IntegerField(required=False)


class ModerateForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", "hide"), ("restore", "restore")])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
