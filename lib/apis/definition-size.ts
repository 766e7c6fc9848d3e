/**
 * The one size limit for an API definition, shared by every face: the console's editor checks it
 * before sending, `sizeLimitedDefinitionSchema` (lib/apis/update-api-definition.ts) refuses anything larger (so the save action and
 * `PUT /api/v1/apis/{id}/definition` give the same message), REST reads definition bodies up to it
 * plus a small envelope, and `serverActions.bodySizeLimit` in next.config.mjs sits above it so that
 * the app's own message, never the framework's, is what a too-large save shows. No imports: the
 * browser loads this file with the edit form.
 */
export const maxDefinitionBytes = 1024 * 1024;

/** Room in a REST body for what travels beside the definition (baseRevision, message). */
export const definitionBodyBytes = maxDefinitionBytes + 64 * 1024;

/** The size of a definition as stored and sent: its JSON in UTF-8. */
export function definitionBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').byteLength;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

/** The refusal every face shows for a definition over the limit. */
export function definitionTooLargeMessage(bytes: number): string {
  return `The definition is ${formatBytes(bytes)}: the limit is ${formatBytes(maxDefinitionBytes)} (${maxDefinitionBytes.toLocaleString('en-US')} bytes of JSON).`;
}
