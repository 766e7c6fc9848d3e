import { z } from 'zod';

/** The seeds' own response shapes, for the OpenAPI document and the contract tests. */

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
