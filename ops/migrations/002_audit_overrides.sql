-- Override commands and their signed results, both from the overrides topic.
CREATE TABLE audit_overrides (
  source_topic      text NOT NULL,
  source_partition  integer NOT NULL,
  source_offset     bigint NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('command', 'result')),
  command_id        text NOT NULL,
  execution_id      text NOT NULL,
  status            text,
  code              text,
  approved          boolean NOT NULL,
  approved_by       text NOT NULL,
  approver_role     text NOT NULL,
  reason            text NOT NULL,
  at                timestamptz NOT NULL,
  payload_type      text,
  payload           bytea,
  signature         text,
  signer_key_id     text,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_topic, source_partition, source_offset)
);
CREATE INDEX audit_overrides_execution ON audit_overrides (execution_id, at);
CREATE UNIQUE INDEX audit_overrides_command ON audit_overrides (kind, command_id, source_offset);

CREATE TRIGGER audit_overrides_append_only BEFORE UPDATE OR DELETE ON audit_overrides
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_overrides_no_truncate BEFORE TRUNCATE ON audit_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
