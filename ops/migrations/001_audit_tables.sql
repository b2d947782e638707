-- Audit projections of the Kafka topics. Rows are only ever inserted: a trigger refuses UPDATE, DELETE and TRUNCATE.

CREATE FUNCTION parmana_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TABLE audit_decisions (
  execution_id          text PRIMARY KEY,
  policy_id             text NOT NULL,
  policy_version        text NOT NULL,
  action                text NOT NULL,
  requires_override     boolean NOT NULL,
  execution_state       text NOT NULL,
  rule_id               text NOT NULL,
  execution_fingerprint text NOT NULL,
  requested_at          timestamptz NOT NULL,
  payload_type          text NOT NULL,
  payload               bytea NOT NULL,
  signature             text NOT NULL,
  signer_key_id         text NOT NULL,
  bundle_hash           text NOT NULL,
  trust_root_version    integer NOT NULL,
  source_topic          text NOT NULL,
  source_partition      integer NOT NULL,
  source_offset         bigint NOT NULL,
  recorded_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_decisions_cursor ON audit_decisions (requested_at DESC, execution_id DESC);
CREATE INDEX audit_decisions_policy ON audit_decisions (policy_id, policy_version, requested_at DESC);
CREATE INDEX audit_decisions_action ON audit_decisions (action, requested_at DESC);
CREATE INDEX audit_decisions_state ON audit_decisions (execution_state, requested_at DESC);

CREATE TABLE audit_rejections (
  source_topic      text NOT NULL,
  source_partition  integer NOT NULL,
  source_offset     bigint NOT NULL,
  execution_id      text NOT NULL,
  policy_id         text NOT NULL,
  policy_version    text NOT NULL,
  code              text NOT NULL,
  message           text NOT NULL,
  path              text,
  requested_at      text NOT NULL,
  payload_type      text NOT NULL,
  payload           bytea NOT NULL,
  signature         text NOT NULL,
  signer_key_id     text NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_topic, source_partition, source_offset)
);
CREATE INDEX audit_rejections_execution ON audit_rejections (execution_id);
CREATE INDEX audit_rejections_code ON audit_rejections (code, recorded_at DESC);

CREATE TABLE audit_security_events (
  event_id      text PRIMARY KEY,
  event_type    text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  execution_id  text,
  source        text NOT NULL,
  code          text,
  detail        jsonb NOT NULL,
  occurred_at   timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
-- Serves the grouped query: type, severity, count, first and last occurrence within a time range.
CREATE INDEX audit_security_events_type_time ON audit_security_events (event_type, occurred_at);
CREATE INDEX audit_security_events_time ON audit_security_events (occurred_at DESC);

CREATE TABLE audit_trust_roots (
  version      integer PRIMARY KEY,
  content      jsonb NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER audit_decisions_append_only BEFORE UPDATE OR DELETE ON audit_decisions
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_decisions_no_truncate BEFORE TRUNCATE ON audit_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_rejections_append_only BEFORE UPDATE OR DELETE ON audit_rejections
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_rejections_no_truncate BEFORE TRUNCATE ON audit_rejections
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_security_events_append_only BEFORE UPDATE OR DELETE ON audit_security_events
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_security_events_no_truncate BEFORE TRUNCATE ON audit_security_events
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_trust_roots_append_only BEFORE UPDATE OR DELETE ON audit_trust_roots
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
