import { Link } from "react-router-dom";
import { ExternalLink } from "@/components/ExternalLink";
import { shortSha } from "@/lib/format";
import { ENGINE_LABELS, storeLinks, type Store } from "../lib/status";
import { StatusChip } from "./StatusChip";

function StoreSummary({ store }: { store: Store }) {
  const links = storeLinks(store);
  return (
    <li className="grid gap-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm md:grid-cols-[2fr_1fr_1fr_2fr_1fr] md:items-start">
      <div className="min-w-0">
        <Link
          to={`/stores/${store.id}`}
          className="break-all font-medium text-blue-700 underline-offset-2 hover:underline"
        >
          {store.name}
        </Link>
        {links && (
          <p className="mt-1 flex flex-wrap gap-2 text-xs">
            <ExternalLink href={links.storefront}>Storefront</ExternalLink>
            {links.admin && <ExternalLink href={links.admin}>Admin</ExternalLink>}
          </p>
        )}
      </div>
      <p className="text-sm">
        <span className="text-slate-500 md:hidden">Engine: </span>
        {ENGINE_LABELS[store.engine]}
      </p>
      <p className="text-sm">
        <span className="text-slate-500 md:hidden">Theme / plan: </span>
        {store.theme ? `${store.theme} · ` : ""}
        {store.plan}
      </p>
      <StatusChip store={store} />
      <p className="font-mono text-xs text-slate-700" title={store.last_commit_sha ?? "not committed yet"}>
        <span className="font-sans text-slate-500 md:hidden">Last commit: </span>
        {shortSha(store.last_commit_sha)}
      </p>
    </li>
  );
}

export function StoreList({ stores }: { stores: Store[] }) {
  return (
    <div>
      <div
        aria-hidden="true"
        className="hidden px-3 pb-1 text-xs font-medium uppercase text-slate-500 md:grid md:grid-cols-[2fr_1fr_1fr_2fr_1fr]"
      >
        <span>Name</span>
        <span>Engine</span>
        <span>Theme / plan</span>
        <span>Status</span>
        <span>Last commit</span>
      </div>
      <ul aria-label="Stores" className="space-y-2">
        {stores.map((store) => (
          <StoreSummary key={store.id} store={store} />
        ))}
      </ul>
    </div>
  );
}

export function StoreListSkeleton() {
  return (
    <div className="space-y-2" aria-busy="true" aria-label="Loading stores">
      {[0, 1, 2].map((row) => (
        <div key={row} className="h-16 animate-pulse rounded-lg border border-slate-200 bg-slate-100" />
      ))}
    </div>
  );
}
