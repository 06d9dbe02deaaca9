import { useId, useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Pagination } from "@/components/Pagination";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useRollouts, type RolloutFilters } from "../api/list-rollouts";
import { CreateRolloutForm } from "../components/CreateRolloutForm";
import { RolloutList, RolloutListSkeleton } from "../components/RolloutList";
import { ROLLOUT_STATE_LABELS, type RolloutState } from "../lib/status";

const PAGE_SIZE = 20;

/** The state filter and the page live in the URL, so a view can be reloaded and shared. */
function filtersFrom(params: URLSearchParams): RolloutFilters {
  const state = params.get("state");
  return {
    state: state && state in ROLLOUT_STATE_LABELS ? (state as RolloutState) : undefined,
    limit: PAGE_SIZE,
    offset: Math.max(0, Number(params.get("offset")) || 0),
  };
}

function NewRollout({ id }: { id: string }) {
  const navigate = useNavigate();
  const headingId = useId();
  return (
    <Card id={id} className="mb-6">
      <section aria-labelledby={headingId}>
        <CardHeader>
          <CardTitle id={headingId}>New rollout</CardTitle>
        </CardHeader>
        <CardContent className="p-4">
          <CreateRolloutForm onCreated={(rollout) => navigate(`/rollouts/${rollout.id}`)} />
        </CardContent>
      </section>
    </Card>
  );
}

export function RolloutsPage() {
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const formId = useId();
  const filters = filtersFrom(params);
  const rollouts = useRollouts(filters);

  function update(values: { state?: RolloutState; offset?: number }) {
    const next = new URLSearchParams();
    if (values.state) next.set("state", values.state);
    if (values.offset) next.set("offset", String(values.offset));
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Rollouts"
        description="A chart version, an image tag or chart values rolled out to the fleet in waves, each gated on its stores being ready."
        actions={
          <Button aria-expanded={creating} aria-controls={formId} onClick={() => setCreating((open) => !open)}>
            New rollout
          </Button>
        }
      />
      {creating && <NewRollout id={formId} />}
      <div role="search" className="mb-4 max-w-xs space-y-1">
        <Label htmlFor="rollout-state">State</Label>
        <Select
          id="rollout-state"
          value={filters.state ?? ""}
          onChange={(e) => update({ state: (e.target.value || undefined) as RolloutState | undefined })}
        >
          <option value="">Any state</option>
          {Object.entries(ROLLOUT_STATE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </div>
      {rollouts.error && <ErrorAlert error={rollouts.error} title="The rollouts could not be loaded" />}
      {rollouts.isPending && <RolloutListSkeleton />}
      {rollouts.data &&
        (rollouts.data.items.length === 0 ? (
          <Card>
            <CardContent className="py-8 text-center text-sm text-slate-700">
              {filters.state
                ? "No rollout is in this state."
                : "No rollout yet. Start one with “New rollout”: preview it first, nothing is committed until you start it."}
            </CardContent>
          </Card>
        ) : (
          <>
            <RolloutList rollouts={rollouts.data.items} />
            <Pagination
              total={rollouts.data.total}
              limit={PAGE_SIZE}
              offset={filters.offset}
              onOffsetChange={(offset) => update({ ...filters, offset })}
            />
          </>
        ))}
    </>
  );
}
