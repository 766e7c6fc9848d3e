import { definitionBodyBytes } from '@/lib/apis/definition-size';
import { getApiById, getRevision } from '@/lib/apis/queries';
import { updateApiDefinition } from '@/lib/apis/update-api-definition';
import { apiRoute, json } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { definitionUpdateBody, toRevision } from '@/lib/http/resources';

/**
 * Saves a new definition as the API's next revision and returns that revision. The body may be as
 * large as the definition size limit allows (lib/apis/definition-size.ts), not only 64 KiB.
 */
export const PUT = apiRoute<{ id: string }>(
  async ({ actor, params, body }) => {
    const input = parseInput(definitionUpdateBody, body);
    const api = await getApiById(actor, params.id);
    const saved = await updateApiDefinition(actor, {
      apiId: api.id,
      baseRevision: input.baseRevision ?? api.currentRevision,
      definition: input.definition,
      message: input.message,
    });
    const revision = await getRevision(api, saved.revision);
    return json({ ...toRevision(revision), apiId: api.id, definition: revision.definition });
  },
  { maxBodyBytes: definitionBodyBytes },
);
