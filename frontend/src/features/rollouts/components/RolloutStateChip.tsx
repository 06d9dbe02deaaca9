import { Badge } from "@/components/ui/badge";
import {
  isWaveInFlight,
  ROLLOUT_STATE_LABELS,
  ROLLOUT_STATE_TONES,
  WAVE_STATE_LABELS,
  WAVE_STATE_TONES,
  type RolloutState,
  type WaveState,
} from "../lib/status";

function Pulse() {
  return <span aria-hidden="true" className="h-2 w-2 animate-pulse rounded-full bg-current" />;
}

export function RolloutStateChip({ state }: { state: RolloutState }) {
  return (
    <Badge tone={ROLLOUT_STATE_TONES[state]}>
      {state === "running" && <Pulse />}
      {ROLLOUT_STATE_LABELS[state]}
    </Badge>
  );
}

export function WaveStateChip({ state }: { state: WaveState }) {
  return (
    <Badge tone={WAVE_STATE_TONES[state]}>
      {isWaveInFlight(state) && <Pulse />}
      {WAVE_STATE_LABELS[state]}
    </Badge>
  );
}
