import { z } from 'zod';

import { definitionParts } from '@/db/definition';
import { gateEvaluation } from '@/lib/http/resources';

/** The seeds' own request and response shapes: what the adapters parse, the OpenAPI document, the contract tests. */

// Codefresh (seed 002) requests
export const codefreshAppId = z.object({
  runtime: z.string('Required').trim().min(1, 'Required'),
  namespace: z.string('Required').trim().min(1, 'Required'),
  name: z.string('Required').trim().min(1, 'Required'),
});

export const commitBody = z.object({
  srcAppId: codefreshAppId,
  destAppId: codefreshAppId,
  message: z.string('Required').trim().min(1, 'Required').max(5000),
});

export const pullRequestBody = z.object({
  srcAppId: codefreshAppId,
  destAppId: codefreshAppId,
  head: z.string('Required').trim().min(1, 'Required').max(200),
  title: z.string('Required').trim().min(1, 'Required').max(200),
  description: z.string().trim().max(5000).optional(),
  commitMessage: z.string().trim().max(5000).optional(),
  commitDescription: z.string().trim().max(5000).optional(),
});

// JFrog (seed 003) requests
const part = z.enum(definitionParts, `A repository key is one of ${definitionParts.join(', ')}`);

export const promoteVersionBody = z.object({
  target_stage: z.string('Required').trim().min(1, 'Required'),
  /** keep: as copy (the source keeps its content; Stageway has no separate artifacts to keep). */
  promotion_type: z
    .enum(['copy', 'move', 'keep', 'dry_run'], 'One of copy, move, keep, dry_run')
    .default('copy'),
  included_repository_keys: z.array(part).optional(),
  excluded_repository_keys: z.array(part).optional(),
  artifact_additional_properties: z
    .array(
      z.object({
        key: z.string('Required').trim().min(1, 'Required'),
        value: z.array(z.string()).min(1, 'At least one value'),
      }),
    )
    .optional(),
});

export const droneBuild = z.object({
  id: z.int(),
  repo_id: z.int(),
  number: z.int(),
  parent: z.int(),
  status: z.enum(['blocked', 'running', 'success', 'declined', 'killed', 'failure', 'skipped', 'pending']),
  event: z.enum(['promote', 'push']),
  message: z.string(),
  ref: z.string(),
  source_repo: z.string(),
  created: z.int(),
  updated: z.int(),
  started: z.int(),
  finished: z.int(),
  version: z.int(),
  stages: z.array(z.unknown()),
  action: z.string().optional(),
  link: z.string().optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  source: z.string().optional(),
  target: z.string().optional(),
  author_login: z.string().optional(),
  author_name: z.string().optional(),
  author_email: z.string().optional(),
  author_avatar: z.string().optional(),
  sender: z.string().optional(),
  deploy_to: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
});

export const droneError = z.object({ message: z.string() });

export const codefreshCommit = z.object({
  COMMIT_SHA: z.string().regex(/^[0-9a-f]{40}$/),
  COMMIT_MESSAGE: z.string(),
  COMMIT_AUTHOR: z.string(),
});
export const codefreshPullRequest = z.object({
  PR_ID: z.int(),
  PR_URL: z.string(),
  PR_TITLE: z.string(),
  PR_STATUS: z.enum(['open', 'merged']),
  HEAD: z.string(),
});
export const codefreshError = z.object({
  statusCode: z.int(),
  message: z.union([z.string(), z.array(z.string())]),
  error: z.string(),
});

export const jfrogPromotion = z.object({
  application_key: z.string(),
  version: z.string(),
  source_stage: z.string(),
  target_stage: z.string(),
  promotion_type: z.enum(['copy', 'move', 'keep', 'dry_run']),
  status: z.enum(['success', 'in_progress', 'pending_approval']),
  message: z.string(),
  included_repository_keys: z.array(z.string()),
  excluded_repository_keys: z.array(z.string()),
  artifact_additional_properties: z.record(z.string(), z.string()),
  created: z.string(),
  evaluations: z.object({ exit_gate: gateEvaluation, entry_gate: gateEvaluation }),
});
export const jfrogError = z.object({ errors: z.array(z.object({ status: z.int(), message: z.string() })) });
