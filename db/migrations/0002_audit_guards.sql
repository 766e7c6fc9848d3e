-- Every event recorded from now on carries the hash of its content. NOT VALID: events recorded before
-- tamper evidence existed cannot be updated to get one (the table is append-only); the sealer hashes them.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_hash_present
  CHECK (hash IS NOT NULL AND hash ~ '^[0-9a-f]{64}$') NOT VALID;
--> statement-breakpoint
-- The per-environment index of events is written by the database itself, so no writer can forget it.
CREATE FUNCTION stageway_index_audit_environments() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_event_environments (environment_id, occurred_at, seq)
    SELECT DISTINCT e, NEW.occurred_at, NEW.seq FROM unnest(NEW.environment_ids) AS e;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_index_environments
  AFTER INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION stageway_index_audit_environments();
--> statement-breakpoint
-- Seals and the environment index are as append-only as the events they describe.
CREATE TRIGGER audit_seals_append_only
  BEFORE UPDATE OR DELETE ON audit_seals
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate
  BEFORE TRUNCATE ON audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_event_environments_append_only
  BEFORE UPDATE OR DELETE ON audit_event_environments
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_event_environments_no_truncate
  BEFORE TRUNCATE ON audit_event_environments
  FOR EACH STATEMENT EXECUTE FUNCTION stageway_refuse_change();
