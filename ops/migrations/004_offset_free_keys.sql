-- Idempotency keys must not depend on Kafka offsets: offsets restart when a cluster is re-created while the audit
-- database lives on, and a key built from them silently dropped new rows as "duplicates" of old ones.
-- Rejections are keyed by the hash of their signed bytes (a re-emitted rejection is byte-identical), overrides by
-- their command id. The generated column is filled by the table rewrite, so the append-only row trigger is not hit.
ALTER TABLE audit_rejections ADD COLUMN payload_sha256 text GENERATED ALWAYS AS (encode(sha256(payload), 'hex')) STORED;
ALTER TABLE audit_rejections DROP CONSTRAINT audit_rejections_pkey;
ALTER TABLE audit_rejections ADD CONSTRAINT audit_rejections_payload_key UNIQUE (payload_sha256);
CREATE INDEX audit_rejections_source ON audit_rejections (source_topic, source_partition, source_offset);

DROP INDEX audit_overrides_command;
ALTER TABLE audit_overrides DROP CONSTRAINT audit_overrides_pkey;
ALTER TABLE audit_overrides ADD CONSTRAINT audit_overrides_command_key UNIQUE (kind, command_id);
