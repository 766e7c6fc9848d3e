import { updateApprovalPolicy } from '@/lib/environments/update-approval-policy';
import { getApprovalPolicy } from '@/lib/environments/queries';
import { apiRoute, json } from '@/lib/http/api-route';
import { parseInput } from '@/lib/errors';
import { approvalPolicyBody, toApprovalPolicy } from '@/lib/http/resources';

export const GET = apiRoute<{ env: string }>(async ({ actor, params }) => {
  const { environment, policy } = await getApprovalPolicy(actor, params.env);
  return json(toApprovalPolicy(environment, policy));
});

/** Replaces the policy with a new version (ENVIRONMENT:UPDATE); 422 when nothing changes. */
export const PUT = apiRoute<{ env: string }>(async ({ actor, params, body }) => {
  await updateApprovalPolicy(actor, params.env, parseInput(approvalPolicyBody, body));
  const { environment, policy } = await getApprovalPolicy(actor, params.env);
  return json(toApprovalPolicy(environment, policy));
});
