"""The annual report cites the year's Forum outcome statements: in its international-level section, one
paragraph per action line with published outcomes, each statement linked at its permanent URL. The
Forum registers :func:`annual_report_paragraphs` in the report's ``INTERNATIONAL_SOURCES`` (see
``apps.py``), so the report machinery does not need to know the Forum."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import npgettext

from wsis.apps.forum.domain.outcomes import for_action_line
from wsis.apps.reference.models import ActionLine, localized_text
from wsis.apps.reports.domain.writing import Draft


def annual_report_paragraphs(year: int, language: str) -> list[Draft]:
    """Paragraphs of the report of ``year`` in ``language`` (the caller has activated it). A line covers
    its sub-lines, so the main lines (C1-C11) are enough and no statement is cited twice."""
    out = []
    for line in ActionLine.objects.filter(parent__isnull=True).order_by("position", "code"):
        found = for_action_line(line.code, year)
        if not found:
            continue
        d = Draft(f"international.forum.{line.code}", "international", language)
        d.say(
            npgettext(
                "report",
                "The WSIS Forum %(year)s published %(n)s outcome statement on action line %(code)s "
                "(%(name)s): %(list)s.",
                "The WSIS Forum %(year)s published %(n)s outcome statements on action line %(code)s "
                "(%(name)s): %(list)s.",
                len(found),
            )
            % {
                "year": year,
                "n": len(found),
                "code": line.code,
                "name": str(localized_text(line.names, language)),
                "list": d.listing([o.session.title for o in found]),
            }
        )
        d.excerpt = {
            "links": [
                {"title": o.session.title, "url": reverse("forum:outcome", args=[o.public_id])} for o in found
            ]
        }
        out.append(d)
    return out
