import { Link } from "react-router-dom";
import type { WaveStore } from "../lib/status";

function Version({ value }: { value: string | null | undefined }) {
  return value ? <span className="font-mono">{value}</span> : <span className="text-slate-500">—</span>;
}

/** The stores of one wave: where each stands now (status, version) and in the rollout (state). */
export function WaveStoresTable({ stores, caption }: { stores: WaveStore[]; caption: string }) {
  if (stores.length === 0) return <p className="text-sm text-slate-600">No stores in this wave.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="text-xs uppercase text-slate-500">
            <th scope="col" className="py-1 pr-2 font-medium">
              Store
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              Tenant
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              Status
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              Version
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              From
            </th>
            <th scope="col" className="py-1 pr-2 font-medium">
              In the rollout
            </th>
            <th scope="col" className="py-1 font-medium">
              Error
            </th>
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
              <td className="py-1 pr-2">
                <Version value={store.chart_version} />
              </td>
              <td className="py-1 pr-2">
                <Version value={store.from_version} />
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
