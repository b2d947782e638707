-- The transparency log (docs/transparency-log.md). Append-only like every audit table: the triggers refuse UPDATE,
-- DELETE and TRUNCATE, and the monitor catches what a superuser could still do behind them.

-- One row per signed outcome, at consecutive indices from 0. leaf_hash = SHA-256(0x00 || entry) is unique, so a
-- re-delivered outcome can never take a second index.
CREATE TABLE log_entries (
  leaf_index        bigint PRIMARY KEY CHECK (leaf_index >= 0),
  leaf_hash         bytea NOT NULL UNIQUE CHECK (octet_length(leaf_hash) = 32),
  entry             bytea NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('attestation', 'rejection', 'override')),
  execution_id      text NOT NULL,
  source_topic      text NOT NULL,
  source_partition  integer NOT NULL,
  source_offset     bigint NOT NULL,
  appended_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX log_entries_execution ON log_entries (execution_id, leaf_index);
CREATE INDEX log_entries_appended ON log_entries (appended_at);

-- Hashes of the complete subtrees: (level, node_index) covers leaves [node_index * 2^level, (node_index + 1) * 2^level).
-- Level 0 are the leaves. A node is written once, when its last leaf arrives, and never changes; any root or proof is
-- a fold of O(log n) of them.
CREATE TABLE log_nodes (
  level       smallint NOT NULL CHECK (level >= 0 AND level < 64),
  node_index  bigint NOT NULL CHECK (node_index >= 0),
  hash        bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, node_index)
);

-- Signed checkpoints (C2SP signed notes), one per tree size.
CREATE TABLE log_checkpoints (
  tree_size      bigint PRIMARY KEY CHECK (tree_size >= 0),
  root_hash      bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  note           text NOT NULL,
  signer_key_id  text NOT NULL,
  signed_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- What `parmana log monitor` found, for the dashboard. The monitor's own trust anchor lives outside this database.
CREATE TABLE log_monitor_reports (
  report_id    text PRIMARY KEY,
  monitor      text NOT NULL,
  status       text NOT NULL CHECK (status IN ('ok', 'inconsistent')),
  tree_size    bigint NOT NULL,
  root_hash    bytea NOT NULL,
  code         text,
  detail       jsonb NOT NULL,
  checked_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX log_monitor_reports_time ON log_monitor_reports (checked_at DESC);

-- The execution requests as the worker consumed them, for `parmana audit rederive`. Keyed by the request record's
-- place and executionId (the attestation's provenance names both).
CREATE TABLE audit_requests (
  execution_id      text NOT NULL,
  source_topic      text NOT NULL,
  source_partition  integer NOT NULL,
  source_offset     bigint NOT NULL,
  policy_id         text NOT NULL,
  policy_version    text NOT NULL,
  signals           text NOT NULL,
  requested_at      text NOT NULL,
  requested_by      text,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_id, source_topic, source_partition, source_offset)
);
CREATE INDEX audit_requests_recorded ON audit_requests (recorded_at);

CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_monitor_reports_append_only BEFORE UPDATE OR DELETE ON log_monitor_reports
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER log_monitor_reports_no_truncate BEFORE TRUNCATE ON log_monitor_reports
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_requests_append_only BEFORE UPDATE OR DELETE ON audit_requests
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_requests_no_truncate BEFORE TRUNCATE ON audit_requests
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
