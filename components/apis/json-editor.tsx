'use client';

import { Validator, type OutputUnit } from '@cfworker/json-schema';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

type SyntaxNode = ReturnType<typeof syntaxTree>['topNode'];

/** One problem in the JSON, where it is (1-based line and column) and what is wrong. */
export type JsonProblem = { line: number; column: number; message: string };

// Keywords that only say "something below did not match": the leaf errors say what.
const summaryKeywords = new Set(['properties', 'items', 'prefixItems', 'allOf', 'anyOf', 'oneOf', '$ref']);

function readable(unit: OutputUnit): string {
  const path = unit.instanceLocation.replace(/^#\/?/, '').split('/').filter(Boolean).join('.');
  const message = unit.error
    .replace(
      /^Instance does not match any of \[(.*)\]\.$/,
      (_, list: string) => `One of ${list.replace(/"/g, '').replace(/,/g, ', ')}`,
    )
    .replace(/^String does not match format "uri"\.$/, 'Must be an http(s) URL')
    .replace(/^Instance does not have required property "(.*)"\.$/, 'Missing "$1"');
  return path ? `${path}: ${message}` : message;
}

/** The values of an array or object node, without its punctuation. */
function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (!['[', ']', '{', '}', ',', ':', '⚠'].includes(child.name)) out.push(child);
  }
  return out;
}

/** The syntax node a JSON pointer (`#/endpoints/0/target`) names, or the nearest one that exists. */
function locate(state: EditorState, pointer: string): SyntaxNode {
  // The parser works in slices of time: finish it (within a second) so a place deep in the text is found.
  const top = (ensureSyntaxTree(state, state.doc.length, 1000) ?? syntaxTree(state)).topNode;
  let node: SyntaxNode = top.firstChild ?? top;
  const keys = pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((key) => decodeURIComponent(key).replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const key of keys) {
    let next: SyntaxNode | undefined;
    if (node.name === 'Object') {
      const property = children(node).find((candidate) => {
        const name = candidate.getChild('PropertyName');
        if (!name) return false;
        try {
          return JSON.parse(state.sliceDoc(name.from, name.to)) === key;
        } catch {
          return false;
        }
      });
      next = property ? (children(property).at(-1) ?? property) : undefined;
    } else if (node.name === 'Array') {
      next = children(node)[Number(key)];
    }
    if (!next) break;
    node = next;
  }
  return node;
}

function schemaDiagnostics(view: EditorView, validator: Validator): Diagnostic[] {
  const text = view.state.doc.toString();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Where the text stops being JSON (CodeMirror's own JSON linter finds the place).
    return jsonParseLinter()(view).map((diagnostic) => ({
      ...diagnostic,
      message: `Not valid JSON: ${diagnostic.message}`,
    }));
  }
  const units = validator.validate(value).errors.filter((unit) => !summaryKeywords.has(unit.keyword));
  return units.map((unit) => {
    const node = locate(view.state, unit.instanceLocation);
    // A whole object or list is marked on its first line only.
    const to = Math.min(node.to, view.state.doc.lineAt(node.from).to);
    return { from: node.from, to: Math.max(to, node.from), severity: 'error', message: readable(unit) };
  });
}

export function problemsOf(state: EditorState, diagnostics: readonly Diagnostic[]): JsonProblem[] {
  return diagnostics.map((diagnostic) => {
    const line = state.doc.lineAt(Math.min(diagnostic.from, state.doc.length));
    return { line: line.number, column: diagnostic.from - line.from + 1, message: diagnostic.message };
  });
}

/**
 * A CodeMirror 6 JSON editor: highlighting, folding, bracket matching, search, and a check against a
 * JSON Schema as you type, each problem marked at its place (gutter and underline) and handed to
 * `onProblems` with its line and column. Controlled: a `value` that differs from the text (Format, a
 * reset) replaces it. Loaded lazily (it is large): see DefinitionForm.
 */
export default function JsonEditor(props: {
  value: string;
  onChange: (value: string) => void;
  onProblems: (problems: JsonProblem[]) => void;
  schema: Record<string, unknown>;
  label: string;
  describedBy?: string;
  isInvalid?: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    const validator = new Validator(latest.current.schema as never, '2020-12', false);
    const editor = new EditorView({
      parent: host.current!,
      doc: latest.current.value,
      extensions: [
        basicSetup,
        json(),
        lintGutter(),
        linter(
          (current) => {
            const diagnostics = schemaDiagnostics(current, validator);
            latest.current.onProblems(problemsOf(current.state, diagnostics));
            return diagnostics;
          },
          { delay: 300 },
        ),
        EditorView.contentAttributes.of({
          // A tab stop of its own, so the scrolling area is reachable by keyboard (axe).
          tabindex: '0',
          'aria-label': latest.current.label,
          ...(latest.current.describedBy ? { 'aria-describedby': latest.current.describedBy } : {}),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange(update.state.doc.toString());
        }),
        // The editor keeps its light colours in dark mode too: its highlighting is made for them.
        EditorView.theme({
          '&': { fontSize: '13px', maxHeight: '36rem', backgroundColor: '#fff', color: '#0f172a' },
          '.cm-scroller': { overflow: 'auto', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
          '.cm-content': { minHeight: '16rem' },
        }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  // A value from outside (Format): replace the text, keeping the editor (and its undo history).
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  return (
    <div
      ref={host}
      className={
        'overflow-hidden rounded-md ring-1 ring-inset focus-within:ring-2 focus-within:ring-indigo-600 ' +
        (props.isInvalid ? 'ring-red-500' : 'ring-slate-300')
      }
    />
  );
}
