'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';

import { formAction } from '@/lib/actions/form-action';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { AppError } from '@/lib/errors';

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

function parseParts(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('validation', 'The definition is invalid: nothing was saved.', {
      fieldErrors: { parts: [`Not valid JSON: ${(error as Error).message}`] },
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('validation', 'The definition is invalid: nothing was saved.', {
      fieldErrors: {
        parts: ['Must be a JSON object with endpoints, plans, flows, properties, pages and metadata'],
      },
    });
  }
  return value as Record<string, unknown>;
}

/** Saves an edited definition as a new revision; authorization and validation happen in the domain. */
export const saveDefinitionAction = formAction(
  formSchema,
  async (actor, input) => {
    const { name, version, contextPath, description } = input;
    const saved = await updateApiDefinition(actor, {
      apiId: input.apiId,
      baseRevision: input.baseRevision,
      definition: { ...parseParts(input.parts), name, version, contextPath, description },
      message: input.message,
    });
    return { ...saved, envKey: input.envKey };
  },
  (saved) =>
    redirect(`/environments/${encodeURIComponent(saved.envKey)}/apis/${saved.apiId}?saved=${saved.revision}`),
);
