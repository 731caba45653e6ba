"""keyed audit chain, append-only audit table, shared limits, role grants, known devices

Revision ID: 0009
Revises: 0007

- audit_log gains `seq` (the chain's count, back-filled in id order) and `mac_version`
  (0: the plain SHA-256 of the records written before this revision; new records are
  HMACs under the key ring's audit key). A trigger then refuses UPDATE and DELETE on it
  (PostgreSQL and SQLite alike); on PostgreSQL nobody but the owner may change it, and
  `tambon db grant ROLE` gives the application's role INSERT and SELECT only.
- rate_counters and backoffs: limits every web process shares (bot/limits.py).
- officers.lock_strikes: each lock of an account doubles the next.
- role_grants: who gave an account each role, and who confirmed a custodian or admin.
- officer_devices: browsers an officer signed in from with both factors.
- console_sessions.csrf_token goes: CSRF tokens are signed for the session (bot/csrf.py).
"""

import sqlalchemy as sa
from alembic import op

import storage.models.types

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_TIME = storage.models.types.UTCDateTime(timezone=True)

PG_GUARD = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
"""
SQLITE_GUARD = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
]


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mac_version", sa.SmallInteger(), nullable=False,
                                   server_default="0"))
    op.execute("UPDATE audit_log SET seq = numbered.n FROM (SELECT id, row_number() OVER "
               "(ORDER BY id) AS n FROM audit_log) AS numbered "
               "WHERE audit_log.id = numbered.id")
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_audit_log_seq", ["seq"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    else:
        for statement in SQLITE_GUARD:
            op.execute(statement)

    op.create_table(
        "rate_counters",
        sa.Column("bucket", sa.String(length=100), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window"),
    )
    op.create_index("ix_rate_counters_expires", "rate_counters", ["expires_at"])
    op.create_table(
        "backoffs",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", UTC_TIME, nullable=True),
        sa.Column("blocked_until", UTC_TIME, nullable=True),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("lock_strikes", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("granted_by", sa.String(length=60), nullable=False),
        sa.Column("granted_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=60), nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_role_grants_officer_id", "role_grants", ["officer_id"])
    op.create_table(
        "officer_devices",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("last_used_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_officer_devices_officer_id", "officer_devices", ["officer_id"])
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_column("csrf_token")


def downgrade() -> None:
    with op.batch_alter_table("console_sessions") as batch:
        batch.add_column(sa.Column("csrf_token", sa.String(length=64), nullable=False,
                                   server_default=""))
    op.drop_index("ix_officer_devices_officer_id", table_name="officer_devices")
    op.drop_table("officer_devices")
    op.drop_index("ix_role_grants_officer_id", table_name="role_grants")
    op.drop_table("role_grants")
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("lock_strikes")
    op.drop_table("backoffs")
    op.drop_index("ix_rate_counters_expires", table_name="rate_counters")
    op.drop_table("rate_counters")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_seq", type_="unique")
        batch.drop_column("mac_version")
        batch.drop_column("seq")
