import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { formatDateTime } from "@/lib/format";
import { storeKeys } from "../api/keys";
import { moveInFlight, useClusters, useMoveStore, useStoreMove, type StoreMove } from "../api/move-store";
import type { Store } from "../lib/status";

const STAGES: Record<StoreMove["stage"], string> = {
  backing_up: "backing up",
  restoring: "restoring there",
  starting: "starting there",
  done: "moved",
  failed: "failed",
};

/** Where the store's latest move is: "moving to <cluster>" while it runs, how it ended after. */
export function MoveStatus({ move }: { move: StoreMove }) {
  if (moveInFlight(move)) {
    return (
      <p className="text-sm" role="status">
        <span className="font-medium">Moving to {move.target_cluster}</span> ({STAGES[move.stage]})
        {move.message && <span className="block text-xs text-slate-600">{move.message}</span>}
      </p>
    );
  }
  const ended = move.ended_at ? `, ${formatDateTime(move.ended_at)}` : "";
  return (
    <p className="text-sm">
      {move.stage === "done"
        ? `Moved from ${move.source_cluster ?? "its former cluster"} to ${move.target_cluster}${ended}.`
        : `The move to ${move.target_cluster} failed${ended}: ${move.reason ?? "no reason given"}. The store stayed where it was.`}
    </p>
  );
}

/** The store's move to another cluster: its state for everyone, the action for admins. */
export function MoveStore({ store, isAdmin }: { store: Store; isAdmin: boolean }) {
  const move = useStoreMove(store.id);
  const latest = move.data ?? null;
  const queryClient = useQueryClient();
  const flying = moveInFlight(latest);
  const wasFlying = useRef(flying);
  useEffect(() => {
    // a move that ended while shown changed where the store runs (done) or its history: read it again
    if (wasFlying.current && !flying) void queryClient.invalidateQueries({ queryKey: storeKeys.detail(store.id) });
    wasFlying.current = flying;
  }, [flying, queryClient, store.id]);
  return (
    <div className="space-y-3">
      <ErrorAlert error={move.error} />
      {latest && <MoveStatus move={latest} />}
      {isAdmin && !moveInFlight(latest) && <MoveAction store={store} />}
    </div>
  );
}

function MoveAction({ store }: { store: Store }) {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState("");
  const clusters = useClusters(open);
  const moving = useMoveStore();
  const choices = (clusters.data?.items ?? []).filter((c) => c.state === "active" && c.name !== store.cluster?.name);
  const ready = store.status === "ready";

  function confirm() {
    moving.mutate({ storeId: store.id, cluster: target }, { onSuccess: () => setOpen(false) });
  }

  return (
    <>
      <Button variant="outline" disabled={!ready} onClick={() => setOpen(true)}>
        Move to cluster…
      </Button>
      {!ready && <p className="text-xs text-slate-600">Only a ready store is moved.</p>}
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Move ${store.name} to another cluster`}
        description="A fresh backup is restored on the chosen cluster; once the store is ready there, it is removed from its current one. The shop keeps serving from its current cluster meanwhile."
        confirmLabel="Move the store"
        busy={moving.isPending}
        confirmDisabled={!target}
        onConfirm={confirm}
      >
        <ErrorAlert error={clusters.error ?? moving.error} title="The store could not be moved" />
        <Field label="Target cluster" hint="Active clusters other than the store's own.">
          {(control) => (
            <Select {...control} value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose a cluster</option>
              {choices.map((c) => (
                <option key={c.id} value={c.name}>
                  {[c.name, c.region].filter(Boolean).join(" · ")}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </ConfirmDialog>
    </>
  );
}
