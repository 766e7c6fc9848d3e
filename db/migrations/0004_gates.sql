ALTER TABLE "approval_policies" ADD COLUMN "exit_gate" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD COLUMN "entry_gate" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "justification" text;--> statement-breakpoint
-- The justification is part of the request: as fixed as the rest of it.
CREATE OR REPLACE FUNCTION stageway_guard_promotion() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.api_id IS DISTINCT FROM OLD.api_id
     OR NEW.cross_id IS DISTINCT FROM OLD.cross_id
     OR NEW.source_environment_id IS DISTINCT FROM OLD.source_environment_id
     OR NEW.target_environment_id IS DISTINCT FROM OLD.target_environment_id
     OR NEW.source_revision IS DISTINCT FROM OLD.source_revision
     OR NEW.snapshot IS DISTINCT FROM OLD.snapshot
     OR NEW.requested_by IS DISTINCT FROM OLD.requested_by
     OR NEW.author_ids IS DISTINCT FROM OLD.author_ids
     OR NEW.supersedes IS DISTINCT FROM OLD.supersedes
     OR NEW.justification IS DISTINCT FROM OLD.justification
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'a promotion''s request cannot change' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status NOT IN ('pending', 'applying') THEN
    RAISE EXCEPTION 'promotion % is already %', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
