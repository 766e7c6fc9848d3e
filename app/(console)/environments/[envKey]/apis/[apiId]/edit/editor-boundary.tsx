'use client';

import { Component, type ReactNode } from 'react';

type Props = { value: string; onChange: (value: string) => void; label: string; children: ReactNode };

/**
 * If the code editor fails (a bug, a chunk that does not load), the text is not lost: it stays in
 * the form's state and is shown in a plain text area to go on editing and save.
 */
export class EditorBoundary extends Component<Props, { hasFailed: boolean }> {
  state = { hasFailed: false };

  static getDerivedStateFromError() {
    return { hasFailed: true };
  }

  componentDidCatch(error: unknown) {
    console.error('the definition editor failed; falling back to a text area', error);
  }

  render() {
    if (!this.state.hasFailed) return this.props.children;
    return (
      <div className="space-y-1">
        <p role="alert" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900">
          The code editor could not be shown; your text is here as plain text.
        </p>
        <textarea
          aria-label={this.props.label}
          rows={24}
          spellCheck={false}
          value={this.props.value}
          onChange={(event) => this.props.onChange(event.target.value)}
          className="block w-full rounded-md px-3 py-2 font-mono text-sm ring-1 ring-inset ring-slate-300"
        />
      </div>
    );
  }
}
