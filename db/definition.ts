import { z } from 'zod';

/**
 * An API definition: everything about an API that travels between environments. Members, groups,
 * ids and the lifecycle state are not part of it.
 */

const name = z.string().trim().min(1, 'Required').max(100, 'At most 100 characters');
const httpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

// Kept in a module of their own so browser code (the diff) can use them without zod.
export { definitionParts, type DefinitionPart } from './definition-parts';

export const endpointSchema = z.object({
  name,
  target: z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL' }),
  weight: z.int().min(1).max(100).default(1),
  backup: z.boolean().default(false),
});

export const planSchema = z.object({
  name,
  description: z.string().max(500).default(''),
  security: z.enum(['KEYLESS', 'API_KEY', 'JWT', 'OAUTH2'], {
    error: 'One of KEYLESS, API_KEY, JWT, OAUTH2',
  }),
  status: z.enum(['STAGING', 'PUBLISHED', 'DEPRECATED', 'CLOSED']).default('STAGING'),
  validation: z.enum(['AUTO', 'MANUAL']).default('AUTO'),
  rateLimit: z.object({ limit: z.int().min(1), periodSeconds: z.int().min(1).max(86_400) }).optional(),
});

export const flowSchema = z.object({
  name,
  path: z.string().regex(/^\//, 'Must start with /').max(200),
  methods: z.array(httpMethod).default([]),
  steps: z
    .array(
      z.object({
        policy: name,
        description: z.string().max(500).default(''),
        configuration: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
});

const keyValue = z.object({
  key: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Letters, digits, _ . - only (at most 64)'),
  value: z.string().max(2000),
});

export const pageSchema = z.object({
  title: name,
  type: z.enum(['MARKDOWN', 'OPENAPI', 'ASCIIDOC']).default('MARKDOWN'),
  content: z.string().max(100_000),
  published: z.boolean().default(false),
});

function uniqueBy<T>(field: keyof T & string, what: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<unknown>();
    items.forEach((item, index) => {
      const value = item[field];
      if (seen.has(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, field],
          message: `Duplicate ${what} "${String(value)}"`,
        });
      }
      seen.add(value);
    });
  };
}

export const apiDefinitionSchema = z.object({
  name,
  version: z.string().trim().min(1, 'Required').max(32, 'At most 32 characters'),
  description: z.string().max(2000, 'At most 2000 characters').default(''),
  contextPath: z
    .string()
    .trim()
    .regex(
      /^\/[a-z0-9][a-z0-9._~-]*(\/[a-z0-9][a-z0-9._~-]*)*$/,
      'Must start with / and use lower-case letters, digits, - . _ ~ and single slashes',
    )
    .max(200),
  endpoints: z
    .array(endpointSchema)
    .min(1, 'At least one endpoint')
    .superRefine(uniqueBy('name', 'endpoint')),
  plans: z.array(planSchema).default([]).superRefine(uniqueBy('name', 'plan')),
  flows: z.array(flowSchema).default([]),
  properties: z.array(keyValue).default([]).superRefine(uniqueBy('key', 'property')),
  pages: z.array(pageSchema).default([]).superRefine(uniqueBy('title', 'page')),
  metadata: z.array(keyValue).default([]).superRefine(uniqueBy('key', 'metadata key')),
});

export type ApiDefinition = z.infer<typeof apiDefinitionSchema>;

/** The parts of a definition edited as JSON (all but name, version, description and context path). */
export const definitionPartsSchema = z.object({
  endpoints: apiDefinitionSchema.shape.endpoints,
  plans: apiDefinitionSchema.shape.plans,
  flows: apiDefinitionSchema.shape.flows,
  properties: apiDefinitionSchema.shape.properties,
  pages: apiDefinitionSchema.shape.pages,
  metadata: apiDefinitionSchema.shape.metadata,
});

/** The JSON Schema of those parts, generated from the zod schema, for the editor to check as you type. */
export function definitionPartsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(definitionPartsSchema, { io: 'input', unrepresentable: 'any' });
}
export type ApiDefinitionInput = z.input<typeof apiDefinitionSchema>;
