"""Database-side parts of fast search (see ``wsis.apps.registry.triggers``).

Both engines: triggers that log every change of an initiative for the in-memory facet index; on SQLite,
the FTS5 triggers again (0003 rebuilt the tables, which drops their triggers).
PostgreSQL: the text-search vectors stored as generated columns (computed on write, not when a match is
rechecked) with GIN indexes, replacing the expression indexes of 0002, and the Chinese character pairs
as an indexed array so that two-character words, too short for trigrams, are found by index. Generated
columns are not model fields: Django never writes them."""

from django.db import migrations

from wsis.apps.registry import triggers

PG_CONFIGS = {"ar": "arabic", "en": "english", "fr": "french", "ru": "russian", "es": "spanish"}

PG_FORWARD = (
    triggers.POSTGRESQL
    + [f"DROP INDEX IF EXISTS registry_search_{lang}" for lang in PG_CONFIGS]
    + [
        f"ALTER TABLE registry_searchdocument ADD COLUMN tsv_{lang} tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('{config}'::regconfig, COALESCE(text_{lang}, ''))) STORED"
        for lang, config in PG_CONFIGS.items()
    ]
    + [
        f"CREATE INDEX registry_search_tsv_{lang} ON registry_searchdocument USING gin (tsv_{lang})"
        for lang in PG_CONFIGS
    ]
    + [
        "ALTER TABLE registry_searchdocument ADD COLUMN zh_gram_array text[] GENERATED ALWAYS AS "
        "(string_to_array(zh_grams, ' ')) STORED",
        "CREATE INDEX registry_search_zh_grams ON registry_searchdocument USING gin (zh_gram_array)",
    ]
)
PG_BACKWARD = (
    triggers.POSTGRESQL_DROP
    + [
        "DROP INDEX IF EXISTS registry_search_zh_grams",
        "ALTER TABLE registry_searchdocument DROP COLUMN IF EXISTS zh_gram_array",
    ]
    + [f"ALTER TABLE registry_searchdocument DROP COLUMN IF EXISTS tsv_{lang}" for lang in PG_CONFIGS]
    + [
        f"CREATE INDEX registry_search_{lang} ON registry_searchdocument "
        f"USING gin (to_tsvector('{config}'::regconfig, COALESCE(text_{lang}, '')))"
        for lang, config in PG_CONFIGS.items()
    ]
)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_pledges_and_index_change")]

    operations = [
        migrations.RunPython(
            triggers.by_vendor({"sqlite": triggers.SQLITE, "postgresql": PG_FORWARD}),
            triggers.by_vendor({"sqlite": triggers.SQLITE_DROP, "postgresql": PG_BACKWARD}),
        )
    ]
