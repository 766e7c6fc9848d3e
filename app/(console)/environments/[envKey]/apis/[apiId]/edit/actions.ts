'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';

import { apiDefinitionSchema } from '@/db/definition';
import { formAction } from '@/lib/actions/form-action';
import { getApi } from '@/lib/apis/queries';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { AppError, isAppError, toFieldErrors, type FieldErrors } from '@/lib/errors';

const formSchema = z.object({
  envKey: z.string(),
  apiId: z.string(),
  baseRevision: z.string(),
  name: z.string(),
  version: z.string(),
  contextPath: z.string(),
  description: z.string().default(''),
  parts: z.string(),
  message: z.string().optional(),
});

/** The plain fields, checked on their own when the JSON part cannot be read, so every problem shows at once. */
const basicFields = z.object({
  name: apiDefinitionSchema.shape.name,
  version: apiDefinitionSchema.shape.version,
  contextPath: apiDefinitionSchema.shape.contextPath,
  description: apiDefinitionSchema.shape.description,
});

function partsProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  return !value || typeof value !== 'object' || Array.isArray(value)
    ? 'Must be a JSON object with endpoints, plans, flows, properties, pages and metadata'
    : null;
}

type Input = z.infer<typeof formSchema>;

function parseParts(input: Input): Record<string, unknown> {
  const problem = partsProblem(input.parts);
  if (!problem) return JSON.parse(input.parts) as Record<string, unknown>;
  const basics = basicFields.safeParse(input);
  const fieldErrors: FieldErrors = {
    ...(basics.success ? {} : toFieldErrors(basics.error)),
    parts: [problem],
  };
  throw new AppError('validation', 'The definition is invalid: nothing was saved.', { fieldErrors });
}

type Saved =
  | { kind: 'saved'; envKey: string; apiId: string; revision: number }
  | { kind: 'conflict'; input: Input; theirRevision: number; theirs: unknown };

/**
 * Saves an edited definition as a new revision; authorization and validation happen in the domain.
 * When someone else saved first, hands back their revision and definition, so the form can show
 * theirs beside yours and re-apply yours on top (a save against their revision).
 */
export const saveDefinitionAction = formAction(
  formSchema,
  async (actor, input): Promise<Saved> => {
    const { name, version, contextPath, description } = input;
    try {
      const saved = await updateApiDefinition(actor, {
        apiId: input.apiId,
        baseRevision: input.baseRevision,
        definition: { ...parseParts(input), name, version, contextPath, description },
        message: input.message,
      });
      return { kind: 'saved', envKey: input.envKey, apiId: saved.apiId, revision: saved.revision };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'conflict' || !error.details?.currentRevision) throw error;
      const api = await getApi(actor, input.envKey, input.apiId);
      return { kind: 'conflict', input, theirRevision: api.currentRevision, theirs: api.definition };
    }
  },
  (saved) => {
    if (saved.kind === 'conflict') {
      const { name, version, contextPath, description, parts, message, baseRevision } = saved.input;
      return {
        status: 'error',
        message: `Someone else saved revision ${saved.theirRevision} while you were editing revision ${baseRevision}: nothing of yours was saved yet. Their version is below beside yours; re-apply yours on top of it, or cancel.`,
        values: { name, version, contextPath, description, parts, message: message ?? '' },
        data: { theirRevision: String(saved.theirRevision), theirs: JSON.stringify(saved.theirs) },
      };
    }
    redirect(`/environments/${encodeURIComponent(saved.envKey)}/apis/${saved.apiId}?saved=${saved.revision}`);
  },
);
