import { unknownPathHandlers } from '@/lib/http/unknown-path';

/** Any /apptrust/api path no route serves: a problem+json 404. */
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = unknownPathHandlers;
