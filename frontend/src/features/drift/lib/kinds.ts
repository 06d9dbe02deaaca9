import type { BadgeTone } from "@/components/ui/badge";

export const DRIFT_KINDS = ["orphan", "missing", "out_of_sync", "not_corrected", "corrected"] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** `label` names one item (its badge), `title` the stores counted (its stat card). */
type KindInfo = { label: string; title: string; tone: BadgeTone; explanation: string };

/** Each kind of drift in plain words: its name, its badge and what it means. */
export const KINDS: Record<DriftKind, KindInfo> = {
  orphan: {
    label: "Orphan",
    title: "Orphans",
    tone: "warning",
    explanation: "Objects in the cluster labelled with a store git does not have.",
  },
  missing: {
    label: "Missing",
    title: "Missing",
    tone: "danger",
    explanation: "Running stores whose release the cluster lacks.",
  },
  out_of_sync: {
    label: "Out of sync",
    title: "Out of sync",
    tone: "info",
    explanation: "Stores whose Argo CD Application differs from git.",
  },
  not_corrected: {
    label: "Not corrected",
    title: "Not corrected",
    tone: "danger",
    explanation: "Stores whose objects Flux found changed in the cluster and did not put back.",
  },
  corrected: {
    label: "Corrected",
    title: "Corrected by Flux",
    tone: "info",
    explanation: "Stores whose objects were changed in the cluster and put back by Flux (its last hour of events).",
  },
};

/** A kind this dashboard knows, or null for one a newer API added (shown as the API names it). */
export function kindInfo(kind: string): KindInfo | null {
  return (DRIFT_KINDS as readonly string[]).includes(kind) ? KINDS[kind as DriftKind] : null;
}

/** An orphan's store is not in git, so it has no page to link to. */
export function hasStorePage(kind: string): boolean {
  return kind !== "orphan";
}
