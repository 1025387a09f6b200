"""Search over texts in content languages other than the six UN languages (issue 16).

``text_other`` holds them; PostgreSQL matches it through a stored vector of the language-neutral
``simple`` text-search configuration (lower-cased words, no stemming) with a GIN index, as 0004 does for
the six languages; SQLite finds it through ``text_all`` and the FTS5 trigram index. Existing entries
written in another language are indexed again."""

from django.db import migrations, models

from wsis.apps.registry import triggers

UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")

PG_FORWARD = [
    "ALTER TABLE registry_searchdocument ADD COLUMN tsv_other tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, COALESCE(text_other, ''))) STORED",
    "CREATE INDEX registry_search_tsv_other ON registry_searchdocument USING gin (tsv_other)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS registry_search_tsv_other",
    "ALTER TABLE registry_searchdocument DROP COLUMN IF EXISTS tsv_other",
]


def index_other_languages(apps, schema_editor) -> None:
    """Fill text_other (and text_all) for entries written in a language outside the six."""
    Initiative = apps.get_model("registry", "Initiative")
    SearchDocument = apps.get_model("registry", "SearchDocument")
    for initiative in Initiative.objects.exclude(original_language__in=UN_LANGUAGES).iterator():
        other = "\n".join(
            text
            for field in ("title", "summary", "description")
            for lang, text in (getattr(initiative, field) or {}).items()
            if lang not in UN_LANGUAGES and text
        )
        document = SearchDocument.objects.filter(initiative_id=initiative.pk).first()
        if document is not None and other:
            document.text_other = other
            document.text_all = f"{document.text_all}\n{other}"
            document.save(update_fields=["text_other", "text_all"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_database_side_search")]

    operations = [
        migrations.AddField(
            model_name="searchdocument", name="text_other", field=models.TextField(default="")
        ),
        migrations.RunPython(
            triggers.by_vendor({"postgresql": PG_FORWARD}), triggers.by_vendor({"postgresql": PG_BACKWARD})
        ),
        migrations.RunPython(index_other_languages, migrations.RunPython.noop),
    ]
