import 'server-only';

import { eq } from 'drizzle-orm';
import { z } from 'zod';

import { apiRevisions, apis } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { DeniedError, runAudited } from '@/lib/audit/run-audited';
import { can, canSeeApi, type Actor } from '@/lib/auth/actor';
import { sameJson } from '@/lib/canonical-json';
import { AppError, maxInt, notFound, parseInput, toFieldErrors, uniqueViolation } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

import { apiDefinitionSchema, type ApiDefinition } from '@/db/definition';

import { definitionBytes, definitionTooLargeMessage, maxDefinitionBytes } from './definition-size';

/**
 * The definition schema with the size limit in front: a definition over it is refused for that
 * alone (the rest is not checked), with the message every face shows (lib/apis/definition-size.ts).
 */
export const sizeLimitedDefinitionSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const bytes = definitionBytes(value);
    if (bytes > maxDefinitionBytes)
      ctx.addIssue({ code: 'custom', message: definitionTooLargeMessage(bytes) });
  })
  .pipe(apiDefinitionSchema);

export const updateApiDefinitionInput = z.object({
  apiId: z.string(),
  /** The revision the editor started from: saving over someone else's newer revision is refused. */
  baseRevision: z.coerce.number().int().min(1).max(maxInt, 'No such revision'),
  definition: z.unknown(),
  message: z.string().trim().max(500, 'At most 500 characters').optional(),
});

export type UpdateApiDefinitionInput = z.input<typeof updateApiDefinitionInput>;

/**
 * Saves a new definition of an API as its next revision. Needs API `DEFINITION:UPDATE`; refuses
 * invalid definitions field by field, stale edits, no-op edits and context paths taken in the
 * environment; writes the revision, moves the API to it and audits the change, all in one transaction.
 */
export async function updateApiDefinition(
  actor: Actor,
  rawInput: UpdateApiDefinitionInput,
): Promise<{ apiId: string; revision: number; definition: ApiDefinition }> {
  const input = parseInput(updateApiDefinitionInput, rawInput);
  const { apiId, baseRevision, message } = input;
  if (!isUuid(apiId)) throw notFound('API');

  // Over the size limit, that alone is the refusal.
  const parsed = sizeLimitedDefinitionSchema.safeParse(input.definition);
  if (!parsed.success) {
    throw new AppError('validation', 'The definition is invalid: nothing was saved.', {
      fieldErrors: toFieldErrors(parsed.error),
    });
  }
  const definition = parsed.data;

  try {
    return await runAudited(actor, async (tx) => {
      const [api] = await tx
        .select({
          id: apis.id,
          environmentId: apis.environmentId,
          definition: apis.definition,
          currentRevision: apis.currentRevision,
          lifecycleState: apis.lifecycleState,
        })
        .from(apis)
        .where(eq(apis.id, apiId))
        .for('update');
      const scope = api && { apiId: api.id, environmentId: api.environmentId };
      if (!api || !scope || !canSeeApi(actor, scope)) throw notFound('API');
      if (!can(actor, 'DEFINITION:UPDATE', scope)) {
        throw new DeniedError('You may not change the definition of this API.', {
          action: 'api.updated',
          environmentIds: [api.environmentId],
          target: { type: 'api', id: api.id },
        });
      }
      if (api.lifecycleState === 'archived')
        throw new AppError('conflict', 'This API is archived: its definition cannot change.');
      if (api.currentRevision !== baseRevision) {
        throw new AppError(
          'conflict',
          `This API changed since you opened it (now at revision ${api.currentRevision}). Reload it and apply your change again.`,
          { details: { currentRevision: api.currentRevision } },
        );
      }
      if (sameJson(api.definition, definition)) {
        throw new AppError(
          'no_changes',
          'Nothing changed: the definition is the same as revision ' + baseRevision + '.',
        );
      }

      const revision = api.currentRevision + 1;
      await tx
        .insert(apiRevisions)
        .values({ apiId, revision, definition, message: message || null, createdBy: actor.userId });
      await tx
        .update(apis)
        .set({ definition, currentRevision: revision, updatedAt: new Date(), updatedBy: actor.userId })
        .where(eq(apis.id, apiId));
      await recordAudit(tx, actor, {
        action: 'api.updated',
        environmentIds: [api.environmentId],
        target: { type: 'api', id: apiId },
        reason: message || undefined,
        changes: {
          before: { revision: baseRevision, definition: api.definition },
          after: { revision, definition },
        },
      });
      return { apiId, revision, definition };
    });
  } catch (error) {
    if (uniqueViolation(error)?.constraint === 'apis_environment_context_path_key') {
      throw new AppError('validation', 'The definition is invalid: nothing was saved.', {
        fieldErrors: {
          contextPath: [`Another API in this environment already uses ${definition.contextPath}`],
        },
      });
    }
    throw error;
  }
}
