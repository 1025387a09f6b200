"""Database-side search structures, per engine.

SQLite: an FTS5 index with the trigram tokenizer over SearchDocument.text_all (external content), kept in
step by triggers, so that any language, Chinese and Arabic included, is found by substring.
PostgreSQL: pg_trgm, one GIN text-search index per language with that language's configuration, and
trigram indexes for Chinese (no word breaks) and for duplicate detection on titles."""

from django.db import migrations

PG_CONFIGS = {"ar": "arabic", "en": "english", "fr": "french", "ru": "russian", "es": "spanish"}

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE registry_search USING fts5(text_all, content='registry_searchdocument', "
    "content_rowid='initiative_id', tokenize='trigram')",
    "CREATE TRIGGER registry_search_ai AFTER INSERT ON registry_searchdocument BEGIN "
    "INSERT INTO registry_search(rowid, text_all) VALUES (new.initiative_id, new.text_all); END",
    "CREATE TRIGGER registry_search_ad AFTER DELETE ON registry_searchdocument BEGIN "
    "INSERT INTO registry_search(registry_search, rowid, text_all) "
    "VALUES ('delete', old.initiative_id, old.text_all); END",
    "CREATE TRIGGER registry_search_au AFTER UPDATE ON registry_searchdocument BEGIN "
    "INSERT INTO registry_search(registry_search, rowid, text_all) "
    "VALUES ('delete', old.initiative_id, old.text_all); "
    "INSERT INTO registry_search(rowid, text_all) VALUES (new.initiative_id, new.text_all); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS registry_search_ai",
    "DROP TRIGGER IF EXISTS registry_search_ad",
    "DROP TRIGGER IF EXISTS registry_search_au",
    "DROP TABLE IF EXISTS registry_search",
]
PG_FORWARD = (
    ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    + [
        f"CREATE INDEX registry_search_{lang} ON registry_searchdocument "
        f"USING gin (to_tsvector('{config}'::regconfig, COALESCE(text_{lang}, '')))"
        for lang, config in PG_CONFIGS.items()
    ]
    + [
        "CREATE INDEX registry_search_zh_trgm ON registry_searchdocument USING gin (text_zh gin_trgm_ops)",
        "CREATE INDEX registry_search_title_trgm ON registry_searchdocument USING gin (title_all gin_trgm_ops)",
    ]
)
PG_BACKWARD = [f"DROP INDEX IF EXISTS registry_search_{lang}" for lang in PG_CONFIGS] + [
    "DROP INDEX IF EXISTS registry_search_zh_trgm",
    "DROP INDEX IF EXISTS registry_search_title_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
