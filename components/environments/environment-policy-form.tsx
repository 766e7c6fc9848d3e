'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useMemo, useState } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/form-message';
import type { GateRule } from '@/db/gate-rules';
import { idle, type FormState } from '@/lib/actions/form-state';
import type { Change } from '@/lib/diff';
import type { PolicyEditor } from '@/lib/environments/queries';

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;
type Mode = GateRule['mode'];
type Rules = PolicyEditor['policy']['rules'];
type Window = { days: string[]; from: string; to: string };

const roles = ['ADMIN', 'APPROVER', 'MAINTAINER', 'PUBLISHER', 'USER'] as const;
const securities = ['KEYLESS', 'API_KEY', 'JWT', 'OAUTH2'] as const;
const control =
  'rounded-md border-0 px-2 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-indigo-600';

/** The built-in rules a gate may set, with how each reads in the form. */
const builtIns = [
  ['changes-something', 'The promotion changes something (entry gates: fail unless set)'],
  ['version-increases', 'The version increases'],
  ['plans-secured', 'Every plan is secured'],
  ['https-only', 'Endpoints use https only'],
  ['soak-time', 'Soak time in the source'],
  ['required-properties', 'Required properties'],
  ['description-and-owner', 'Description and primary owner present'],
  ['change-window', 'Change windows (bind the apply)'],
] as const;

type Form = {
  name: string;
  key: string;
  sourcesMode: 'any' | 'only';
  allowedSources: string[];
  directPromotionAllowed: boolean;
  approvalsRequired: string;
  rules: { kind: 'group' | 'role'; groupId: string; role: string; count: string }[];
  approverMayFillSeveralRules: boolean;
  selfApprovalAllowed: boolean;
  authorsMayNotApprove: boolean;
  expiryHours: string;
  reasonRequiredOnReject: boolean;
  titleRequired: boolean;
  exitGate: GateRule[];
  entryGate: GateRule[];
};

function initialForm(editor: PolicyEditor): Form {
  const { settings, policy } = editor;
  return {
    name: settings.name,
    key: settings.key,
    sourcesMode: settings.allowedSources ? 'only' : 'any',
    allowedSources: settings.allowedSources ?? [],
    directPromotionAllowed: settings.directPromotionAllowed,
    approvalsRequired: String(policy.approvalsRequired),
    rules: (policy.rules as Rules).map((rule) => ({
      kind: rule.kind,
      groupId: rule.kind === 'group' ? rule.groupId : '',
      role: rule.kind === 'role' ? rule.role : 'APPROVER',
      count: String(rule.count),
    })),
    approverMayFillSeveralRules: policy.approverMayFillSeveralRules,
    selfApprovalAllowed: policy.selfApprovalAllowed,
    authorsMayNotApprove: policy.authorsMayNotApprove,
    expiryHours: policy.expiryHours === null ? '' : String(policy.expiryHours),
    reasonRequiredOnReject: policy.reasonRequiredOnReject,
    titleRequired: policy.titleRequired,
    exitGate: policy.exitGate,
    entryGate: policy.entryGate,
  };
}

const asNumber = (text: string) => (text.trim() === '' ? NaN : Number(text));

/** What the form asks the server to save: the settings and the whole policy, as the domain takes them. */
function payloadOf(form: Form, editor: PolicyEditor) {
  return {
    settings: {
      name: form.name,
      ...(editor.canChangeKey ? { key: form.key } : {}),
      allowedSources: form.sourcesMode === 'any' ? null : form.allowedSources,
      directPromotionAllowed: form.directPromotionAllowed,
    },
    policy: {
      approvalsRequired: asNumber(form.approvalsRequired),
      rules: form.rules.map((rule) =>
        rule.kind === 'group'
          ? { kind: 'group', groupId: rule.groupId, count: asNumber(rule.count) }
          : { kind: 'role', role: rule.role, count: asNumber(rule.count) },
      ),
      approverMayFillSeveralRules: form.approverMayFillSeveralRules,
      selfApprovalAllowed: form.selfApprovalAllowed,
      authorsMayNotApprove: form.authorsMayNotApprove,
      expiryHours: form.expiryHours.trim() === '' ? null : asNumber(form.expiryHours),
      reasonRequiredOnReject: form.reasonRequiredOnReject,
      titleRequired: form.titleRequired,
      exitGate: form.exitGate,
      entryGate: form.entryGate,
    },
  };
}

function Errors({ state, field }: { state: FormState; field: string }) {
  const messages = Object.entries(state.fieldErrors ?? {})
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([key, list]) =>
      list.map((message) => (key === field ? message : `${key.slice(field.length + 1)}: ${message}`)),
    );
  if (!messages.length) return null;
  return (
    <ul className="text-sm text-red-700">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (value: boolean) => void;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      {label}
    </label>
  );
}

/**
 * The environment policy as one form: general settings, where promotions may come from, the approval
 * policy and both gates. Saving shows what changes and asks to confirm; the server saves all of it in
 * one transaction, or nothing.
 */
export function EnvironmentPolicyForm({ editor, action }: { editor: PolicyEditor; action: Action }) {
  const router = useRouter();
  const initial = useMemo(() => initialForm(editor), [editor]);
  const [form, setForm] = useState<Form>(initial);
  const [reviewing, setReviewing] = useState(false);
  const [state, submit, isPending] = useActionState(async (previous: FormState, formData: FormData) => {
    const next = await action(previous, formData);
    setReviewing(false);
    if (next.status === 'success') {
      if (next.values?.key && next.values.key !== editor.settings.key)
        router.push(`/environments/${next.values.key}/policy`);
      else router.refresh();
    }
    return next;
  }, idle);
  const set = <K extends keyof Form>(key: K, value: Form[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  // What the form changes, as the review lists it; the diff module loads after the page (it is not
  // needed before the first edit, and keeps the page's first load small).
  const [changes, setChanges] = useState<Change[]>([]);
  useEffect(() => {
    let current = true;
    void import('@/lib/diff').then(({ diffValues }) => {
      if (current) setChanges(diffValues(payloadOf(initial, editor), payloadOf(form, editor)));
    });
    return () => {
      current = false;
    };
  }, [initial, form, editor]);

  return (
    <form action={submit} className="space-y-6" aria-label={`Policy of ${editor.settings.name}`}>
      <input type="hidden" name="environmentKey" value={editor.settings.key} />
      <input type="hidden" name="payload" value={JSON.stringify(payloadOf(form, editor))} />
      <FormMessage state={state} />

      <fieldset className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200">
        <legend className="px-1 text-lg font-semibold">General</legend>
        <label className="block space-y-1 text-sm">
          <span className="font-medium text-slate-700">Name</span>
          <input
            className={`${control} block w-full`}
            value={form.name}
            onChange={(event) => set('name', event.target.value)}
          />
        </label>
        <Errors state={state} field="settings.name" />
        {editor.canChangeKey && (
          <label className="block space-y-1 text-sm">
            <span className="font-medium text-slate-700">Key</span>
            <input
              className={`${control} block w-full font-mono`}
              value={form.key}
              onChange={(event) => set('key', event.target.value)}
            />
            <span className="block text-xs text-slate-500">Fixed once the environment holds APIs.</span>
          </label>
        )}
        <Errors state={state} field="settings.key" />
      </fieldset>

      <fieldset className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200">
        <legend className="px-1 text-lg font-semibold">Promotions into {editor.settings.name}</legend>
        <div role="radiogroup" aria-label="Accept promotions from" className="space-y-1 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="radio"
              checked={form.sourcesMode === 'any'}
              onChange={() => set('sourcesMode', 'any')}
            />
            From any environment
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              checked={form.sourcesMode === 'only'}
              onChange={() => set('sourcesMode', 'only')}
            />
            Only from these environments:
          </label>
        </div>
        {form.sourcesMode === 'only' && (
          <div className="flex flex-wrap gap-4 pl-6">
            {editor.sources.map((source) => (
              <Check
                key={source.key}
                label={source.name}
                checked={form.allowedSources.includes(source.key)}
                onChange={(on) =>
                  set(
                    'allowedSources',
                    on
                      ? [...form.allowedSources, source.key]
                      : form.allowedSources.filter((key) => key !== source.key),
                  )
                }
              />
            ))}
          </div>
        )}
        <Errors state={state} field="settings.allowedSources" />
        <Check
          label="Direct promotion allowed (applied at once when the requester's own approval meets the policy)"
          checked={form.directPromotionAllowed}
          onChange={(on) => set('directPromotionAllowed', on)}
        />
      </fieldset>

      <fieldset className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200">
        <legend className="px-1 text-lg font-semibold">Approval</legend>
        <label className="flex items-center gap-2 text-sm">
          <span className="font-medium text-slate-700">Approvals required</span>
          <input
            type="number"
            min={1}
            max={20}
            className={`${control} w-20`}
            value={form.approvalsRequired}
            onChange={(event) => set('approvalsRequired', event.target.value)}
          />
        </label>
        <Errors state={state} field="policy.approvalsRequired" />
        <div className="space-y-2">
          <p className="text-sm font-medium text-slate-700">Approver rules (all must be met)</p>
          {form.rules.map((rule, index) => (
            <div
              key={index}
              role="group"
              aria-label={`Approver rule ${index + 1}`}
              className="flex flex-wrap items-center gap-2 text-sm"
            >
              <input
                type="number"
                min={1}
                max={20}
                aria-label="How many"
                className={`${control} w-16`}
                value={rule.count}
                onChange={(event) =>
                  set(
                    'rules',
                    form.rules.map((r, i) => (i === index ? { ...r, count: event.target.value } : r)),
                  )
                }
              />
              <span>from</span>
              <select
                aria-label="Kind"
                className={control}
                value={rule.kind}
                onChange={(event) =>
                  set(
                    'rules',
                    form.rules.map((r, i) =>
                      i === index ? { ...r, kind: event.target.value as 'group' | 'role' } : r,
                    ),
                  )
                }
              >
                <option value="group">members of group</option>
                <option value="role">people with role</option>
              </select>
              {rule.kind === 'group' ? (
                <select
                  aria-label="Group"
                  className={control}
                  value={rule.groupId}
                  onChange={(event) =>
                    set(
                      'rules',
                      form.rules.map((r, i) => (i === index ? { ...r, groupId: event.target.value } : r)),
                    )
                  }
                >
                  <option value="">Choose a group</option>
                  {editor.groups.map((group) => (
                    <option key={group.id} value={group.id}>
                      {group.name}
                    </option>
                  ))}
                </select>
              ) : (
                <select
                  aria-label="Role"
                  className={control}
                  value={rule.role}
                  onChange={(event) =>
                    set(
                      'rules',
                      form.rules.map((r, i) => (i === index ? { ...r, role: event.target.value } : r)),
                    )
                  }
                >
                  {roles.map((role) => (
                    <option key={role}>{role}</option>
                  ))}
                </select>
              )}
              <Button
                type="button"
                variant="secondary"
                onClick={() =>
                  set(
                    'rules',
                    form.rules.filter((_, i) => i !== index),
                  )
                }
              >
                Remove rule
              </Button>
            </div>
          ))}
          <Button
            type="button"
            variant="secondary"
            onClick={() =>
              set('rules', [...form.rules, { kind: 'group', groupId: '', role: 'APPROVER', count: '1' }])
            }
          >
            Add approver rule
          </Button>
          <Errors state={state} field="policy.rules" />
        </div>
        <div className="grid gap-1 sm:grid-cols-2">
          <Check
            label="One person may count toward several rules"
            checked={form.approverMayFillSeveralRules}
            onChange={(on) => set('approverMayFillSeveralRules', on)}
          />
          <Check
            label="Requesters may approve their own requests"
            checked={form.selfApprovalAllowed}
            onChange={(on) => set('selfApprovalAllowed', on)}
          />
          <Check
            label="The authors of a change may not approve it"
            checked={form.authorsMayNotApprove}
            onChange={(on) => set('authorsMayNotApprove', on)}
          />
          <Check
            label="A rejection needs a reason"
            checked={form.reasonRequiredOnReject}
            onChange={(on) => set('reasonRequiredOnReject', on)}
          />
          <Check
            label="Every request needs a title"
            checked={form.titleRequired}
            onChange={(on) => set('titleRequired', on)}
          />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <span className="font-medium text-slate-700">
            Pending requests expire after (hours; empty: never)
          </span>
          <input
            type="number"
            min={1}
            className={`${control} w-24`}
            value={form.expiryHours}
            onChange={(event) => set('expiryHours', event.target.value)}
          />
        </label>
        <Errors state={state} field="policy.expiryHours" />
      </fieldset>

      {(['exitGate', 'entryGate'] as const).map((gate) => (
        <GateEditor
          key={gate}
          title={
            gate === 'exitGate'
              ? `Exit gate: promotions leaving ${editor.settings.name}`
              : `Entry gate: promotions entering ${editor.settings.name}`
          }
          gate={gate}
          rules={form[gate]}
          onChange={(rules) => set(gate, rules)}
          state={state}
        />
      ))}

      <div className="flex items-center justify-end gap-3">
        <span className="text-sm text-slate-500" aria-live="polite">
          {changes.length
            ? `${changes.length} change${changes.length === 1 ? '' : 's'} not saved`
            : 'No changes'}
        </span>
        <Button type="button" variant="secondary" disabled={!changes.length} onClick={() => setForm(initial)}>
          Discard changes
        </Button>
        <Button type="button" disabled={!changes.length} onClick={() => setReviewing(true)}>
          Review and save
        </Button>
      </div>

      <Dialog open={reviewing} onClose={() => setReviewing(false)} title="Save these changes?">
        <ul aria-label="Changes" className="max-h-80 space-y-1 overflow-auto text-sm">
          {changes.map((change) => (
            <li key={`${change.kind}:${change.path}`}>
              <span className="font-mono text-xs">{change.path}</span>{' '}
              <span className="text-slate-500">{change.kind}</span>
              {change.kind !== 'added' && change.kind !== 'reordered' && (
                <>
                  : <del className="text-red-700">{JSON.stringify(change.before)}</del>
                </>
              )}
              {change.kind !== 'removed' && change.kind !== 'reordered' && (
                <>
                  {' '}
                  → <ins className="text-emerald-700">{JSON.stringify(change.after)}</ins>
                </>
              )}
            </li>
          ))}
        </ul>
        <p className="text-sm text-slate-600">
          The approval policy becomes a new version; pending requests are judged by it from now on.
        </p>
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={() => setReviewing(false)}>
            Back to the form
          </Button>
          <Button type="submit" disabled={isPending}>
            {isPending ? 'Saving…' : 'Save'}
          </Button>
        </div>
      </Dialog>
    </form>
  );
}

function GateEditor({
  title,
  gate,
  rules,
  onChange,
  state,
}: {
  title: string;
  gate: 'exitGate' | 'entryGate';
  rules: GateRule[];
  onChange: (rules: GateRule[]) => void;
  state: FormState;
}) {
  const find = (name: string) => rules.find((rule) => rule.rule === name);
  const put = (name: string, rule: GateRule | null) => {
    const index = rules.findIndex((candidate) => candidate.rule === name);
    if (!rule) onChange(rules.filter((_, i) => i !== index));
    else if (index < 0) onChange([...rules, rule]);
    else onChange(rules.map((candidate, i) => (i === index ? rule : candidate)));
  };
  const customs = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => rule.rule === 'custom');

  return (
    <fieldset className="space-y-3 rounded-xl bg-surface p-4 shadow-sm ring-1 ring-slate-200">
      <legend className="px-1 text-lg font-semibold">{title}</legend>
      {gate === 'entryGate' && (
        <p className="text-sm text-slate-600">The context path must be free in the target: always on.</p>
      )}
      <div className="space-y-2">
        {builtIns
          .filter(([name]) => gate === 'entryGate' || name !== 'changes-something')
          .map(([name, label]) => {
            const rule = find(name);
            const mode: Mode = rule?.mode ?? (name === 'changes-something' ? 'fail' : 'off');
            const change = (next: Mode) =>
              put(
                name,
                name !== 'changes-something' && next === 'off' && !rule
                  ? null
                  : ({ ...defaults(name), ...rule, mode: next } as GateRule),
              );
            return (
              <div key={name} className="flex flex-wrap items-center gap-2 text-sm">
                <select
                  aria-label={`${label} (${gate === 'exitGate' ? 'exit' : 'entry'})`}
                  className={control}
                  value={mode}
                  onChange={(event) => change(event.target.value as Mode)}
                >
                  <option value="off">off</option>
                  <option value="warn">warn</option>
                  <option value="fail">fail</option>
                </select>
                <span>{label}</span>
                {rule && mode !== 'off' && (
                  <RuleParameters rule={rule} onChange={(next) => put(name, next)} />
                )}
              </div>
            );
          })}
      </div>
      <div className="space-y-2">
        <p className="text-sm font-medium text-slate-700">Custom rules (CEL expressions that must be true)</p>
        {customs.map(({ rule, index }) =>
          rule.rule === 'custom' ? (
            <div
              key={index}
              role="group"
              aria-label={`Custom rule ${rule.name || index + 1}`}
              className="space-y-1 rounded-md bg-slate-50 p-2"
            >
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <input
                  aria-label="Rule name"
                  placeholder="Name"
                  className={control}
                  value={rule.name}
                  onChange={(event) =>
                    onChange(rules.map((r, i) => (i === index ? { ...rule, name: event.target.value } : r)))
                  }
                />
                <select
                  aria-label="Mode"
                  className={control}
                  value={rule.mode}
                  onChange={(event) =>
                    onChange(
                      rules.map((r, i) => (i === index ? { ...rule, mode: event.target.value as Mode } : r)),
                    )
                  }
                >
                  <option value="off">off</option>
                  <option value="warn">warn</option>
                  <option value="fail">fail</option>
                </select>
                <Button
                  type="button"
                  variant="secondary"
                  onClick={() => onChange(rules.filter((_, i) => i !== index))}
                >
                  Remove
                </Button>
              </div>
              <textarea
                aria-label="Expression"
                rows={2}
                className={`${control} block w-full font-mono`}
                value={rule.expression}
                onChange={(event) =>
                  onChange(
                    rules.map((r, i) => (i === index ? { ...rule, expression: event.target.value } : r)),
                  )
                }
              />
              <input
                aria-label="Message when false"
                placeholder="Message when false (optional)"
                className={`${control} block w-full`}
                value={rule.message ?? ''}
                onChange={(event) =>
                  onChange(
                    rules.map((r, i) =>
                      i === index ? { ...rule, message: event.target.value || undefined } : r,
                    ),
                  )
                }
              />
              <Errors state={state} field={`policy.${gate}.${index}`} />
            </div>
          ) : null,
        )}
        <Button
          type="button"
          variant="secondary"
          onClick={() => onChange([...rules, { rule: 'custom', name: '', mode: 'warn', expression: '' }])}
        >
          Add custom rule
        </Button>
        <p className="text-xs text-slate-500">
          Variables: snapshot, result, target (null on create), diff, action, sourceEnvironment,
          targetEnvironment, requester, parameters, properties, now, stage.
        </p>
      </div>
      <Errors state={state} field={`policy.${gate}`} />
    </fieldset>
  );
}

function defaults(name: string): Partial<GateRule> {
  switch (name) {
    case 'soak-time':
      return { hours: 24 } as Partial<GateRule>;
    case 'required-properties':
      return { keys: ['owner'] } as Partial<GateRule>;
    case 'change-window':
      return {
        timeZone: 'UTC',
        windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
      } as Partial<GateRule>;
    default:
      return {};
  }
}

function RuleParameters({ rule, onChange }: { rule: GateRule; onChange: (rule: GateRule) => void }) {
  switch (rule.rule) {
    case 'soak-time':
      return (
        <label className="flex items-center gap-1">
          at least
          <input
            type="number"
            min={1}
            aria-label="Soak hours"
            className={`${control} w-20`}
            value={rule.hours}
            onChange={(event) => onChange({ ...rule, hours: Number(event.target.value) })}
          />
          hours
        </label>
      );
    case 'required-properties':
      return (
        <input
          aria-label="Required property keys (comma-separated)"
          className={control}
          value={rule.keys.join(', ')}
          onChange={(event) =>
            onChange({
              ...rule,
              keys: event.target.value
                .split(',')
                .map((key) => key.trim())
                .filter(Boolean),
            })
          }
        />
      );
    case 'plans-secured':
      return (
        <span className="flex flex-wrap gap-2">
          {securities.map((security) => (
            <Check
              key={security}
              label={security}
              checked={rule.allowedSecurity?.includes(security) ?? false}
              onChange={(on) => {
                const next = on
                  ? [...(rule.allowedSecurity ?? []), security]
                  : (rule.allowedSecurity ?? []).filter((s) => s !== security);
                onChange({ ...rule, allowedSecurity: next.length ? next : undefined });
              }}
            />
          ))}
          <span className="text-xs text-slate-500">(none checked: any but keyless)</span>
        </span>
      );
    case 'change-window':
      return <WindowEditor rule={rule} onChange={onChange} />;
    default:
      return null;
  }
}

/** Windows as lines "mon,tue,wed 09:00-17:00", in a time zone. */
function WindowEditor({
  rule,
  onChange,
}: {
  rule: Extract<GateRule, { rule: 'change-window' }>;
  onChange: (rule: GateRule) => void;
}) {
  const [text, setText] = useState(
    rule.windows.map((window) => `${window.days.join(',')} ${window.from}-${window.to}`).join('\n'),
  );
  const parse = (value: string): Window[] =>
    value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [days = '', times = ''] = line.split(/\s+/);
        const [from = '', to = ''] = times.split('-');
        return { days: days.split(',').filter(Boolean), from, to };
      });
  return (
    <span className="flex flex-wrap items-start gap-2">
      <input
        aria-label="Time zone"
        className={control}
        value={rule.timeZone}
        onChange={(event) => onChange({ ...rule, timeZone: event.target.value })}
      />
      <textarea
        aria-label="Windows, one per line: mon,tue 09:00-17:00"
        rows={2}
        className={`${control} font-mono`}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          onChange({ ...rule, windows: parse(event.target.value) as typeof rule.windows });
        }}
      />
    </span>
  );
}
