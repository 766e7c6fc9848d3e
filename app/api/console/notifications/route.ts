import { sessionRoute } from '@/lib/http/route';
import { listNotifications } from '@/lib/notifications/queries';

export const GET = sessionRoute(async (actor) => listNotifications(actor));
