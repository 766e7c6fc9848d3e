import vm from 'node:vm';

import { Environment } from '@marcbachmann/cel-js';

import type { ApiDefinition } from '@/db/definition';
import type { GateRule } from '@/db/gate-rules';
import type { DefinitionDiff } from '@/lib/diff';

/**
 * Custom gate rules: CEL expressions over a promotion that must be true. CEL (the Common Expression
 * Language) has no loops or recursion, so an expression is small and its evaluation bounded by its
 * input. The library is @marcbachmann/cel-js: maintained, no dependencies, a type checker that names
 * the position of an error, and parse-time limits on size and depth. It has no evaluation budget, so
 * each evaluation runs under `node:vm`'s timeout, which interrupts any JavaScript the call runs —
 * nested comprehensions over a large definition stop at `evaluationTimeLimitMs` like an infinite loop.
 */

export const evaluationTimeLimitMs = 100;

/** What an expression may read, with what each holds: the reference the policy page shows. */
export const celVariables = {
  snapshot: { type: 'map', doc: 'the definition the promotion carries (name, version, endpoints, plans, …)' },
  result: { type: 'map', doc: 'what the target API would hold after the promotion' },
  target: { type: 'dyn', doc: "the target API's definition now, or null when the promotion creates it" },
  diff: {
    type: 'list',
    doc: 'the changes it would make: maps of part, path, kind (added, removed, changed, reordered), before, after',
  },
  action: { type: 'string', doc: '"create" or "update"' },
  sourceEnvironment: { type: 'map', doc: 'key and name of the environment the API leaves' },
  targetEnvironment: { type: 'map', doc: 'key and name of the environment it enters' },
  requester: { type: 'map', doc: 'id, email and name of who asked for the promotion' },
  parameters: { type: 'map', doc: 'the parameters given with the promotion (strings)' },
  properties: { type: 'map', doc: 'the additional properties given with the promotion (strings)' },
  now: { type: 'google.protobuf.Timestamp', doc: 'the time of the judgment' },
  stage: { type: 'string', doc: '"preflight", "request", "approval" or "accept"' },
} as const;

/** Variables whose values come from the target: a rule that reads one is judged only for its readers. */
const targetVariables = new Set(['result', 'target', 'diff']);

export type CelVariables = {
  snapshot: ApiDefinition;
  result: ApiDefinition;
  target: ApiDefinition | null;
  diff: DefinitionDiff;
  action: 'create' | 'update';
  sourceEnvironment: { key: string; name: string };
  targetEnvironment: { key: string; name: string };
  requester: { id: string; email: string; name: string };
  parameters: Record<string, string>;
  properties: Record<string, string>;
  now: Date;
  stage: string;
};

const environment = Object.entries(celVariables).reduce(
  (env, [name, variable]) => env.registerVariable(name, variable.type),
  new Environment({
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 400, maxDepth: 24, maxListElements: 100, maxMapEntries: 50, maxCallArguments: 8 },
  }),
);

type CelError = Error & { node?: { pos?: number } };

/** "line 2, column 5" of an offset in the expression. */
function position(expression: string, offset: number): { line: number; column: number } {
  const before = expression.slice(0, Math.max(0, offset)).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The library's message without the source excerpt it appends. */
const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

export type Compiled =
  { ok: true; readsTarget: boolean } | { ok: false; message: string; line: number; column: number };

/**
 * Parses and type-checks an expression as a policy is saved: a syntax or type error, an unknown
 * variable or a result that is not a boolean is refused with where it is.
 */
export function compileExpression(expression: string): Compiled {
  const refuse = (message: string, offset = 0): Compiled => ({
    ok: false,
    message,
    ...position(expression, offset),
  });
  try {
    const parsed = environment.parse(expression);
    const checked = parsed.check();
    if (!checked.valid) {
      const error = checked.error as CelError;
      return refuse(firstLine(error), error.node?.pos ?? 0);
    }
    if (checked.type !== 'bool' && checked.type !== 'dyn') {
      return refuse(`The expression must be true or false; this one gives a ${checked.type}.`);
    }
    return { ok: true, readsTarget: identifiersOf(parsed.ast).some((name) => targetVariables.has(name)) };
  } catch (error) {
    return refuse(firstLine(error), (error as CelError).node?.pos ?? 0);
  }
}

/** The variables an expression's syntax tree names. */
function identifiersOf(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(identifiersOf);
  const { op, args } = node as { op?: string; args?: unknown };
  if (op === 'id' && typeof args === 'string') return [args];
  return identifiersOf(args);
}

/** Whether a rule's answer depends on the target's values (a custom rule reading them, or a built-in one). */
export function readsTarget(rule: GateRule): boolean {
  if (rule.rule === 'custom') {
    const compiled = compileExpression(rule.expression);
    return !compiled.ok || compiled.readsTarget;
  }
  return rule.rule === 'version-increases' || rule.rule === 'changes-something';
}

const sandbox = vm.createContext({});
const call = new vm.Script('run()');

export type CelAnswer = { value: true } | { value: false } | { error: string };

/**
 * Evaluates an expression, stopped after `timeLimitMs`. Anything but `true` or `false` — a runtime
 * error (a missing key, a type mismatch), a result of another type, the time limit — is an error
 * the caller judges by the rule's mode.
 */
export function evaluateExpression(
  expression: string,
  variables: CelVariables,
  timeLimitMs = evaluationTimeLimitMs,
): CelAnswer {
  const context = {
    ...variables,
    // Diff paths and parts as plain maps; `lines` (a long text line by line) is for people.
    diff: variables.diff.parts.flatMap((part) =>
      part.changes.map(({ path, kind, before, after }) => ({ part: part.part, path, kind, before, after })),
    ),
  };
  try {
    sandbox.run = () => environment.evaluate(expression, context);
    const value: unknown = call.runInContext(sandbox, { timeout: timeLimitMs });
    if (typeof value === 'boolean') return { value } as CelAnswer;
    return {
      error: `The expression gave ${typeof value === 'bigint' ? 'a number' : typeof value}, not true or false.`,
    };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return { error: `The expression was stopped after ${timeLimitMs} ms.` };
    }
    return { error: firstLine(error) };
  } finally {
    sandbox.run = undefined;
  }
}
