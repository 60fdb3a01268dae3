"""Schema changes Django's migrations do badly on SQLite with data in the table."""

from __future__ import annotations


def add_text_columns(schema_editor, table: str, columns: list[tuple[str, str]]) -> None:
    """Add blank, never-null text columns (name, SQL type on PostgreSQL) in place. Django's SQLite backend
    rebuilds the whole table for a column with a default, and the rebuild fails on a table with data whose
    rows point at other rows of the same table (an indicator's `growth_of`, an area's `parent`): the copy
    checks them against the old table."""
    table = schema_editor.quote_name(table)
    sqlite = schema_editor.connection.vendor == "sqlite"
    for name, kind in columns:
        column = schema_editor.quote_name(name)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} {'text' if sqlite else kind} NOT NULL DEFAULT ''"
        )
        if not sqlite:  # Django keeps no default in the database
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")


def drop_columns(schema_editor, table: str, names: list[str]) -> None:
    table = schema_editor.quote_name(table)
    for name in names:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {schema_editor.quote_name(name)}")
