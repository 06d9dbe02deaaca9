/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a block that scrolls must be reachable by
   keyboard, or its hidden part cannot be read without a mouse (axe: scrollable-region-focusable). */

/** A JSON value, pretty-printed, in a scrolling, focusable, labelled block. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre
      role="region"
      aria-label={label}
      tabIndex={0}
      className="mt-1 max-h-64 overflow-auto rounded-md border border-slate-200 bg-white p-3 font-mono text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
