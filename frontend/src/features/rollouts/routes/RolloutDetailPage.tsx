import { useId } from "react";
import { useParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { BackLink, Section } from "@/components/Section";
import { Skeleton } from "@/components/ui/skeleton";
import { isApiError } from "@/lib/api/errors";
import { useRollout } from "../api/get-rollout";
import { RolloutActions } from "../components/RolloutActions";
import { RolloutOverview, RolloutStopped } from "../components/RolloutOverview";
import { WaveCard } from "../components/WaveCard";
import { hasCanary, isActive, type Rollout } from "../lib/status";

function RolloutDetail({ rollout, refreshError }: { rollout: Rollout; refreshError: unknown }) {
  const wavesHeadingId = useId();
  const canary = hasCanary(rollout);
  return (
    <>
      <BackLink to="/rollouts" label="Rollouts" />
      <PageHeader
        title={`Rollout: ${rollout.change}`}
        description={
          <>
            <code className="text-xs">{rollout.id}</code>
            {isActive(rollout.state) && " · refreshed every 2 seconds while it runs"}
          </>
        }
      />
      <div className="space-y-4">
        <ErrorAlert error={refreshError} title="The rollout could not be refreshed" />
        <RolloutStopped rollout={rollout} />
        <RolloutActions rollout={rollout} />
        <Section title="Overview">
          <RolloutOverview rollout={rollout} />
        </Section>
        <section aria-labelledby={wavesHeadingId} className="space-y-3">
          <h2 id={wavesHeadingId} className="text-lg font-semibold">
            Waves
          </h2>
          {rollout.waves.length === 0 ? (
            <p className="text-sm text-slate-600">This rollout has no waves.</p>
          ) : (
            rollout.waves.map((wave) => (
              <WaveCard key={wave.number} wave={wave} kind={rollout.kind} canary={canary && wave.number === 1} />
            ))
          )}
        </section>
      </div>
    </>
  );
}

export function RolloutDetailPage() {
  const { rolloutId = "" } = useParams();
  const rollout = useRollout(rolloutId);
  if (rollout.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading rollout" className="space-y-4">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  // A failed refresh keeps what was shown, and says so.
  if (rollout.data) return <RolloutDetail rollout={rollout.data} refreshError={rollout.error} />;
  const notFound = isApiError(rollout.error) && rollout.error.status === 404;
  return (
    <>
      <BackLink to="/rollouts" label="Rollouts" />
      {notFound ? (
        <PageHeader title="Rollout not found" description="There is no rollout with this address." />
      ) : (
        <>
          <PageHeader title="The rollout could not be loaded" />
          <ErrorAlert error={rollout.error} />
        </>
      )}
    </>
  );
}
