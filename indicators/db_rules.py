"""Integrity rules that span two tables, enforced by the database itself.

A CHECK constraint sees one row only, so these rules are triggers, written for
both PostgreSQL and SQLite:
- a value of a share indicator lies between 0 and 100 (values and targets; the
  indicator is looked up only for a figure outside that range, so a bulk insert of
  figures within it costs no lookup per row);
- a target's year lies within its plan's period;
- a cumulative target ([ ], a total over the years) is never on a share.
Each raises an integrity error (SQLSTATE 23514 on PostgreSQL), so Django
reports an IntegrityError and the transaction is rolled back.

SQLite drops a table's triggers whenever a migration rebuilds the table (which it
does to add or alter a column), so `install()` runs after every `migrate`
(see apps.py) as well as in migration 0002; it is idempotent.
"""

from __future__ import annotations

from indicators.domain import SHARE_MAX, SHARE_MIN

LO, HI = int(SHARE_MIN), int(SHARE_MAX)  # the share rule of indicators.domain, written into SQL
SHARE_VALUE = f"value of a share indicator must lie between {LO} and {HI}"
TARGET_YEAR = "target year lies outside the plan period"
CUMULATIVE_SHARE = "a cumulative target cannot be on a share indicator"

SQLITE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS value_share_bounds_{op}
    BEFORE {op.upper()} ON indicators_reportedvalue FOR EACH ROW
    WHEN (CAST(NEW.value AS REAL) < {LO} OR CAST(NEW.value AS REAL) > {HI})
         AND (SELECT measure FROM indicators_indicator WHERE id = NEW.indicator_id) = 'share'
    BEGIN SELECT RAISE(ABORT, '{SHARE_VALUE}'); END;
    """
    for op in ("insert", "update")
] + [
    f"""
    CREATE TRIGGER IF NOT EXISTS target_checks_{op}
    BEFORE {op.upper()} ON indicators_target FOR EACH ROW
    BEGIN
        SELECT RAISE(ABORT, '{TARGET_YEAR}')
        WHERE NOT EXISTS (
            SELECT 1 FROM indicators_plan p WHERE p.id = NEW.plan_id
            AND NEW.target_year BETWEEN p.period_start AND p.period_end);
        SELECT RAISE(ABORT, '{CUMULATIVE_SHARE}')
        WHERE NEW.is_cumulative
            AND (SELECT measure FROM indicators_indicator WHERE id = NEW.indicator_id) = 'share';
        SELECT RAISE(ABORT, '{SHARE_VALUE}')
        WHERE (SELECT measure FROM indicators_indicator WHERE id = NEW.indicator_id) = 'share'
            AND (CAST(NEW.target_value AS REAL) NOT BETWEEN {LO} AND {HI}
                 OR CAST(NEW.baseline_value AS REAL) NOT BETWEEN {LO} AND {HI}
                 OR CAST(NEW.original_value AS REAL) NOT BETWEEN {LO} AND {HI});
    END;
    """
    for op in ("insert", "update")
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS value_share_bounds_insert;",
    "DROP TRIGGER IF EXISTS value_share_bounds_update;",
    "DROP TRIGGER IF EXISTS target_checks_insert;",
    "DROP TRIGGER IF EXISTS target_checks_update;",
]

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION gzplan_value_share_bounds() RETURNS trigger AS $$
    BEGIN
        IF (SELECT measure FROM indicators_indicator WHERE id = NEW.indicator_id) = 'share' THEN
            RAISE EXCEPTION '{SHARE_VALUE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    f"""
    DROP TRIGGER IF EXISTS value_share_bounds ON indicators_reportedvalue;
    CREATE TRIGGER value_share_bounds BEFORE INSERT OR UPDATE ON indicators_reportedvalue
    FOR EACH ROW WHEN (NEW.value < {LO} OR NEW.value > {HI}) EXECUTE FUNCTION gzplan_value_share_bounds();
    """,
    f"""
    CREATE OR REPLACE FUNCTION gzplan_target_checks() RETURNS trigger AS $$
    DECLARE
        indicator_measure text;
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM indicators_plan p WHERE p.id = NEW.plan_id
                       AND NEW.target_year BETWEEN p.period_start AND p.period_end) THEN
            RAISE EXCEPTION '{TARGET_YEAR}' USING ERRCODE = 'check_violation';
        END IF;
        SELECT measure INTO indicator_measure FROM indicators_indicator WHERE id = NEW.indicator_id;
        IF indicator_measure = 'share' THEN
            IF NEW.is_cumulative THEN
                RAISE EXCEPTION '{CUMULATIVE_SHARE}' USING ERRCODE = 'check_violation';
            END IF;
            IF NEW.target_value NOT BETWEEN {LO} AND {HI} OR NEW.baseline_value NOT BETWEEN {LO} AND {HI}
               OR NEW.original_value NOT BETWEEN {LO} AND {HI} THEN
                RAISE EXCEPTION '{SHARE_VALUE}' USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    DROP TRIGGER IF EXISTS target_checks ON indicators_target;
    CREATE TRIGGER target_checks BEFORE INSERT OR UPDATE ON indicators_target
    FOR EACH ROW EXECUTE FUNCTION gzplan_target_checks();
    """,
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS value_share_bounds ON indicators_reportedvalue;",
    "DROP TRIGGER IF EXISTS target_checks ON indicators_target;",
    "DROP FUNCTION IF EXISTS gzplan_value_share_bounds();",
    "DROP FUNCTION IF EXISTS gzplan_target_checks();",
]


STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRES}
DROP_STATEMENTS = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}


def _execute(connection, statements_by_vendor) -> None:
    statements = statements_by_vendor.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"gzplan supports PostgreSQL and SQLite, not {connection.vendor}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection) -> None:
    """Create (or re-create) the triggers on this connection's database."""
    _execute(connection, STATEMENTS)


def uninstall(connection) -> None:
    _execute(connection, DROP_STATEMENTS)
