-- Rules the database holds so that they hold whatever code runs against it.

-- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE, from any role that does not first
-- disable these triggers (which only a superuser or the table owner can do, and which is itself visible).
CREATE FUNCTION stageway_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
-- Revisions are immutable once written.
CREATE TRIGGER api_revisions_immutable
  BEFORE UPDATE OR DELETE ON api_revisions
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER api_revisions_no_truncate
  BEFORE TRUNCATE ON api_revisions
  FOR EACH STATEMENT EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
-- A promotion's request (snapshot, source, requester, time) never changes; only its decision does,
-- and only away from an open state.
CREATE FUNCTION stageway_guard_promotion() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.api_id IS DISTINCT FROM OLD.api_id
     OR NEW.cross_id IS DISTINCT FROM OLD.cross_id
     OR NEW.source_environment_id IS DISTINCT FROM OLD.source_environment_id
     OR NEW.target_environment_id IS DISTINCT FROM OLD.target_environment_id
     OR NEW.source_revision IS DISTINCT FROM OLD.source_revision
     OR NEW.snapshot IS DISTINCT FROM OLD.snapshot
     OR NEW.requested_by IS DISTINCT FROM OLD.requested_by
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'a promotion''s request cannot change' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status NOT IN ('pending', 'applying') THEN
    RAISE EXCEPTION 'promotion % is already %', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER promotions_guard
  BEFORE UPDATE ON promotions
  FOR EACH ROW EXECUTE FUNCTION stageway_guard_promotion();
--> statement-breakpoint
CREATE TRIGGER promotions_no_delete
  BEFORE DELETE ON promotions
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
