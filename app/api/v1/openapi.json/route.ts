import { openApiDocument } from '@/lib/http/openapi';

/** Public: the document describes the API, it grants nothing. */
export function GET() {
  return Response.json(openApiDocument());
}
