'use client';

import { useSyncExternalStore } from 'react';

const fields: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};
const utc = new Intl.DateTimeFormat('en-GB', { ...fields, timeZone: 'UTC' });
let local: Intl.DateTimeFormat | undefined;

const noChanges = () => () => {};

/**
 * One way to show an instant everywhere: in the reader's time zone, with UTC on hover and the exact
 * instant in `dateTime`. The server does not know the reader's zone, so it renders UTC and the browser
 * switches to local time once hydrated (the same text when the reader is in UTC).
 */
export function DateTime({ value }: { value: Date | string }) {
  const date = typeof value === 'string' ? new Date(value) : value;
  const isBrowser = useSyncExternalStore(
    noChanges,
    () => true,
    () => false,
  );
  const inUtc = utc.format(date);
  const shown = isBrowser ? (local ??= new Intl.DateTimeFormat('en-GB', fields)).format(date) : inUtc;
  return (
    <time dateTime={date.toISOString()} title={inUtc}>
      {shown}
    </time>
  );
}
