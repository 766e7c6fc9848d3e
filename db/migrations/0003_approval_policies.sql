ALTER TYPE "public"."promotion_status" ADD VALUE 'expired';--> statement-breakpoint
ALTER TYPE "public"."promotion_status" ADD VALUE 'superseded';--> statement-breakpoint
CREATE TABLE "approval_policies" (
	"environment_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"approvals_required" integer DEFAULT 1 NOT NULL,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"approver_may_fill_several_rules" boolean DEFAULT true NOT NULL,
	"self_approval_allowed" boolean DEFAULT false NOT NULL,
	"authors_may_not_approve" boolean DEFAULT false NOT NULL,
	"expiry_hours" integer,
	"reason_required_on_reject" boolean DEFAULT true NOT NULL,
	"title_required" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "approval_policies_environment_id_version_pk" PRIMARY KEY("environment_id","version"),
	CONSTRAINT "approval_policies_version_positive" CHECK ("approval_policies"."version" >= 1),
	CONSTRAINT "approval_policies_approvals_range" CHECK ("approval_policies"."approvals_required" between 1 and 20),
	CONSTRAINT "approval_policies_expiry_positive" CHECK ("approval_policies"."expiry_hours" is null or "approval_policies"."expiry_hours" >= 1)
);
--> statement-breakpoint
CREATE TABLE "promotion_approvals" (
	"promotion_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"policy_version" integer NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotion_approvals_promotion_id_user_id_pk" PRIMARY KEY("promotion_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "environments" DROP CONSTRAINT "environments_approvals_positive";--> statement-breakpoint
ALTER TABLE "api_revisions" ADD COLUMN "promotion_id" uuid;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "author_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "supersedes" uuid;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_approvals" ADD CONSTRAINT "promotion_approvals_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_approvals" ADD CONSTRAINT "promotion_approvals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "promotion_approvals_user_idx" ON "promotion_approvals" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_supersedes_key" ON "promotions" USING btree ("supersedes");--> statement-breakpoint
ALTER TABLE "api_revisions" ADD CONSTRAINT "api_revisions_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_supersedes_promotions_id_fk" FOREIGN KEY ("supersedes") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Every environment starts at version 1 of its approval policy, with the settings it had.
INSERT INTO "approval_policies" ("environment_id", "version", "approvals_required", "self_approval_allowed")
  SELECT "id", 1, "approvals_required", "self_approval_allowed" FROM "environments";--> statement-breakpoint
ALTER TABLE "environments" DROP COLUMN "approvals_required";--> statement-breakpoint
ALTER TABLE "environments" DROP COLUMN "self_approval_allowed";--> statement-breakpoint
-- Policies are versioned and approvals are final: neither is ever changed or removed.
CREATE TRIGGER approval_policies_append_only
  BEFORE UPDATE OR DELETE ON approval_policies
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER approval_policies_no_truncate
  BEFORE TRUNCATE ON approval_policies
  FOR EACH STATEMENT EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER promotion_approvals_append_only
  BEFORE UPDATE OR DELETE ON promotion_approvals
  FOR EACH ROW EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
CREATE TRIGGER promotion_approvals_no_truncate
  BEFORE TRUNCATE ON promotion_approvals
  FOR EACH STATEMENT EXECUTE FUNCTION stageway_refuse_change();
--> statement-breakpoint
-- The request now also names its authors and the request it replaced: both as fixed as the rest.
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
     OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'a promotion''s request cannot change' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status NOT IN ('pending', 'applying') THEN
    RAISE EXCEPTION 'promotion % is already %', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
