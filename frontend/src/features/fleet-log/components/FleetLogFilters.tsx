import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ActorKind, FleetLogFilters as Filters } from "../api/list-fleet-commits";

export const ACTOR_LABELS: Record<ActorKind, string> = {
  platform: "Platform",
  push: "A person's push",
  pull_request: "Merged pull request",
  rollout: "Rollout wave",
};

const ACTIONS = ["create", "update", "delete", "rollback", "rollout", "rollout-revert", "chart", "external"];
const ID_PATTERN = /^[a-z0-9-]+$/;

type FleetLogFiltersProps = { values: Filters; onApply: (values: Filters) => void };

/** Tenant and store ids are typed, so checked before sending; action and actor are picked from lists. */
export function FleetLogFilters({ values, onApply }: FleetLogFiltersProps) {
  const [draft, setDraft] = useState<Filters>(values);
  const invalid = (["tenant", "store"] as const).find((key) => draft[key] && !ID_PATTERN.test(draft[key] ?? ""));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!invalid) onApply(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as Filters);
  }

  return (
    <form
      role="search"
      aria-label="Filter the fleet log"
      onSubmit={submit}
      className="mb-4 grid items-end gap-3 sm:grid-cols-5"
    >
      <div className="space-y-1">
        <Label htmlFor="fleet-log-tenant">Tenant id</Label>
        <Input
          id="fleet-log-tenant"
          placeholder="e.g. u-abcdefgh23"
          value={draft.tenant ?? ""}
          aria-invalid={invalid === "tenant"}
          onChange={(e) => setDraft((d) => ({ ...d, tenant: e.target.value.trim() }))}
        />
      </div>
      <div className="space-y-1">
        <Label htmlFor="fleet-log-store">Store id</Label>
        <Input
          id="fleet-log-store"
          placeholder="e.g. st-abcdefgh23"
          value={draft.store ?? ""}
          aria-invalid={invalid === "store"}
          onChange={(e) => setDraft((d) => ({ ...d, store: e.target.value.trim() }))}
        />
      </div>
      <div className="space-y-1">
        <Label htmlFor="fleet-log-action">Action</Label>
        <Select
          id="fleet-log-action"
          value={draft.action ?? ""}
          onChange={(e) => setDraft((d) => ({ ...d, action: e.target.value || undefined }))}
        >
          <option value="">Any action</option>
          {ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <Label htmlFor="fleet-log-actor">Made by</Label>
        <Select
          id="fleet-log-actor"
          value={draft.actor ?? ""}
          onChange={(e) => setDraft((d) => ({ ...d, actor: (e.target.value || undefined) as ActorKind | undefined }))}
        >
          <option value="">Anyone</option>
          {Object.entries(ACTOR_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit">Apply filters</Button>
      {invalid && (
        <p role="alert" className="text-xs text-red-700 sm:col-span-5">
          {invalid === "tenant" ? "Tenant id" : "Store id"} may contain only lowercase letters, digits and
          &apos;-&apos;.
        </p>
      )}
    </form>
  );
}
