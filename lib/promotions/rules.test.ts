import { and, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { getDb, type Tx } from '@/db';
import { apiRevisions, apis, approvalPolicies, promotionApprovals, promotions, users } from '@/db/schema';
import { environmentRoles, type EnvironmentRole } from '@/lib/auth/permissions';
import { createTestApi, environmentId } from '@/test/fixtures';

import { approvableWhere, promotionAction, whyCannotApprove, type Roles } from './rules';

/**
 * The Tasks inbox (SQL, `approvableWhere`) and the per-promotion rule (`whyCannotApprove`) must name
 * the same promotions for every actor, promotion and policy. Each generated case writes its policies,
 * promotions and approvals in a transaction, compares both answers, and rolls everything back.
 */

const targets = ['qa', 'demo', 'prod'] as const;
let userIds: string[] = [];
const environmentIds: Record<string, string> = {};
let sourceApis: { id: string; crossId: string; environmentId: string }[] = [];
/** Which (source API, target) pairs already hold the API: accepting those updates it. */
const existing = new Set<string>();

class Rollback extends Error {}

type Infer<A> = A extends fc.Arbitrary<infer T> ? T : never;

beforeAll(async () => {
  userIds = (await getDb().select({ id: users.id }).from(users).limit(6)).map((user) => user.id);
  for (const key of ['dev', ...targets]) environmentIds[key] = await environmentId(key);
  sourceApis = await Promise.all([createTestApi(), createTestApi(), createTestApi()]);
  // The first API is already in QA and PROD.
  for (const key of ['qa', 'prod'] as const) {
    const source = sourceApis[0]!;
    const [copy] = await getDb()
      .insert(apis)
      .values({
        environmentId: environmentIds[key]!,
        crossId: source.crossId,
        definition: (
          await getDb()
            .select()
            .from(apis)
            .where(inArray(apis.id, [source.id]))
        )[0]!.definition,
        currentRevision: 1,
        lifecycleState: 'published',
      })
      .returning();
    await getDb().insert(apiRevisions).values({ apiId: copy!.id, revision: 1, definition: copy!.definition });
    existing.add(`${source.id}:${key}`);
  }
});

const user = () => fc.nat({ max: 5 });
const actorArbitrary = fc.record({
  user: user(),
  isOrgAdmin: fc.constantFrom(true, false, false, false),
  roles: fc.record({
    dev: fc.option(fc.constantFrom(...environmentRoles)),
    qa: fc.option(fc.constantFrom(...environmentRoles)),
    demo: fc.option(fc.constantFrom(...environmentRoles)),
    prod: fc.option(fc.constantFrom(...environmentRoles)),
  }),
});
const policyArbitrary = fc.record({ selfApprovalAllowed: fc.boolean(), authorsMayNotApprove: fc.boolean() });
const promotionArbitrary = fc.record({
  api: fc.nat({ max: 2 }),
  target: fc.constantFrom(...targets),
  status: fc.constantFrom('pending', 'pending', 'pending', 'accepted', 'rejected', 'expired'),
  requester: user(),
  authors: fc.uniqueArray(user(), { maxLength: 3 }),
  approvers: fc.uniqueArray(user(), { maxLength: 3 }),
});

type Case = {
  actor: Infer<typeof actorArbitrary>;
  policies: Record<(typeof targets)[number], Infer<typeof policyArbitrary>>;
  promotions: Infer<typeof promotionArbitrary>[];
};

async function bothAnswers(tx: Tx, generated: Case) {
  for (const key of targets) {
    await tx.insert(approvalPolicies).values({
      environmentId: environmentIds[key]!,
      version: 1000,
      ...generated.policies[key],
    });
  }
  // At most one open request per API and target, as the database insists.
  const seen = new Set<string>();
  const inserted: (Infer<typeof promotionArbitrary> & { id: string })[] = [];
  for (const promotion of generated.promotions) {
    const key = `${promotion.api}:${promotion.target}`;
    if (promotion.status === 'pending' && seen.has(key)) continue;
    if (promotion.status === 'pending') seen.add(key);
    const source = sourceApis[promotion.api]!;
    const [row] = await tx
      .insert(promotions)
      .values({
        apiId: source.id,
        crossId: source.crossId,
        sourceEnvironmentId: source.environmentId,
        targetEnvironmentId: environmentIds[promotion.target]!,
        sourceRevision: 1,
        snapshot: {} as never,
        status: promotion.status,
        decidedAt: promotion.status === 'pending' ? null : new Date(),
        requestedBy: userIds[promotion.requester]!,
        authorIds: promotion.authors.map((index) => userIds[index]!),
      })
      .returning({ id: promotions.id });
    for (const approver of promotion.approvers) {
      await tx
        .insert(promotionApprovals)
        .values({ promotionId: row!.id, userId: userIds[approver]!, policyVersion: 1000 });
    }
    inserted.push({ ...promotion, id: row!.id });
  }

  const actor: Roles & { userId: string } = {
    userId: userIds[generated.actor.user]!,
    isOrgAdmin: generated.actor.isOrgAdmin,
    environmentRoles: new Map(
      Object.entries(generated.actor.roles).flatMap(([key, role]) =>
        role ? [[environmentIds[key]!, role as EnvironmentRole]] : [],
      ),
    ),
    apiRoles: new Map(),
  };
  const fromSql = (
    await tx
      .select({ id: promotions.id })
      .from(promotions)
      .where(
        and(
          inArray(
            promotions.id,
            inserted.map((promotion) => promotion.id),
          ),
          approvableWhere(actor),
        ),
      )
  ).map((row) => row.id);
  const perPromotion = inserted
    .filter(
      (promotion) =>
        promotion.status === 'pending' &&
        whyCannotApprove(
          actor,
          {
            targetEnvironmentId: environmentIds[promotion.target]!,
            requestedBy: userIds[promotion.requester]!,
            authorIds: promotion.authors.map((index) => userIds[index]!),
          },
          promotionAction(existing.has(`${sourceApis[promotion.api]!.id}:${promotion.target}`)),
          generated.policies[promotion.target],
          {
            alreadyApproved: promotion.approvers.includes(generated.actor.user),
            targetName: promotion.target,
          },
        ) === null,
    )
    .map((promotion) => promotion.id);
  return { fromSql: fromSql.sort(), perPromotion: perPromotion.sort() };
}

describe('tasks I can act on', () => {
  it('the SQL scope and the per-promotion rule agree (1,000 generated cases)', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          actor: actorArbitrary,
          policies: fc.record({ qa: policyArbitrary, demo: policyArbitrary, prod: policyArbitrary }),
          promotions: fc.array(promotionArbitrary, { minLength: 1, maxLength: 6 }),
        }),
        async (generated) => {
          let answers: Awaited<ReturnType<typeof bothAnswers>> | undefined;
          try {
            await getDb().transaction(async (tx) => {
              answers = await bothAnswers(tx, generated);
              throw new Rollback();
            });
          } catch (error) {
            if (!(error instanceof Rollback)) throw error;
          }
          expect(answers!.fromSql).toEqual(answers!.perPromotion);
          if (answers!.perPromotion.length) nonEmpty++;
        },
      ),
      { numRuns: 1000 },
    );
    // The cases exercise both answers, not only "nothing to do".
    expect(nonEmpty).toBeGreaterThan(100);
  }, 300_000);
});
