"""webhook outbox: queue events from observation_versions in the writing transaction

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every new version of an observation becomes one event per active webhook of its campaign that
# subscribed to the event's kind, inserted by the same statement, hence in the same transaction:
# no change is committed without its events, no event is queued for a rolled-back change, and
# every writer (API, recheck, review, scripts) is covered without having to remember it.
# One statement-level trigger with a transition table: a batch of 1,000 submissions queues its
# events in one INSERT, not 1,000.
#
# Kinds: created, edited and withdrawn are themselves; moderation (hidden or shown again) and
# any other change whose status differs from the previous version's is status_changed; any other
# change (a recheck updating enrichments) is edited.
QUEUE_EVENTS = """
CREATE FUNCTION releve_queue_webhook_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_kind, payload)
    SELECT w.id, e.event_id, e.kind, e.payload
    FROM (
        SELECT o.campaign_id, v.change_seq,
               v.observation_id::text || ':' || v.version AS event_id,
               CASE
                   WHEN v.change_kind IN ('created', 'edited', 'withdrawn') THEN v.change_kind
                   WHEN v.change_kind IN ('moderated', 'unhidden')
                        OR previous.status IS DISTINCT FROM v.status THEN 'status_changed'
                   ELSE 'edited'
               END AS kind,
               jsonb_build_object('observation_id', v.observation_id, 'version', v.version,
                                  'change', v.change_kind, 'occurred_at', v.changed_at) AS payload
        FROM new_versions v
        JOIN observations o ON o.id = v.observation_id
        LEFT JOIN LATERAL (
            SELECT p.status FROM observation_versions p
            WHERE p.observation_id = v.observation_id AND p.version < v.version
            ORDER BY p.version DESC
            LIMIT 1
        ) previous ON true
    ) e
    JOIN webhooks w ON w.campaign_id = e.campaign_id AND w.active AND e.kind = ANY (w.events)
    ORDER BY e.change_seq, w.id;
    RETURN NULL;
END
$$
"""

TRIGGER = """
CREATE TRIGGER observation_versions_webhook_events
AFTER INSERT ON observation_versions
REFERENCING NEW TABLE AS new_versions
FOR EACH STATEMENT EXECUTE FUNCTION releve_queue_webhook_events()
"""


def upgrade() -> None:
    op.execute(QUEUE_EVENTS)
    op.execute(TRIGGER)
    # The worker sends the events of one observation to a webhook in order: it looks for an
    # earlier pending event of the same observation before sending one.
    op.execute(
        "CREATE INDEX ix_webhook_deliveries_pending_observation ON webhook_deliveries "
        "(webhook_id, (payload ->> 'observation_id'), id) WHERE state = 'pending'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_webhook_deliveries_pending_observation")
    op.execute("DROP TRIGGER IF EXISTS observation_versions_webhook_events ON observation_versions")
    op.execute("DROP FUNCTION IF EXISTS releve_queue_webhook_events()")
