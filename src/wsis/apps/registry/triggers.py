"""Database triggers the registry relies on, per engine, in one place: the migration creates them, and on
SQLite a post-migrate hook re-creates any that a later migration dropped (SQLite applies many schema
changes by rebuilding the table, which silently discards its triggers - search would then go stale).

- ``registry_search*``: keep the FTS5 trigram index (SQLite) in step with SearchDocument.
- ``registry_initiative_log*``, ``registry_organization_log``: append an IndexChange row for every insert
  or update of an initiative (and for each initiative of an organization whose stakeholder type changes),
  so that each process's in-memory facet index (``domain/facet_index.py``) sees every change, whatever
  path made it."""

from __future__ import annotations

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS registry_search_ai AFTER INSERT ON registry_searchdocument BEGIN "
    "INSERT INTO registry_search(rowid, text_all) VALUES (new.initiative_id, new.text_all); END",
    "CREATE TRIGGER IF NOT EXISTS registry_search_ad AFTER DELETE ON registry_searchdocument BEGIN "
    "INSERT INTO registry_search(registry_search, rowid, text_all) "
    "VALUES ('delete', old.initiative_id, old.text_all); END",
    "CREATE TRIGGER IF NOT EXISTS registry_search_au AFTER UPDATE ON registry_searchdocument BEGIN "
    "INSERT INTO registry_search(registry_search, rowid, text_all) "
    "VALUES ('delete', old.initiative_id, old.text_all); "
    "INSERT INTO registry_search(rowid, text_all) VALUES (new.initiative_id, new.text_all); END",
    "CREATE TRIGGER IF NOT EXISTS registry_initiative_log_insert AFTER INSERT ON registry_initiative BEGIN "
    "INSERT INTO registry_indexchange (initiative_id, stamp) VALUES (new.id, CAST(random() AS TEXT)); END",
    "CREATE TRIGGER IF NOT EXISTS registry_initiative_log_update AFTER UPDATE ON registry_initiative BEGIN "
    "INSERT INTO registry_indexchange (initiative_id, stamp) VALUES (new.id, CAST(random() AS TEXT)); END",
    "CREATE TRIGGER IF NOT EXISTS registry_organization_log AFTER UPDATE OF stakeholder_type "
    "ON accounts_organization WHEN old.stakeholder_type IS NOT new.stakeholder_type BEGIN "
    "INSERT INTO registry_indexchange (initiative_id, stamp) "
    "SELECT id, CAST(random() AS TEXT) FROM registry_initiative WHERE organization_id = new.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS registry_organization_log",
    "DROP TRIGGER IF EXISTS registry_initiative_log_insert",
    "DROP TRIGGER IF EXISTS registry_initiative_log_update",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION registry_log_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO registry_indexchange (initiative_id, stamp) VALUES (NEW.id, CAST(random() AS TEXT)); "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS registry_initiative_log ON registry_initiative",
    "CREATE TRIGGER registry_initiative_log AFTER INSERT OR UPDATE ON registry_initiative "
    "FOR EACH ROW EXECUTE FUNCTION registry_log_change()",
    "CREATE OR REPLACE FUNCTION registry_log_organization() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO registry_indexchange (initiative_id, stamp) "
    "SELECT id, CAST(random() AS TEXT) FROM registry_initiative WHERE organization_id = NEW.id; "
    "RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS registry_organization_log ON accounts_organization",
    "CREATE TRIGGER registry_organization_log AFTER UPDATE OF stakeholder_type ON accounts_organization "
    "FOR EACH ROW WHEN (OLD.stakeholder_type IS DISTINCT FROM NEW.stakeholder_type) "
    "EXECUTE FUNCTION registry_log_organization()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS registry_organization_log ON accounts_organization",
    "DROP FUNCTION IF EXISTS registry_log_organization()",
    "DROP TRIGGER IF EXISTS registry_initiative_log ON registry_initiative",
    "DROP FUNCTION IF EXISTS registry_log_change()",
]


def ensure(connection) -> None:
    """Create the SQLite triggers that are missing (PostgreSQL keeps triggers through ALTER TABLE)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'registry_search'")
        if cursor.fetchone() is None:
            return  # not migrated yet
        for sql in SQLITE:
            cursor.execute(sql)


def by_vendor(statements: dict[str, list[str]]):
    """A migration function running the statements of the connection's engine (none for the others)."""

    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run
