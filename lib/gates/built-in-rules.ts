import semver from 'semver';

import type { ApiDefinition } from '@/db/definition';
import type { GateRule } from '@/db/gate-rules';
import type { DefinitionDiff } from '@/lib/diff';

/**
 * The built-in gate rules, each a pure function of what a promotion would do: pass, or violated with
 * an explanation and what it looked at. Gates (an environment's exit and entry policies) set each to
 * off, warn or fail; `gate.ts` turns their answers into a gate decision. Nothing here reads the
 * database or the clock: the caller passes `now` and the facts.
 */

export type GateStage = 'preflight' | 'request' | 'approval' | 'accept';

export type GateFacts = {
  stage: GateStage;
  /** The definition the promotion carries, and what the target would hold after it. */
  snapshot: ApiDefinition;
  composed: ApiDefinition;
  /** The target's API as it is now; null when accepting creates it. */
  target: ApiDefinition | null;
  diff: DefinitionDiff;
  /** Another API of the target already on the context path (named for readers), or null. */
  contextPathTakenBy: string | null;
  /** When the promoted revision was made in the source. */
  revisionCreatedAt: Date;
  /** Whether the source API has a primary owner. */
  hasPrimaryOwner: boolean;
  now: Date;
  /** Who asks, from where to where, with what: what custom (CEL) rules may read besides the above. */
  requester: { id: string; email: string; name: string };
  sourceEnvironment: { key: string; name: string };
  targetEnvironment: { key: string; name: string };
  parameters: Record<string, string>;
  properties: Record<string, string>;
};

export type RuleAnswer = {
  violated: boolean;
  explanation: string;
  /** What the rule looked at: how many items passed and failed (JFrog's resources_evaluated). */
  evaluated: { pass: number; fail: number };
};

type WithoutMode<T> = T extends unknown ? Omit<T, 'mode'> : never;

/** A rule as the gate runs it: a stored built-in one without its mode, or the context path rule. */
export type BuiltInRule = WithoutMode<Exclude<GateRule, { rule: 'custom' }>> | { rule: 'context-path-free' };
export type ChangeWindow = Extract<GateRule, { rule: 'change-window' }>['windows'][number];
type Weekday = ChangeWindow['days'][number];

const count = (pass: number, fail: number) => ({ pass, fail });
const passed = (explanation: string, evaluated = count(1, 0)): RuleAnswer => ({
  violated: false,
  explanation,
  evaluated,
});
const violated = (explanation: string, evaluated = count(0, 1)): RuleAnswer => ({
  violated: true,
  explanation,
  evaluated,
});

export function evaluateBuiltInRule(rule: BuiltInRule, facts: GateFacts): RuleAnswer {
  switch (rule.rule) {
    case 'context-path-free':
      return facts.contextPathTakenBy
        ? violated(
            `The context path ${facts.composed.contextPath} is already used by ${facts.contextPathTakenBy} in the target.`,
          )
        : passed(`The context path ${facts.composed.contextPath} is free in the target.`);

    case 'changes-something':
      return facts.diff.parts.length
        ? passed(
            `The promotion changes ${facts.diff.parts.reduce((sum, part) => sum + part.changes.length, 0)} value(s) in the target.`,
          )
        : violated(
            `No changes found between source and destination: ${facts.targetEnvironment.name} already has what this promotion would bring.`,
          );

    case 'version-increases': {
      if (!facts.target) return passed('The API is new in the target.');
      const next = asSemver(facts.snapshot.version);
      const now = asSemver(facts.target.version);
      if (!next || !now) {
        return violated(
          `The versions cannot be compared as semantic versions (${facts.snapshot.version} and ${facts.target.version}).`,
        );
      }
      return semver.gt(next, now)
        ? passed(`Version ${facts.snapshot.version} is greater than the target's ${facts.target.version}.`)
        : violated(
            `Version ${facts.snapshot.version} is not greater than the target's ${facts.target.version}.`,
          );
    }

    case 'plans-secured': {
      const allowed = rule.allowedSecurity?.length ? rule.allowedSecurity : null;
      const bad = facts.composed.plans.filter((plan) =>
        allowed ? !allowed.includes(plan.security) : plan.security === 'KEYLESS',
      );
      const evaluated = count(facts.composed.plans.length - bad.length, bad.length);
      if (bad.length === 0) return passed('Every plan is secured as required.', evaluated);
      return violated(
        allowed
          ? `Plans not secured with ${allowed.join(' or ')}: ${bad.map((plan) => `${plan.name} (${plan.security})`).join(', ')}.`
          : `Keyless plans: ${bad.map((plan) => plan.name).join(', ')}.`,
        evaluated,
      );
    }

    case 'https-only': {
      const bad = facts.composed.endpoints.filter((endpoint) => !endpoint.target.startsWith('https://'));
      const evaluated = count(facts.composed.endpoints.length - bad.length, bad.length);
      return bad.length
        ? violated(
            `Endpoints not using https: ${bad.map((endpoint) => `${endpoint.name} (${endpoint.target})`).join(', ')}.`,
            evaluated,
          )
        : passed('Every endpoint uses https.', evaluated);
    }

    case 'soak-time': {
      const soaked = (facts.now.getTime() - facts.revisionCreatedAt.getTime()) / 3_600_000;
      return soaked >= rule.hours
        ? passed(`The revision has been in the source for ${soaked.toFixed(1)} h (at least ${rule.hours} h).`)
        : violated(
            `The revision has been in the source for ${soaked.toFixed(1)} h; it needs ${rule.hours} h (from ${new Date(
              facts.revisionCreatedAt.getTime() + rule.hours * 3_600_000,
            ).toISOString()}).`,
          );
    }

    case 'required-properties': {
      const present = new Set(facts.composed.properties.map((property) => property.key));
      const missing = rule.keys.filter((key) => !present.has(key));
      const evaluated = count(rule.keys.length - missing.length, missing.length);
      return missing.length
        ? violated(`Missing properties: ${missing.join(', ')}.`, evaluated)
        : passed('Every required property is present.', evaluated);
    }

    case 'description-and-owner': {
      const problems = [
        facts.composed.description.trim() ? null : 'the API has no description',
        facts.hasPrimaryOwner ? null : 'the API has no primary owner',
      ].filter(Boolean);
      return problems.length
        ? violated(
            `${problems.join(' and ')}.`.replace(/^./, (first) => first.toUpperCase()),
            count(2 - problems.length, problems.length),
          )
        : passed('The API has a description and a primary owner.', count(2, 0));
    }

    case 'change-window': {
      // Only applying is bound to the windows; before that the rule says when it could apply.
      const open = isInWindow(facts.now, rule);
      if (facts.stage !== 'accept') {
        return passed(
          open
            ? 'Within a change window now.'
            : `Applies only within change windows; the next opens ${nextWindowOpening(facts.now, rule)?.toISOString() ?? 'never'}.`,
        );
      }
      if (open) return passed('Within a change window.');
      const next = nextWindowOpening(facts.now, rule);
      return violated(
        next
          ? `Outside the change windows (${rule.timeZone}); the next opens at ${next.toISOString()}.`
          : 'Outside the change windows, and none is configured to open.',
      );
    }
  }
}

/** A version as semver: exact when it is one (pre-releases kept), else coerced ("2.1" is 2.1.0). */
function asSemver(version: string): string | null {
  return semver.valid(version) ?? semver.valid(semver.coerce(version));
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The weekday and minute of the day at this instant in a time zone. */
function localTime(instant: Date, timeZone: string): { day: Weekday; minute: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    day: parts.weekday!.slice(0, 3).toLowerCase() as Weekday,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const minuteOf = (time: string) => {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
};

export function isInWindow(instant: Date, rule: { timeZone: string; windows: ChangeWindow[] }): boolean {
  const { day, minute } = localTime(instant, rule.timeZone);
  return rule.windows.some(
    (window) => window.days.includes(day) && minute >= minuteOf(window.from) && minute < minuteOf(window.to),
  );
}

/** The first instant from `after` (exclusive of now) at which a window is open, within a week. */
export function nextWindowOpening(
  after: Date,
  rule: { timeZone: string; windows: ChangeWindow[] },
): Date | null {
  if (!rule.windows.some((window) => window.days.length && minuteOf(window.to) > minuteOf(window.from))) {
    return null;
  }
  const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  // Minute by minute across eight days: exact across daylight-saving changes, and cheap enough for a refusal.
  for (let step = 0; step < 8 * 24 * 60; step++) {
    const candidate = new Date(start + step * 60_000);
    if (isInWindow(candidate, rule)) return candidate;
  }
  return null;
}
