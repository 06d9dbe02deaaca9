import { useEffect, useState } from "react";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ENGINE_LABELS, STATUS_LABELS, type Engine, type StoreStatus } from "../lib/status";

export type FilterValues = { status?: StoreStatus; engine?: Engine; q?: string };

type StoreFiltersProps = { values: FilterValues; onChange: (values: FilterValues) => void };

/** Name search waits for a pause in typing, so each keystroke does not become a request. */
function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

export function StoreFilters({ values, onChange }: StoreFiltersProps) {
  const [search, setSearch] = useState(values.q ?? "");
  const debouncedSearch = useDebounced(search, 300);

  useEffect(() => {
    // The API's q accepts what a store name may contain.
    const q =
      debouncedSearch
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "") || undefined;
    if (q !== values.q) onChange({ ...values, q });
  }, [debouncedSearch]); // eslint-disable-line react-hooks/exhaustive-deps -- only a new search re-filters

  return (
    <div role="search" className="mb-4 grid gap-3 sm:grid-cols-3">
      <div className="space-y-1">
        <Label htmlFor="store-search">Search by name</Label>
        <Input
          id="store-search"
          type="search"
          placeholder="e.g. shop"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <div className="space-y-1">
        <Label htmlFor="store-status">Status</Label>
        <Select
          id="store-status"
          value={values.status ?? ""}
          onChange={(e) => onChange({ ...values, status: (e.target.value || undefined) as StoreStatus | undefined })}
        >
          <option value="">Any status</option>
          {Object.entries(STATUS_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <Label htmlFor="store-engine">Engine</Label>
        <Select
          id="store-engine"
          value={values.engine ?? ""}
          onChange={(e) => onChange({ ...values, engine: (e.target.value || undefined) as Engine | undefined })}
        >
          <option value="">Any engine</option>
          {Object.entries(ENGINE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </div>
    </div>
  );
}
