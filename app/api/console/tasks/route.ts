import { listTasks } from '@/lib/promotions/queries';
import { sessionRoute } from '@/lib/http/route';

/** The Tasks inbox for the console's client list: ?environment=qa&cursor=…; &waiting=1 for "Waiting for others". */
export const GET = sessionRoute(async (actor, request) => {
  const params = new URL(request.url).searchParams;
  return listTasks(actor, {
    environmentKey: params.get('environment'),
    cursor: params.get('cursor'),
    waiting: params.get('waiting') === '1',
  });
});
