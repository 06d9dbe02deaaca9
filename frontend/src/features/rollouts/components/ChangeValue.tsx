import type { ChangeKind } from "../lib/rollout-change";

export type FieldValue = string | { [key: string]: unknown } | null;

/** Longest compact JSON shown in full; a longer one is cut, its whole text in the title. */
const MAX_JSON = 40;

/** One value of the rollout's field in a store's spec: a version or tag as is, a values patch as compact
 *  JSON, and unset as the chart's default (chart versions) or "—" (no image tag, no patch). */
export function ChangeValue({ value, kind }: { value: FieldValue | undefined; kind: ChangeKind }) {
  if (value === null || value === undefined)
    return <span className="text-slate-500">{kind === "chart_version" ? "default" : "—"}</span>;
  if (typeof value === "string") return <span className="break-all font-mono">{value}</span>;
  const json = JSON.stringify(value);
  return (
    <code className="break-all font-mono text-xs" title={json}>
      {json.length > MAX_JSON ? `${json.slice(0, MAX_JSON - 1)}…` : json}
    </code>
  );
}
