import { Link } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime, shortSha } from "@/lib/format";
import { useSession } from "@/lib/session";
import { useStoreRollouts } from "../api/list-store-rollouts";
import { ChangeValue } from "./ChangeValue";

type StoreRolloutsProps = { storeId: string; lastCommitSha: string | null | undefined };

/** The rollouts that touched one store (its page): each one's change and the store's value before it,
 *  the store's wave and what happened to it. Rollout pages are for admins, so only they get links. */
export function StoreRollouts({ storeId, lastCommitSha }: StoreRolloutsProps) {
  const session = useSession();
  const isAdmin = session?.user.role === "admin";
  const rollouts = useStoreRollouts(storeId, lastCommitSha);

  if (rollouts.isPending) return <Skeleton className="h-12 w-full" />;
  if (rollouts.error) return <ErrorAlert error={rollouts.error} title="The rollouts could not be read" />;
  if (rollouts.data.length === 0)
    return <p className="text-sm text-slate-600">No fleet-wide rollout has touched this store.</p>;
  return (
    <ul aria-label="Rollouts of this store" className="divide-y divide-slate-100">
      {rollouts.data.map((rollout) => (
        <li key={rollout.id} className="py-2 text-sm">
          <p className="flex flex-wrap items-baseline gap-x-2">
            {isAdmin ? (
              <Link className="font-mono text-blue-700 underline" to={`/rollouts/${rollout.id}`}>
                {rollout.id}
              </Link>
            ) : (
              <span className="font-mono">{rollout.id}</span>
            )}{" "}
            <span className="break-words font-mono">{rollout.change}</span>{" "}
            <span className="text-xs text-slate-700">
              before: <ChangeValue value={rollout.from_value} kind={rollout.kind} />
            </span>
          </p>
          <p className="text-xs text-slate-700">
            Wave {rollout.wave} · this store: {rollout.store_state} · rollout: {rollout.state.replaceAll("_", " ")}
          </p>
          <p className="text-xs text-slate-500">
            commit <code title={rollout.commit_sha ?? undefined}>{shortSha(rollout.commit_sha)}</code>
            {rollout.revert_sha && (
              <>
                {" "}
                · reverted in <code title={rollout.revert_sha}>{shortSha(rollout.revert_sha)}</code>
              </>
            )}{" "}
            · <time dateTime={rollout.created_at}>{formatDateTime(rollout.created_at)}</time>
          </p>
        </li>
      ))}
    </ul>
  );
}
