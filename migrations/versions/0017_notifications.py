"""notifications to contributors and campaign staff: preferences, the notification outbox
filled by a trigger on the timeline, daily digests, Web Push subscriptions and instance
secrets (VAPID, link signing)

Revision ID: 0017_notifications
Revises: 0014
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0017_notifications"
down_revision: str | None = "0016_public_outcomes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Who hears of an observation's events: its author and the people who follow it (they
# confirmed it as the same, or their duplicate was merged into it). The trigger asks only this.
RECIPIENTS = """
CREATE OR REPLACE FUNCTION observation_notification_recipients(observation uuid)
RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
    SELECT created_by FROM observations WHERE id = observation AND created_by IS NOT NULL
    UNION
    SELECT user_id FROM observation_followers WHERE observation_id = observation
$$
"""

# Staff of a campaign who asked for alerts (campaign_alerts.flagged): its owners and validators.
ALERT_RECIPIENTS = """
CREATE OR REPLACE FUNCTION campaign_alert_recipients(campaign uuid)
RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
    SELECT m.user_id FROM campaign_members m
    JOIN campaign_alerts a ON a.campaign_id = m.campaign_id AND a.flagged
    WHERE m.campaign_id = campaign AND m.role IN ('owner', 'validator')
$$
"""

# One row per (event, person, channel) the person's preferences ask for (the campaign's
# own setting wins over the account's); the unique constraint makes a second notification
# of the same event on the same channel impossible. Never for one's own action.
QUEUE_FUNCTION = """
CREATE OR REPLACE FUNCTION queue_notifications(
    event bigint, actor uuid, campaign uuid, recipients uuid[]
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO notifications (user_id, event_id, channel, delivery)
    SELECT u.id, event, c.channel, c.delivery
    FROM users u
    LEFT JOIN notification_preferences g ON g.user_id = u.id AND g.campaign_id IS NULL
    LEFT JOIN notification_preferences cp ON cp.user_id = u.id AND cp.campaign_id = campaign
    CROSS JOIN LATERAL (VALUES
        ('email', coalesce(cp.email, g.email, 'off')),
        ('push', CASE WHEN coalesce(cp.push, g.push, false) THEN 'instant' ELSE 'off' END)
    ) AS c(channel, delivery)
    WHERE u.id = ANY(recipients)
      AND u.id IS DISTINCT FROM actor
      AND u.blocked_at IS NULL
      AND c.delivery <> 'off'
      AND (c.channel <> 'email' OR (u.email IS NOT NULL AND u.email_verified_at IS NOT NULL))
    ON CONFLICT (event_id, user_id, channel) DO NOTHING
$$
"""

# In the transaction that writes the event, whatever code path writes it.
TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION queue_event_notifications() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    campaign uuid;
BEGIN
    SELECT campaign_id INTO campaign FROM observations WHERE id = NEW.observation_id;
    IF NEW.kind = 'info_requested' THEN
        -- A question is for the author alone, not for those who follow the observation.
        PERFORM queue_notifications(NEW.id, NEW.actor_id, campaign,
            ARRAY(SELECT created_by FROM observations
                  WHERE id = NEW.observation_id AND created_by IS NOT NULL));
    ELSIF NEW.kind IN ('status_changed', 'outcome')
       OR (NEW.kind = 'vote' AND coalesce(NEW.payload->>'comment', '') <> '') THEN
        PERFORM queue_notifications(NEW.id, NEW.actor_id, campaign,
            ARRAY(SELECT observation_notification_recipients(NEW.observation_id)));
    ELSIF NEW.kind IN ('submitted', 'quality_rechecked')
          AND NEW.payload->>'status' = 'flagged' THEN
        PERFORM queue_notifications(NEW.id, NEW.actor_id, campaign,
            ARRAY(SELECT campaign_alert_recipients(campaign)));
    END IF;
    RETURN NULL;
END
$$
"""


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "instance_secrets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("campaign_id", UUID(as_uuid=True),
                  sa.ForeignKey("campaigns.id", ondelete="CASCADE")),
        sa.Column("email", sa.Text, nullable=False, server_default="off"),
        sa.Column("push", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("email IN ('off', 'instant', 'digest')",
                           name="ck_notification_preferences_email"),
    )  # fmt: skip
    op.create_index("uq_notification_preferences_account", "notification_preferences",
                    ["user_id"], unique=True,
                    postgresql_where=sa.text("campaign_id IS NULL"))  # fmt: skip
    op.create_index("uq_notification_preferences_campaign", "notification_preferences",
                    ["user_id", "campaign_id"], unique=True,
                    postgresql_where=sa.text("campaign_id IS NOT NULL"))  # fmt: skip
    op.add_column("email_outbox", sa.Column("html_body", sa.Text))
    op.add_column("email_outbox", sa.Column("headers", JSONB, nullable=False, server_default="{}"))
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", sa.BigInteger,
                  sa.ForeignKey("observation_events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("delivery", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=_now(),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("email_id", sa.BigInteger,
                  sa.ForeignKey("email_outbox.id", ondelete="SET NULL")),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("event_id", "user_id", "channel", name="uq_notifications_once"),
        sa.CheckConstraint("channel IN ('email', 'push')", name="ck_notifications_channel"),
        sa.CheckConstraint("delivery IN ('instant', 'digest')", name="ck_notifications_delivery"),
        sa.CheckConstraint("status IN ('pending', 'queued', 'sent', 'failed', 'dropped')",
                           name="ck_notifications_status"),
    )  # fmt: skip
    op.create_index("ix_notifications_due", "notifications", ["channel", "next_attempt_at"],
                    postgresql_where=sa.text("status = 'pending'"))  # fmt: skip
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])
    op.create_table(
        "notification_digests",
        sa.Column("user_id", UUID(as_uuid=True),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("email_id", sa.BigInteger,
                  sa.ForeignKey("email_outbox.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
    )  # fmt: skip
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True),
                  sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("endpoint", sa.Text, nullable=False),
        sa.Column("p256dh", sa.Text, nullable=False),
        sa.Column("auth", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.UniqueConstraint("endpoint", name="uq_push_subscriptions_endpoint"),
    )  # fmt: skip
    op.create_table(
        "campaign_alerts",
        sa.Column("campaign_id", UUID(as_uuid=True),
                  sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("flagged", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("backlog_threshold", sa.Integer),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint("backlog_threshold > 0", name="ck_campaign_alerts_backlog_threshold"),
    )  # fmt: skip
    op.create_table(
        "backlog_alerts",
        sa.Column("campaign_id", UUID(as_uuid=True),
                  sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("backlog", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
    )  # fmt: skip
    op.execute(RECIPIENTS)
    op.execute(ALERT_RECIPIENTS)
    op.execute(QUEUE_FUNCTION)
    op.execute(TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER observation_events_notify AFTER INSERT ON observation_events "
        "FOR EACH ROW EXECUTE FUNCTION queue_event_notifications()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER observation_events_notify ON observation_events")
    op.execute("DROP FUNCTION queue_event_notifications()")
    op.execute("DROP FUNCTION queue_notifications(bigint, uuid, uuid, uuid[])")
    op.execute("DROP FUNCTION campaign_alert_recipients(uuid)")
    op.execute("DROP FUNCTION observation_notification_recipients(uuid)")
    op.drop_table("backlog_alerts")
    op.drop_table("campaign_alerts")
    op.drop_table("push_subscriptions")
    op.drop_table("notification_digests")
    op.drop_table("notifications")
    op.drop_column("email_outbox", "headers")
    op.drop_column("email_outbox", "html_body")
    op.drop_table("notification_preferences")
    op.drop_table("instance_secrets")
