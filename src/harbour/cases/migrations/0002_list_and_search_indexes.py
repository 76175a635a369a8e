"""Indexes for the case list at 100,000 cases (measured in docs/benchmarks.md).

1. cases_case_assigned_to (user_id, case_id), every database. A caseworker's
   list counts "cases of my organisation assigned to me"; with this index the
   assignments are read from the index alone.

2. PostgreSQL only: cases_case (organisation_id, opened_on DESC, created_at
   DESC) INCLUDE (id, person_id, reference, status). The key is the list's
   order; the included columns are what the list's COUNT, the caseworker
   join, the status filter and the search filter read. Those queries become
   index-only scans instead of reading every heap page of the organisation's
   cases (about 5,900 pages for 20,000 cases).

3. PostgreSQL only: a trigram index on UPPER(pseudonym). Pseudonym search is a
   substring match (Django's icontains: UPPER(pseudonym::text) LIKE
   UPPER('%term%')), which no B-tree can answer, so every search read every
   person of every organisation. A GIN index with pg_trgm's operator class on
   the same expression answers it for terms of three or more characters.
   pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may
   create it; where the role cannot, this index is skipped with a warning and
   search works as before, only slower.

The indexes are written as SQL, not declared in the models' Meta: the
assignment table is Django's automatic many-to-many table (no Meta to declare
it in), and INCLUDE and pg_trgm exist only on PostgreSQL. No model state
changes, so `makemigrations` has nothing to add.
"""

import warnings

from django.db import DatabaseError, migrations, transaction

COVERING_INDEX = "cases_case_list_cover_idx"
TRIGRAM_INDEX = "cases_person_pseudonym_upper_trgm"


def create_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {COVERING_INDEX} ON cases_case "
        "(organisation_id, opened_on DESC, created_at DESC) "
        "INCLUDE (id, person_id, reference, status)"
    )
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        warnings.warn(
            f"pg_trgm could not be created ({error}); pseudonym search stays unindexed.",
            stacklevel=1,
        )
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON cases_person "
        "USING gin (UPPER(pseudonym) gin_trgm_ops)"
    )


def drop_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {COVERING_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS cases_case_assigned_user_case_idx "
            "ON cases_case_assigned_to (user_id, case_id)",
            "DROP INDEX IF EXISTS cases_case_assigned_user_case_idx",
            elidable=False,
        ),
        migrations.RunPython(create_postgresql_indexes, drop_postgresql_indexes, elidable=False),
    ]
