import { verifyAuditTrail } from '@/lib/audit/verify-audit-trail';
import { apiRoute, json } from '@/lib/http/api-route';

/** Seals what can be sealed and verifies the whole trail: "intact up to event N", or where it breaks. */
export const GET = apiRoute(async ({ actor }) => json(await verifyAuditTrail(actor)));
