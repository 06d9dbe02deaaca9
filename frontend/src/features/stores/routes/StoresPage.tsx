import { Link, useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Pagination } from "@/components/Pagination";
import { Button } from "@/components/ui/button";
import { useStores, type StoreFilters as Filters } from "../api/list-stores";
import { EmptyState } from "../components/EmptyState";
import { StoreFilters, type FilterValues } from "../components/StoreFilters";
import { StoreList, StoreListSkeleton } from "../components/StoreList";
import { ENGINE_LABELS, STATUS_LABELS, type Engine, type StoreStatus } from "../lib/status";

const PAGE_SIZE = 20;

/** Filters live in the URL, so a filtered view can be reloaded, shared and navigated back to. */
function filtersFrom(params: URLSearchParams): Filters {
  const status = params.get("status");
  const engine = params.get("engine");
  return {
    status: status && status in STATUS_LABELS ? (status as StoreStatus) : undefined,
    engine: engine && engine in ENGINE_LABELS ? (engine as Engine) : undefined,
    q: params.get("q") || undefined,
    limit: PAGE_SIZE,
    offset: Math.max(0, Number(params.get("offset")) || 0),
  };
}

export function StoresPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const stores = useStores(filters);

  function update(values: FilterValues & { offset?: number }) {
    const next = new URLSearchParams();
    if (values.status) next.set("status", values.status);
    if (values.engine) next.set("engine", values.engine);
    if (values.q) next.set("q", values.q);
    if (values.offset) next.set("offset", String(values.offset));
    setParams(next, { replace: true });
  }

  const filtered = Boolean(filters.status || filters.engine || filters.q);
  // The page asks for the count (the API's default), so `total` is always there; it pages by offset
  // to show "Page N of M" and to keep a page in the URL (the API's cursor is for deep walks).
  const total = stores.data?.total ?? 0;
  return (
    <>
      <PageHeader
        title="Stores"
        description="Every store is a folder in the fleet repo; each change is a commit."
        actions={
          <Button asChild>
            <Link to="/stores/new">Create store</Link>
          </Button>
        }
      />
      <StoreFilters values={filters} onChange={(values) => update({ ...values, offset: 0 })} />
      {stores.error && <ErrorAlert error={stores.error} title="The stores could not be loaded" />}
      {stores.isPending && <StoreListSkeleton />}
      {stores.data &&
        (stores.data.stores.length === 0 ? (
          <EmptyState filtered={filtered} />
        ) : (
          <>
            <p className="sr-only" aria-live="polite">
              {total} stores
            </p>
            <StoreList stores={stores.data.stores} />
            <Pagination
              total={total}
              limit={PAGE_SIZE}
              offset={filters.offset}
              onOffsetChange={(offset) => update({ ...filters, offset })}
            />
          </>
        ))}
    </>
  );
}
