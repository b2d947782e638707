-- The durable tier of replay protection: one row per executionId the worker ever decided (signed an attestation
-- for), written by the worker BEFORE it signs, so an id is here before its outcome can reach Kafka and long
-- before Redis (the hot tier) may forget it. `claim` names the request record that owns the decision
-- ("topic:partition:offset@timestampMs"): re-processing that record after a crash finds its own claim and
-- re-emits the byte-identical outcome; any other record is a replay (INV-013). Rows are only ever inserted.
CREATE TABLE replay_ledger (
  execution_id  text PRIMARY KEY,
  fingerprint   bytea NOT NULL,
  claim         text NOT NULL,
  claimed_at    timestamptz NOT NULL DEFAULT now()
);

-- Decisions made before the ledger existed are claimed by the audit row that records them (run this migration
-- with the sinks drained: see docs/operations.md, "Upgrading to the replay ledger").
INSERT INTO replay_ledger (execution_id, fingerprint, claim, claimed_at)
SELECT execution_id,
       CASE WHEN execution_fingerprint ~ '^[0-9a-f]{64}$' THEN decode(execution_fingerprint, 'hex') ELSE '\x'::bytea END,
       'audit:' || source_topic || ':' || source_partition || ':' || source_offset,
       recorded_at
FROM audit_decisions
ON CONFLICT (execution_id) DO NOTHING;

CREATE TRIGGER replay_ledger_append_only BEFORE UPDATE OR DELETE ON replay_ledger
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER replay_ledger_no_truncate BEFORE TRUNCATE ON replay_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
