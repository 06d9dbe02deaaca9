import { Link } from "react-router-dom";
import type { ChangeKind } from "../lib/rollout-change";
import type { WaveStore } from "../lib/status";
import { ChangeValue } from "./ChangeValue";

type WaveStoresTableProps = { stores: WaveStore[]; kind: ChangeKind; caption: string };

function ColumnHeader({ children, last }: { children: string; last?: boolean }) {
  return (
    <th scope="col" className={last ? "py-1 font-medium" : "py-1 pr-2 font-medium"}>
      {children}
    </th>
  );
}

/** The stores of one wave: where each stands now (status, the rollout's field before its wave and now)
 *  and in the rollout (state). An image or values rollout also shows each store's chart version. */
export function WaveStoresTable({ stores, kind, caption }: WaveStoresTableProps) {
  if (stores.length === 0) return <p className="text-sm text-slate-600">No stores in this wave.</p>;
  const chartColumn = kind !== "chart_version";
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[44rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="text-xs uppercase text-slate-500">
            <ColumnHeader>Store</ColumnHeader>
            <ColumnHeader>Tenant</ColumnHeader>
            <ColumnHeader>Status</ColumnHeader>
            {chartColumn && <ColumnHeader>Chart version</ColumnHeader>}
            <ColumnHeader>Before</ColumnHeader>
            <ColumnHeader>Now</ColumnHeader>
            <ColumnHeader>In the rollout</ColumnHeader>
            <ColumnHeader last>Error</ColumnHeader>
          </tr>
        </thead>
        <tbody>
          {stores.map((store) => (
            <tr key={store.store_id} className="border-t border-slate-100 align-top">
              <td className="py-1 pr-2">
                <Link className="break-all text-blue-700 underline" to={`/stores/${store.store_id}`}>
                  {store.name}
                </Link>
              </td>
              <td className="py-1 pr-2 font-mono text-xs">{store.tenant}</td>
              <td className="py-1 pr-2">{store.status}</td>
              {chartColumn && (
                <td className="py-1 pr-2">
                  <ChangeValue value={store.chart_version} kind="chart_version" />
                </td>
              )}
              <td className="py-1 pr-2">
                <ChangeValue value={store.from_value} kind={kind} />
              </td>
              <td className="py-1 pr-2">
                <ChangeValue value={store.value} kind={kind} />
              </td>
              <td className="py-1 pr-2">
                {store.state}
                {store.note && <span className="block text-xs text-slate-600">{store.note}</span>}
              </td>
              <td className="break-words py-1 text-red-800">{store.error ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
