import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { formatDateTime, shortSha } from "@/lib/format";
import type { ChangeKind } from "../lib/rollout-change";
import { gateSummary, type FailingStore, type Wave } from "../lib/status";
import { ProgressBar } from "./ProgressBar";
import { WaveStateChip } from "./RolloutStateChip";
import { WaveStoresTable } from "./WaveStoresTable";

function Sha({ sha }: { sha: string | null }) {
  if (!sha) return <span className="text-slate-500">—</span>;
  return (
    <code className="font-mono text-xs" title={sha}>
      {shortSha(sha)}
    </code>
  );
}

/** Stores that failed a gate, with the reason each one gave. */
export function FailingStoreList({ stores, label }: { stores: FailingStore[]; label: string }) {
  return (
    <ul aria-label={label} className="space-y-1">
      {stores.map((store) => (
        <li key={store.store_id} className="break-words text-sm">
          <Link className="font-mono text-blue-700 underline" to={`/stores/${store.store_id}`}>
            {store.store_id}
          </Link>
          {store.error && <span>: {store.error}</span>}
        </li>
      ))}
    </ul>
  );
}

type WaveCardProps = { wave: Wave; canary: boolean; kind: ChangeKind };

/** One wave: its gate's progress, its commit (and revert), what the gate said, and its stores. */
export function WaveCard({ wave, canary, kind }: WaveCardProps) {
  const headingId = useId();
  const storesId = useId();
  const [showStores, setShowStores] = useState(false);
  const gate = gateSummary(wave);
  const title = `Wave ${wave.number}${canary ? " (canary)" : ""}`;
  return (
    <Card>
      <section aria-labelledby={headingId}>
        <CardContent className="space-y-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 id={headingId} className="font-semibold">
              {title}
            </h3>
            <WaveStateChip state={wave.state} />
          </div>
          <ProgressBar
            label={`${title} gate`}
            total={wave.store_count}
            segments={[
              { label: "ready", value: gate.ready, className: "bg-green-600" },
              { label: "failed", value: gate.failed, className: "bg-red-600" },
              { label: "pending", value: gate.pending, className: "bg-slate-400" },
            ]}
          />
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-xs text-slate-500">Commit</dt>
              <dd>
                <Sha sha={wave.commit_sha} />
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Revert</dt>
              <dd>
                <Sha sha={wave.revert_sha} />
                {wave.reverted_by && <span className="block text-xs text-slate-600">by {wave.reverted_by}</span>}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Failure budget</dt>
              <dd>
                {wave.max_failures} of {wave.store_count}
              </dd>
            </div>
            {wave.attempt > 0 && (
              <div>
                <dt className="text-xs text-slate-500">Retries</dt>
                <dd>{wave.attempt}</dd>
              </div>
            )}
            {wave.committed_at && (
              <div className="col-span-2">
                <dt className="text-xs text-slate-500">Committed</dt>
                <dd>
                  <time dateTime={wave.committed_at}>{formatDateTime(wave.committed_at)}</time>
                </dd>
              </div>
            )}
            {wave.finished_at && (
              <div className="col-span-2">
                <dt className="text-xs text-slate-500">Finished</dt>
                <dd>
                  <time dateTime={wave.finished_at}>{formatDateTime(wave.finished_at)}</time>
                </dd>
              </div>
            )}
          </dl>
          {gate.message && (
            <p className="break-words text-sm">
              <span className="text-slate-500">Gate: </span>
              {gate.message}
            </p>
          )}
          {gate.failing.length > 0 && (
            <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2">
              <p className="text-sm font-medium text-red-950">Failing stores</p>
              <FailingStoreList stores={gate.failing} label={`${title}: failing stores`} />
            </div>
          )}
          {wave.stores && (
            <div>
              <Button
                variant="outline"
                size="sm"
                aria-expanded={showStores}
                aria-controls={storesId}
                onClick={() => setShowStores((shown) => !shown)}
              >
                <span aria-hidden="true">{showStores ? "▾" : "▸"}</span>
                Stores ({wave.stores.length})
              </Button>
              <div id={storesId} hidden={!showStores} className="mt-2">
                {showStores && <WaveStoresTable stores={wave.stores} kind={kind} caption={`${title}: stores`} />}
              </div>
            </div>
          )}
        </CardContent>
      </section>
    </Card>
  );
}
