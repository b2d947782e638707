-- The dashboard's per-minute series count rows by when they landed (recorded_at) and rejections by code over time;
-- without these indexes /audit/stats scans whole tables.
CREATE INDEX IF NOT EXISTS audit_decisions_recorded ON audit_decisions (recorded_at);
CREATE INDEX IF NOT EXISTS audit_rejections_recorded ON audit_rejections (recorded_at);
CREATE INDEX IF NOT EXISTS audit_overrides_kind_status ON audit_overrides (kind, status, execution_id);
