"""Tickets keep their searchable text (title and the words of their data), with trigram indexes on
PostgreSQL, so a queue's search does not cast every ticket's JSON to text.

The index is on upper(search_text) because that is what Django's `icontains` compares on
PostgreSQL (`UPPER(col) LIKE UPPER('%word%')`). pg_trgm is a trusted extension
(PostgreSQL 13+): the database owner may create it. SQLite has
no such index and searches by scanning, which suits the sizes SQLite serves. The index is not
in the model's Meta because Django would create a GIN index on SQLite too, where it fails.
"""

from django.db import migrations, models

TRIGRAM_INDEX = "wo_ticket_search_trgm"


def words_of(value):
    # A copy of workflow_ops.models.tickets.words_of as it was: a migration must not change with the app.
    if isinstance(value, dict):
        for item in value.values():
            yield from words_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from words_of(item)
    elif isinstance(value, str):
        if value and not value.startswith("upload:"):
            yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


def search_text_of(title, data):
    return " ".join([title, *words_of(data)])[:20_000]


def fill(apps, schema_editor):
    Ticket = apps.get_model("workflow_ops", "TicketInstance")
    tickets = Ticket.objects.only("pk", "title", "data").order_by("pk")
    batch = []
    for ticket in tickets.iterator(chunk_size=2000):
        ticket.search_text = search_text_of(ticket.title, ticket.data)
        batch.append(ticket)
        if len(batch) == 2000:
            Ticket.objects.bulk_update(batch, ["search_text"])
            batch = []
    Ticket.objects.bulk_update(batch, ["search_text"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON workflow_ops_ticketinstance "
            "USING gin (upper(search_text) gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("workflow_ops", "0004_queue_indexes")]

    operations = [
        migrations.AddField(
            model_name="ticketinstance",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
