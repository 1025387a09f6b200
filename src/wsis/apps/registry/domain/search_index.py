"""The searchable text of an initiative, rebuilt whenever it changes."""

from __future__ import annotations

import re

from wsis.apps.registry.enums import TEXT_LANGUAGES
from wsis.apps.registry.models import Initiative, SearchDocument

CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def chinese_bigrams(text: str) -> list[str]:
    """Every pair of adjacent Chinese (or Japanese kana) characters: Chinese has no spaces, and most words
    are two characters, shorter than a trigram."""
    return [run[i : i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1)]


def index_initiative(*, initiative: Initiative) -> None:
    texts = {}
    fields = ("title", "summary", "description")
    for lang in TEXT_LANGUAGES:
        parts = [getattr(initiative, field).get(lang, "") for field in fields]
        texts[f"text_{lang}"] = "\n".join(p for p in parts if p)
    # Content in any other ISO 639-1 language (an imported IATI activity in Dutch) is searchable too.
    texts["text_other"] = "\n".join(
        text
        for field in fields
        for lang, text in getattr(initiative, field).items()
        if lang not in TEXT_LANGUAGES and text
    )
    org = initiative.organization.name
    SearchDocument.objects.update_or_create(
        initiative=initiative,
        defaults={
            **texts,
            "text_all": "\n".join([org, *texts.values()]),
            "title_all": " ".join(t for t in initiative.title.values() if t).lower(),
            "zh_grams": " ".join(dict.fromkeys(chinese_bigrams(texts["text_zh"]))),
        },
    )
