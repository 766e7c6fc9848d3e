import { verifyAuditTrail } from '@/lib/audit/verify-audit-trail';
import { authenticate } from '@/lib/auth/session';
import { problemFrom } from '@/lib/http/problem';

/** Seals what can be sealed and verifies the whole trail: "intact up to event N", or where it breaks. */
export async function GET() {
  try {
    const actor = await authenticate();
    return Response.json(await verifyAuditTrail(actor), { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return problemFrom(error);
  }
}
