-- Verification history (API /verify, read-time verification) and API call records.
CREATE TABLE audit_verifications (
  verification_id  text PRIMARY KEY,
  execution_id     text,
  valid            boolean NOT NULL,
  checks           jsonb NOT NULL,
  reasons          jsonb NOT NULL,
  signer_key_id    text,
  source           text NOT NULL,
  requested_by     text,
  verified_at      timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_verifications_time ON audit_verifications (verified_at DESC);
CREATE INDEX audit_verifications_execution ON audit_verifications (execution_id);

CREATE TABLE audit_api_calls (
  request_id   text PRIMARY KEY,
  method       text NOT NULL,
  route        text NOT NULL,
  status       integer NOT NULL,
  key_name     text,
  latency_ms   double precision NOT NULL,
  at           timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_api_calls_time ON audit_api_calls (at DESC);

CREATE TRIGGER audit_verifications_append_only BEFORE UPDATE OR DELETE ON audit_verifications
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_verifications_no_truncate BEFORE TRUNCATE ON audit_verifications
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_api_calls_append_only BEFORE UPDATE OR DELETE ON audit_api_calls
  FOR EACH ROW EXECUTE FUNCTION parmana_append_only();
CREATE TRIGGER audit_api_calls_no_truncate BEFORE TRUNCATE ON audit_api_calls
  FOR EACH STATEMENT EXECUTE FUNCTION parmana_append_only();
