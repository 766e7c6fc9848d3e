ALTER TABLE "login_attempts" ADD COLUMN "refused_unaudited" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "refused_audited_at" timestamp with time zone;