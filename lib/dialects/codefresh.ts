import 'server-only';

import { createHash } from 'node:crypto';

import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';

import { getDb } from '@/db';
import { apiRevisions, environments, installations } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { canonicalJson } from '@/lib/canonical-json';
import type { DialectProblem } from '@/lib/http/api-route';
import { AppError, parseInput } from '@/lib/errors';
import { getPromotion } from '@/lib/promotions/queries';
import { requestPromotion } from '@/lib/promotions/request-promotion';

import { findRepository, slugOf } from './drone';
import { codefreshAppId, commitBody, pullRequestBody } from './schemas';

/**
 * Codefresh's Promotions API (seed 002) over Stageway: an application is an API, named by `runtime`
 * (the installation's key), `namespace` (the environment's key) and `name` (the API's slug). A
 * `commit` writes the destination at once — a direct promotion, where the destination allows it and
 * the caller alone meets its approval policy; a `pullRequest` opens a request for approval. The rules
 * are the domain's.
 */

type AppId = z.infer<typeof codefreshAppId>;

/** The source API and target environment two application ids name; every mismatch names its field. */
async function resolveApps(actor: Actor, source: AppId, destination: AppId) {
  const api = await findRepository(actor, source.namespace, source.name);
  const [sourceInstallation, targetEnvironment] = await Promise.all([
    installationOf(source.namespace),
    getDb()
      .select({ id: environments.id, installation: installations.key })
      .from(environments)
      .innerJoin(installations, eq(installations.id, environments.installationId))
      .where(eq(environments.key, destination.namespace))
      .then((rows) => rows[0]),
  ]);
  const wrong = (field: string, message: string) =>
    new AppError('validation', message, { fieldErrors: { [field]: [message] } });
  if (source.runtime !== sourceInstallation) {
    throw wrong(
      'srcAppId.runtime',
      `${source.namespace} runs in the runtime ${sourceInstallation}, not ${source.runtime}.`,
    );
  }
  if (!targetEnvironment)
    throw wrong('destAppId.namespace', `There is no namespace ${destination.namespace}.`);
  if (destination.runtime !== targetEnvironment.installation) {
    throw wrong(
      'destAppId.runtime',
      `${destination.namespace} runs in the runtime ${targetEnvironment.installation}, not ${destination.runtime}.`,
    );
  }
  // The destination application is the API itself in the target: it keeps the source's name.
  if (destination.name !== slugOf(api.name)) {
    throw wrong(
      'destAppId.name',
      `The destination of ${api.name} is named ${slugOf(api.name)} in every namespace.`,
    );
  }
  return api;
}

async function installationOf(environmentKey: string) {
  const [row] = await getDb()
    .select({ key: installations.key })
    .from(environments)
    .innerJoin(installations, eq(installations.id, environments.installationId))
    .where(eq(environments.key, environmentKey));
  return row?.key;
}

/**
 * A commit: the promotion applied at once. COMMIT_SHA is the SHA-1 of the new revision (the target
 * API's id, the revision number and its canonical definition), the same for the same revision.
 */
export async function commitPromotion(actor: Actor, raw: unknown) {
  const body = parseInput(commitBody, raw);
  const api = await resolveApps(actor, body.srcAppId, body.destAppId);
  const outcome = await requestPromotion(actor, {
    apiId: api.id,
    target: body.destAppId.namespace,
    mode: 'direct',
    message: body.message,
  });
  const promotion = await getPromotion(actor, outcome.id);
  const result = promotion.result!;
  const [revision] = await getDb()
    .select({ definition: apiRevisions.definition })
    .from(apiRevisions)
    .where(and(eq(apiRevisions.apiId, result.apiId), eq(apiRevisions.revision, result.revision)));
  return {
    COMMIT_SHA: createHash('sha1')
      .update(`${result.apiId}\n${result.revision}\n${canonicalJson(revision!.definition)}`)
      .digest('hex'),
    COMMIT_MESSAGE: body.message,
    COMMIT_AUTHOR: `${actor.name} <${actor.email}>`,
  };
}

/** A pull request: a promotion request waiting for approval; `head` travels as a parameter. */
export async function pullRequestPromotion(actor: Actor, raw: unknown) {
  const body = parseInput(pullRequestBody, raw);
  const api = await resolveApps(actor, body.srcAppId, body.destAppId);
  const commitMessage = body.commitMessage || body.title;
  const outcome = await requestPromotion(actor, {
    apiId: api.id,
    target: body.destAppId.namespace,
    title: body.title,
    description: body.description,
    message: body.commitDescription ? `${commitMessage}\n\n${body.commitDescription}` : commitMessage,
    parameters: { head: body.head },
  });
  const promotion = await getPromotion(actor, outcome.id);
  return {
    PR_ID: promotion.number,
    PR_URL: `/promotions/${promotion.id}`,
    PR_TITLE: body.title,
    PR_STATUS: promotion.status === 'pending' ? 'open' : 'merged',
    HEAD: body.head,
  };
}

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * Codefresh (a NestJS service) answers `{statusCode, message, error}`; "no changes" is its 400 with
 * the seed's exact message.
 */
export function codefreshError(problem: DialectProblem) {
  if (problem.code === 'no_changes') {
    return {
      replaceStatus: true as const,
      status: 400,
      body: {
        statusCode: 400,
        message: 'no changes found between source and destination applications',
        error: 'Bad Request',
      },
    };
  }
  const fields = problem.errors
    ? Object.entries(problem.errors).map(([field, messages]) => `${field}: ${messages.join(', ')}`)
    : [];
  return {
    statusCode: problem.status,
    message: fields.length ? fields : problem.detail,
    error: reasonPhrases[problem.status] ?? 'Error',
  };
}
