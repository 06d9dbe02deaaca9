import { BorderedTable } from "@/components/BorderedTable";
import { Link } from "react-router-dom";
import { ExternalLink } from "@/components/ExternalLink";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";
import type { ActorKind, FleetCommit } from "../api/list-fleet-commits";
import { ACTOR_LABELS } from "./FleetLogFilters";

const ACTOR_TONES: Record<ActorKind, BadgeTone> = {
  platform: "neutral",
  push: "warning",
  pull_request: "info",
  rollout: "success",
};

function Sha({ commit }: { commit: FleetCommit }) {
  if (!commit.commit_url) return <code title={commit.sha}>{commit.short_sha}</code>;
  return (
    <ExternalLink href={commit.commit_url} title={commit.sha} className="font-mono">
      {commit.short_sha}
    </ExternalLink>
  );
}

function Stores({ commit }: { commit: FleetCommit }) {
  if (commit.store_count === 0) return <span className="text-slate-500">no store</span>;
  const more = commit.store_count - commit.stores.length;
  return (
    <span className="flex flex-wrap gap-x-2">
      {commit.stores.map((store) => (
        <Link
          key={store.id}
          to={`/stores/${store.id}`}
          className="whitespace-nowrap font-mono text-blue-700 underline"
          title={`tenant ${store.tenant}`}
        >
          {store.id}
        </Link>
      ))}
      {more > 0 && <span className="text-slate-600">and {more} more</span>}
    </span>
  );
}

/** Why there is no Revert button; a rollout's commit points to the rollout, where it is undone. */
function NotRevertable({ commit }: { commit: FleetCommit }) {
  if (commit.actor_kind === "rollout" && commit.rollout_id)
    return (
      <Link
        to={`/rollouts/${commit.rollout_id}`}
        className="text-xs text-blue-700 underline"
        title={commit.not_revertable_reason ?? undefined}
      >
        Undo it in the rollout
      </Link>
    );
  return <span className="text-xs text-slate-600">Not revertable here: {commit.not_revertable_reason}</span>;
}

type FleetLogTableProps = { commits: FleetCommit[]; onRevert: (commit: FleetCommit) => void };

export function FleetLogTable({ commits, onRevert }: FleetLogTableProps) {
  return (
    <BorderedTable
      caption="Fleet repo commits, newest first"
      columns={[
        { label: "When" },
        { label: "Commit" },
        { label: "Made by" },
        { label: "Action" },
        { label: "Stores" },
        { label: "Revert", hidden: true },
      ]}
    >
      {commits.map((commit) => (
        <tr key={commit.sha} className="border-b border-slate-100 align-top last:border-0">
          <td className="whitespace-nowrap p-2 text-xs text-slate-600">
            <time dateTime={commit.time}>{formatDateTime(commit.time)}</time>
          </td>
          <td className="min-w-[14rem] p-2">
            <Sha commit={commit} />
            <p className="break-words text-xs text-slate-700">{commit.summary}</p>
          </td>
          <td className="p-2">
            <Badge tone={ACTOR_TONES[commit.actor_kind]}>{ACTOR_LABELS[commit.actor_kind]}</Badge>
            <p className="break-all text-xs text-slate-700">{commit.actor}</p>
          </td>
          <td className="p-2 font-mono text-xs">{commit.action}</td>
          <td className="p-2 text-xs">
            <Stores commit={commit} />
          </td>
          <td className="p-2 text-right">
            {commit.revertable ? (
              <Button
                variant="outline"
                size="sm"
                onClick={() => onRevert(commit)}
                aria-label={`Revert ${commit.short_sha}`}
              >
                Revert
              </Button>
            ) : (
              <NotRevertable commit={commit} />
            )}
          </td>
        </tr>
      ))}
    </BorderedTable>
  );
}
