/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a table that scrolls sideways must be reachable
   by keyboard, or its hidden columns cannot be read without a mouse (axe: scrollable-region-focusable). */
import { Link } from "react-router-dom";
import { Badge } from "@/components/ui/badge";
import { hasStorePage, kindInfo } from "../lib/kinds";
import type { DriftItem } from "../api/get-drift";

const CAPTION = "Where the cluster differs from git";
const COLUMNS = ["Store", "Cluster", "Kind", "Detail", "Resources"];

function KindBadge({ kind }: { kind: string }) {
  const info = kindInfo(kind);
  return <Badge tone={info?.tone ?? "neutral"}>{info?.label ?? kind}</Badge>;
}

function StoreId({ item }: { item: DriftItem }) {
  if (!hasStorePage(item.kind)) return <span className="font-mono text-xs">{item.store_id}</span>;
  return (
    <Link className="font-mono text-xs text-blue-700 underline" to={`/stores/${item.store_id}`}>
      {item.store_id}
    </Link>
  );
}

function Resources({ resources }: { resources: string[] }) {
  if (resources.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {resources.map((resource, index) => (
        // The same Kind/name may differ in two namespaces: the position tells them apart.
        <li key={`${index}:${resource}`} className="break-all">
          {resource}
        </li>
      ))}
    </ul>
  );
}

/** One row per drift found: the store (linked when it has a page), the cluster it was found on, the kind, what differs and the
 *  resources concerned. */
export function DriftTable({ items }: { items: DriftItem[] }) {
  return (
    <div
      role="region"
      aria-label={CAPTION}
      tabIndex={0}
      className="overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600"
    >
      <table className="w-full min-w-[40rem] text-sm">
        <caption className="sr-only">{CAPTION}</caption>
        <thead>
          <tr className="text-xs uppercase text-slate-500">
            {COLUMNS.map((column) => (
              <th key={column} scope="col" className="py-1 pr-3 text-left font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            <tr key={`${index}:${item.store_id}`} className="border-t border-slate-100 align-top">
              <th scope="row" className="whitespace-nowrap py-1 pr-3 text-left font-normal">
                <StoreId item={item} />
              </th>
              <td className="whitespace-nowrap py-1 pr-3">{item.cluster}</td>
              <td className="whitespace-nowrap py-1 pr-3">
                <KindBadge kind={item.kind} />
              </td>
              <td className="py-1 pr-3">{item.detail}</td>
              <td className="py-1 pr-3">
                <Resources resources={item.resources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
