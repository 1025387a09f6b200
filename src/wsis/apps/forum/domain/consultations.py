"""Open multi-stakeholder consultations (para 90): a text in numbered paragraphs, comments tied to a
paragraph in any of the six languages until the close, moderation logged with its reason, and a summary
per paragraph.

The summary is published automatically at the close time: from ``closes_at`` on, the summary page shows
it, computed from the comments that are not hidden. Nobody has to press a button, and a comment hidden
after the close (abuse found late) leaves the summary at once - the moderation log keeps why."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wsis.apps.accounts.models import Organization
from wsis.apps.forum.domain import ForumError
from wsis.apps.forum.enums import LANGUAGES
from wsis.apps.forum.models import Comment, Consultation, ModerationEntry, Paragraph

MAX_COMMENT = 5000


def create_consultation(
    *,
    title: str,
    paragraphs: list[str],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    by,
    introduction: str = "",
    edition=None,
    languages: list[str] | None = None,
) -> Consultation:
    """Open a consultation on a text; ``languages`` limits the comments' languages (None or empty: the
    six)."""
    languages = list(languages or [])
    problems = []
    if wrong := [code for code in languages if code not in LANGUAGES]:
        problems.append(f"languages: {', '.join(wrong)} not among {', '.join(LANGUAGES)}")
    if not title.strip():
        problems.append("title: empty")
    texts = [p.strip() for p in paragraphs]
    if not texts:
        problems.append("text: no paragraph")
    problems += [f"paragraph {n}: empty" for n, text in enumerate(texts, 1) if not text]
    if closes_at <= opens_at:
        problems.append("dates: the consultation closes before it opens")
    if problems:
        raise ForumError("; ".join(problems))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=title.strip(),
            introduction=introduction.strip(),
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=by,
            edition=edition,
            languages=[code for code in LANGUAGES if code in languages],
        )
        Paragraph.objects.bulk_create(
            Paragraph(consultation=consultation, number=n, text=text) for n, text in enumerate(texts, 1)
        )
    return consultation


def is_open(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return consultation.opens_at <= now < consultation.closes_at


def is_closed(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= consultation.closes_at


def post_comment(
    *,
    consultation: Consultation,
    paragraph: int,
    text: str,
    language: str,
    by,
    organization: Organization | None = None,
) -> Comment:
    if not is_open(consultation):
        if is_closed(consultation):
            raise ForumError(
                f"{consultation}: closed on {consultation.closes_at:%Y-%m-%d %H:%M} UTC; no more comments"
            )
        raise ForumError(f"{consultation}: opens on {consultation.opens_at:%Y-%m-%d %H:%M} UTC")
    target = consultation.paragraphs.filter(number=paragraph).first()
    problems = []
    if target is None:
        problems.append(f"paragraph: no paragraph {paragraph} in this text")
    accepted = consultation.languages or LANGUAGES
    if language not in accepted:
        problems.append(f"language: {language!r} not among {', '.join(accepted)}")
    if not text.strip():
        problems.append("comment: empty")
    elif len(text) > MAX_COMMENT:
        problems.append(f"comment: {len(text)} characters, at most {MAX_COMMENT}")
    if organization is not None and not organization.members.filter(user=by).exists():
        problems.append(f"organization: you are not a member of {organization}")
    if problems:
        raise ForumError("; ".join(problems))
    return Comment.objects.create(
        paragraph=target,
        author=by,
        organization=organization,
        stakeholder_type=organization.stakeholder_type if organization else "",
        language=language,
        text=text.strip(),
    )


def close(*, consultation: Consultation, now: dt.datetime | None = None) -> Consultation:
    """Close an open consultation now, before its planned close: comments stop and the summary is
    published at once (the summary follows ``closes_at``, as at a planned close)."""
    now = now or timezone.now()
    if is_closed(consultation, now):
        raise ForumError(f"{consultation}: closed already on {consultation.closes_at:%Y-%m-%d %H:%M} UTC")
    if not is_open(consultation, now):
        raise ForumError(f"{consultation}: not open yet; change its dates instead")
    consultation.closes_at = now
    consultation.save(update_fields=["closes_at"])
    return consultation


def moderate(*, comment: Comment, hide: bool, reason: str, by) -> Comment:
    """Hide (or restore) a comment, with the reason in the moderation log."""
    if not reason.strip():
        raise ForumError(f"comment {comment.pk}: moderation needs its reason")
    if comment.hidden == hide:
        raise ForumError(f"comment {comment.pk}: already {'hidden' if hide else 'shown'}")
    with transaction.atomic():
        comment.hidden = hide
        comment.save(update_fields=["hidden"])
        ModerationEntry.objects.create(
            comment=comment, action="hide" if hide else "restore", reason=reason.strip(), actor=by
        )
    return comment


def visible(consultation: Consultation):
    return Comment.objects.filter(paragraph__consultation=consultation, hidden=False).select_related(
        "paragraph", "organization"
    )


@dataclass(frozen=True)
class ParagraphSummary:
    paragraph: Paragraph
    comments: int
    by_language: list[tuple[str, int]]
    by_stakeholder: list[tuple[str, int]]  # stakeholder type code ("" not stated)


def summary(consultation: Consultation) -> list[ParagraphSummary]:
    """Per paragraph, the count of visible comments, by language and by stakeholder type."""
    comments = list(visible(consultation))
    out = []
    for paragraph in consultation.paragraphs.all():
        mine = [c for c in comments if c.paragraph_id == paragraph.pk]
        languages = Counter(c.language for c in mine)
        out.append(
            ParagraphSummary(
                paragraph=paragraph,
                comments=len(mine),
                by_language=[(code, languages[code]) for code in LANGUAGES if languages[code]],
                by_stakeholder=sorted(
                    Counter(c.stakeholder_type for c in mine).items(), key=lambda kv: (-kv[1], kv[0])
                ),
            )
        )
    return out
