import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { encode } from 'next-auth/jwt';
import { expect } from 'vitest';

import { getDb } from '@/db';
import { loadActor, noRequestContext } from '@/lib/auth/actor';
import { startSession } from '@/lib/auth/sessions';

import { openApiDocument } from '@/lib/http/openapi';
import { createApiToken } from '@/lib/tokens/create-api-token';
import { actorFor, userIdOf } from '@/test/fixtures';

type Handler = (request: Request, context: { params: Promise<never> }) => Promise<Response>;

export type Call = {
  status: number;
  headers: Headers;
  body: unknown;
  contentType: string;
};

/** Calls a route handler as Next would, with a real Request. */
export async function call(
  handler: unknown,
  options: {
    method?: string;
    path: string;
    params?: Record<string, string>;
    token?: string | null;
    authorization?: string;
    body?: unknown;
    rawBody?: string | Uint8Array;
    headers?: Record<string, string>;
  },
): Promise<Call> {
  const headers = new Headers(options.headers);
  if (options.authorization) headers.set('authorization', options.authorization);
  else if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  let body: BodyInit | undefined;
  if (options.rawBody !== undefined) body = options.rawBody as BodyInit;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const request = new Request(`http://localhost/api/v1${options.path}`, {
    method: options.method ?? 'GET',
    headers,
    body,
  });
  const response = await (handler as Handler)(request, {
    params: Promise.resolve((options.params ?? {}) as never),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const isJson = /\bjson\b/.test(contentType) && !contentType.includes('ndjson');
  return {
    status: response.status,
    headers: response.headers,
    body: isJson && text ? JSON.parse(text) : text,
    contentType,
  };
}

const document = openApiDocument() as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'openapi');

/**
 * Asserts that a response is one the OpenAPI document declares for this operation: its status is
 * listed, its content type matches, and its body validates against the declared schema.
 */
export function expectConforms(path: string, method: string, response: Call) {
  const operation = document.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is in the document`).toBeDefined();
  const declared = operation!.responses[String(response.status)];
  expect(
    declared,
    `${method} ${path} declares ${response.status} (body: ${JSON.stringify(response.body)})`,
  ).toBeDefined();
  if (!declared!.content) return;
  const [mediaType, content] = Object.entries(declared!.content)[0]!;
  expect(response.contentType).toContain(mediaType);
  // The document's refs are local (#/components/…): resolve them inside the registered document.
  const validate = ajv.compile({ $ref: `openapi${(content.schema as { $ref: string }).$ref}` });
  const isValid = validate(response.body);
  expect(validate.errors ?? [], `${method} ${path} ${response.status} body matches its schema`).toEqual([]);
  expect(isValid).toBe(true);
}

/** A fresh API token of a demo user. */
export async function tokenFor(
  email: string,
  name = `test-${Math.random().toString(36).slice(2)}`,
): Promise<string> {
  const issued = await createApiToken(await actorFor(email), { name });
  return issued.token;
}

/** POST /apis/{id}/promotions with a JSON body, as a token's holder (`?query` appended when given). */
export async function promote(token: string, apiId: string, body: unknown, query = ''): Promise<Call> {
  const { POST } = await import('@/app/api/v1/apis/[id]/promotions/route');
  return call(POST, {
    method: 'POST',
    path: `/apis/${apiId}/promotions${query}`,
    params: { id: apiId },
    token,
    body,
  });
}

/** A user signed in on a device of their own: the session, its cookie as a browser holds it, the actor. */
export async function signedInDevice(email: string) {
  const userId = await userIdOf(email);
  const sid = await startSession(getDb(), userId, 'password', {
    ip: '198.51.100.4',
    userAgent: 'curl/8',
    requestId: null,
  });
  const cookie = `authjs.session-token=${await encode({
    token: { sub: userId, authMethod: 'password', sid },
    secret: process.env.AUTH_SECRET!,
    salt: 'authjs.session-token',
  })}`;
  const actor = (await loadActor(getDb(), userId, 'password', noRequestContext, sid))!;
  return { sid, cookie, actor };
}
