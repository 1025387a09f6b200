"""The searchable text of an initiative, rebuilt whenever it changes."""

from __future__ import annotations

from wsis.apps.registry.enums import TEXT_LANGUAGES
from wsis.apps.registry.models import Initiative, SearchDocument


def index_initiative(*, initiative: Initiative) -> None:
    texts = {}
    for lang in TEXT_LANGUAGES:
        parts = [getattr(initiative, field).get(lang, "") for field in ("title", "summary", "description")]
        texts[f"text_{lang}"] = "\n".join(p for p in parts if p)
    org = initiative.organization.name
    SearchDocument.objects.update_or_create(
        initiative=initiative,
        defaults={
            **texts,
            "text_all": "\n".join([org, *texts.values()]),
            "title_all": " ".join(t for t in initiative.title.values() if t).lower(),
        },
    )
