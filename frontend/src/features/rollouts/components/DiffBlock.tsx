/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a block that scrolls must be reachable by
   keyboard, or its hidden part cannot be read without a mouse (axe: scrollable-region-focusable). */

/** Added lines green, removed ones red, hunk headers grey; the +/- marks stay, so colour is a help only. */
function lineClass(line: string): string | undefined {
  if (line.startsWith("+++") || line.startsWith("---")) return "font-semibold text-slate-700";
  if (line.startsWith("@@")) return "text-slate-500";
  if (line.startsWith("+")) return "bg-green-50 text-green-900";
  if (line.startsWith("-")) return "bg-red-50 text-red-900";
  return undefined;
}

/** A unified diff in a scrolling, focusable, labelled block. */
export function DiffBlock({ diff, label }: { diff: string; label: string }) {
  return (
    <pre
      role="region"
      aria-label={label}
      tabIndex={0}
      className="mt-1 max-h-96 overflow-auto rounded-md border border-slate-200 bg-white p-3 font-mono text-xs focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600"
    >
      {diff
        .replace(/\n$/, "")
        .split("\n")
        .map((line, index) => (
          <span key={index} className={lineClass(line)}>
            {line}
            {"\n"}
          </span>
        ))}
    </pre>
  );
}
