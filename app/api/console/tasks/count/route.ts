import { countTasks } from '@/lib/promotions/queries';
import { sessionRoute } from '@/lib/http/route';

export const GET = sessionRoute(async (actor) => ({ count: await countTasks(actor) }));
