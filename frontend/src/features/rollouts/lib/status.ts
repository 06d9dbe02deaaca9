import type { BadgeTone } from "@/components/ui/badge";
import type { Schemas } from "@/lib/api/client";

export type Rollout = Schemas["RolloutOut"];
export type Wave = Schemas["WaveOut"];
export type WaveStore = Schemas["WaveStoreOut"];
export type RolloutState = Schemas["RolloutState"];
export type WaveState = Schemas["WaveState"];
export type RolloutAction = "pause" | "resume" | "abort" | "retry";

export const ROLLOUT_STATE_LABELS: Record<RolloutState, string> = {
  running: "Running",
  paused: "Paused",
  succeeded: "Succeeded",
  rolled_back: "Rolled back",
  aborted: "Aborted",
};

export const ROLLOUT_STATE_TONES: Record<RolloutState, BadgeTone> = {
  running: "info",
  paused: "warning",
  succeeded: "success",
  rolled_back: "danger",
  aborted: "neutral",
};

export const WAVE_STATE_LABELS: Record<WaveState, string> = {
  pending: "Pending",
  committing: "Committing",
  gating: "Gating",
  soaking: "Soaking",
  passed: "Passed",
  failed: "Failed",
  reverting: "Reverting",
  reverted: "Reverted",
};

export const WAVE_STATE_TONES: Record<WaveState, BadgeTone> = {
  pending: "neutral",
  committing: "info",
  gating: "info",
  soaking: "info",
  passed: "success",
  failed: "danger",
  reverting: "warning",
  reverted: "warning",
};

/** A wave the platform is still working on (its commit is queued, or its gate runs). */
const WAVE_IN_FLIGHT: ReadonlySet<WaveState> = new Set(["committing", "gating", "soaking", "reverting"]);

export function isWaveInFlight(state: WaveState): boolean {
  return WAVE_IN_FLIGHT.has(state);
}

/** api/rollouts/states.py ACTIVE: the rollout still moves (a paused one's current gate still runs). */
export function isActive(state: RolloutState): boolean {
  return state === "running" || state === "paused";
}

/** api/rollouts/states.py ROLLOUT: what an admin may do in each state, in the order buttons show. */
const ACTIONS: Record<RolloutState, readonly RolloutAction[]> = {
  running: ["pause", "abort"],
  paused: ["resume", "retry", "abort"],
  rolled_back: ["retry", "abort"],
  succeeded: [],
  aborted: [],
};

export function allowedActions(state: RolloutState): readonly RolloutAction[] {
  return ACTIONS[state];
}

/** Stores in waves that passed their gate, out of every store of the rollout. */
export function rolloutProgress(rollout: Rollout): { done: number; total: number } {
  const done = rollout.waves.filter((wave) => wave.state === "passed").reduce((sum, wave) => sum + wave.store_count, 0);
  return { done, total: rollout.store_count };
}

export type FailingStore = { store_id: string; error: string };

export type GateSummary = {
  ready: number;
  failed: number;
  pending: number;
  message: string | null;
  failing: FailingStore[];
};

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** `failing` as the API records it ([{store_id, error}]), whatever else an entry carries. */
export function failingStores(value: unknown): FailingStore[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is Record<string, unknown> => typeof entry === "object" && entry !== null)
    .map((entry) => ({
      store_id: typeof entry.store_id === "string" ? entry.store_id : "?",
      error: typeof entry.error === "string" ? entry.error : "",
    }));
}

/** The wave's last gate evaluation (api/rollouts/gate.py GateResult.summary). Before its gate has run
 *  it is empty: every store of the wave is still pending. */
export function gateSummary(wave: Wave): GateSummary {
  const gate = wave.gate as Record<string, unknown>;
  const evaluated = typeof gate.ready === "number" || typeof gate.failed === "number";
  return {
    ready: count(gate.ready),
    failed: count(gate.failed),
    pending: evaluated ? count(gate.pending) : wave.store_count,
    message: typeof gate.message === "string" && gate.message ? gate.message : null,
    failing: failingStores(gate.failing),
  };
}

/** Wave 1 is the canary when the rollout asked for one (explicit ids or a count): `gate.canary`. */
export function hasCanary(rollout: Rollout): boolean {
  const canary = (rollout.gate as { canary?: { count?: unknown; store_ids?: unknown } }).canary;
  return count(canary?.count) > 0 || (Array.isArray(canary?.store_ids) && canary.store_ids.length > 0);
}

/** The selector in words: "all stores", or each condition given ("engines: medusa · plans: small"). */
export function describeSelector(selector: Record<string, unknown>): string {
  const parts = Object.entries(selector)
    .filter(([key, value]) => key !== "all" && Array.isArray(value) && value.length > 0)
    .map(([key, value]) => {
      const items = (value as unknown[]).map(String);
      const shown =
        items.length > 5 ? `${items.slice(0, 5).join(", ")} and ${items.length - 5} more` : items.join(", ");
      return `${key.replaceAll("_", " ")}: ${shown}`;
    });
  if (parts.length === 0) return selector.all ? "all stores" : "—";
  return parts.join(" · ");
}
