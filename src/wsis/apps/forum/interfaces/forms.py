"""Forms of the Forum pages. They only parse; the rules are in ``domain`` (which names what is wrong)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from wsis.apps.accounts.models import Organization
from wsis.apps.forum.domain import ForumError
from wsis.apps.forum.domain.editions import EditionData
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


class EditionForm(forms.Form):
    """An edition as the organizers set it up. Dates of the submission window are Geneva days: the
    window opens at 00:00 of its first day and closes at 24:00 of its last."""

    year = forms.IntegerField(label=_("Year"))
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("First day (YYYY-MM-DD)"))
    ends_on = forms.DateField(label=_("Last day (YYYY-MM-DD)"))
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    rooms = forms.CharField(
        label=_("Rooms, one a line (empty: any room)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    submissions_open = forms.BooleanField(label=_("Submissions open"), required=False, initial=True)
    submissions_from = forms.DateField(label=_("Submissions open on (YYYY-MM-DD)"), required=False)
    submissions_until = forms.DateField(label=_("Last day of submissions (YYYY-MM-DD)"), required=False)

    def edition_data(self, time_zone: str) -> EditionData:
        data = self.cleaned_data
        zone = ZoneInfo(time_zone)
        opening, last = data["submissions_from"], data["submissions_until"]
        return EditionData(
            year=data["year"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            venue=data["venue"],
            rooms=[r.strip() for r in data["rooms"].splitlines() if r.strip()],
            submissions_open=data["submissions_open"],
            submissions_from=dt.datetime.combine(opening, dt.time(), zone) if opening else None,
            submissions_until=(
                dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone) if last else None
            ),
        )

    @classmethod
    def initial_of(cls, edition) -> dict:
        zone = ZoneInfo(edition.time_zone)
        until = edition.submissions_until
        return {
            "year": edition.year,
            "title": edition.title,
            "starts_on": edition.starts_on,
            "ends_on": edition.ends_on,
            "venue": edition.venue,
            "rooms": "\n".join(edition.rooms),
            "submissions_open": edition.submissions_open,
            "submissions_from": edition.submissions_from.astimezone(zone).date()
            if edition.submissions_from
            else None,
            "submissions_until": (until.astimezone(zone) - dt.timedelta(days=1)).date() if until else None,
        }


class ConsultationForm(forms.Form):
    """A consultation on a text: paragraphs are separated by an empty line and numbered in order."""

    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = forms.CharField(
        label=_("Text (paragraphs separated by an empty line; they are numbered in order)"),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the comments"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    opens_on = forms.DateField(label=_("Opens on (YYYY-MM-DD, Geneva time)"))
    closes_on = forms.DateField(label=_("Last day (YYYY-MM-DD, Geneva time)"))

    def paragraphs(self) -> list[str]:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]

    def window(self, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
        zone = ZoneInfo(time_zone)
        opens = dt.datetime.combine(self.cleaned_data["opens_on"], dt.time(), zone)
        closes = dt.datetime.combine(self.cleaned_data["closes_on"] + dt.timedelta(days=1), dt.time(), zone)
        return opens, closes
