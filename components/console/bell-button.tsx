import type { ComponentProps } from 'react';

/** The bell in the header, with the number of unread notifications. */
export function BellButton({ unread, ...props }: { unread: number } & ComponentProps<'button'>) {
  return (
    <button
      type="button"
      aria-label={unread ? `Notifications (${unread} unread)` : 'Notifications'}
      className="relative rounded-md p-1.5 text-chrome-muted hover:bg-chrome-raised hover:text-white"
      {...props}
    >
      <svg
        aria-hidden
        viewBox="0 0 24 24"
        className="h-5 w-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
      >
        <path d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2c0 .5-.2 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0" />
      </svg>
      {unread > 0 && (
        <span className="absolute -right-1 -top-1 rounded-full bg-amber-400 px-1.5 text-xs font-semibold text-chrome">
          {unread}
        </span>
      )}
    </button>
  );
}
