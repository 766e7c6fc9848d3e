import { z } from 'zod';

/**
 * What an environment's gates may contain, as stored in its policy: built-in rules and custom CEL
 * rules, each `off`, `warn` or `fail`, with their parameters. The rules themselves run in lib/gates
 * (which also compiles a custom rule's expression when a policy is saved).
 */

const mode = z.enum(['off', 'warn', 'fail'], 'One of off, warn, fail');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], 'A weekday: mon … sun');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'A time as HH:MM');
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'An IANA time zone, e.g. Europe/Berlin');

export const gateRuleSchema = z.discriminatedUnion('rule', [
  /** On by default (`fail`) in every entry gate: a promotion that changes nothing is refused. */
  z.object({ rule: z.literal('changes-something'), mode }),
  z.object({ rule: z.literal('version-increases'), mode }),
  z.object({
    rule: z.literal('plans-secured'),
    mode,
    allowedSecurity: z
      .array(z.enum(['KEYLESS', 'API_KEY', 'JWT', 'OAUTH2']))
      .max(4)
      .optional(),
  }),
  z.object({ rule: z.literal('https-only'), mode }),
  z.object({ rule: z.literal('soak-time'), mode, hours: z.int().min(1).max(8760) }),
  z.object({
    rule: z.literal('required-properties'),
    mode,
    keys: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'A property key'))
      .min(1)
      .max(50),
  }),
  z.object({ rule: z.literal('description-and-owner'), mode }),
  z.object({
    rule: z.literal('change-window'),
    mode,
    timeZone,
    windows: z
      .array(
        z
          .object({ days: z.array(weekday).min(1).max(7), from: clock, to: clock })
          .refine((window) => window.from < window.to, 'A window ends after it starts'),
      )
      .min(1)
      .max(20),
  }),
  /** A CEL expression over the promotion that must be true (see lib/gates/cel.ts for its variables). */
  z.object({
    rule: z.literal('custom'),
    mode,
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'A name of letters, digits, spaces, _ . - (1–64)'),
    expression: z.string().trim().min(1, 'An expression').max(2000, 'At most 2,000 characters'),
    /** Said when the expression is false; default: the expression itself. */
    message: z.string().trim().max(300, 'At most 300 characters').optional(),
  }),
]);

/** What identifies a rule within a gate: its kind, or a custom rule's name. */
export const gateRuleKey = (rule: { rule: string; name?: string }) =>
  rule.rule === 'custom' ? `custom:${rule.name}` : rule.rule;

export const gateSchema = z
  .array(gateRuleSchema)
  .max(20)
  .refine(
    (rules) => new Set(rules.map(gateRuleKey)).size === rules.length,
    'Each rule at most once per gate (custom rules: each name once)',
  );

export type GateRule = z.infer<typeof gateSchema>[number];

/** A gate judged on one promotion, stored with it, in the JFrog seed's shape. */
export type GateEvaluation = {
  evalId: string;
  stage: 'exit' | 'entry';
  decision: 'pass' | 'warn' | 'fail' | 'error';
  explanation: string;
  violatedPolicies: {
    name: string;
    policyId: string;
    ruleName: string;
    ruleCategory: 'built-in' | 'custom';
    decision: 'warn' | 'fail';
    explanation: string;
    resourcesEvaluated: { pass: number; warn: number; fail: number };
  }[];
  /** Every rule that ran, violated or not, for the gate panel. */
  rules: { ruleName: string; mode: 'warn' | 'fail'; passed: boolean; explanation: string }[];
  /** Rules left out because they depend on a target the viewer may not read (judged by its approvers). */
  withheld?: number;
};
