import { config } from "@/lib/config";

type PollState = { signature: string; polls: number; lastUpdate: number };
const progress = new WeakMap<object, PollState>();

/** The next delay while something is still changing: fast at first, then backing off to pollMaxMs.
 *  `signature` names what is in flight (null: nothing, stop polling); a new one restarts the backoff. */
export function backoffInterval(query: { state: { dataUpdatedAt: number } }, signature: string | null): number | false {
  if (signature === null) {
    progress.delete(query);
    return false;
  }
  const previous = progress.get(query);
  let polls = 0;
  if (previous && previous.signature === signature) {
    // TanStack Query may ask more than once per fetch: count only fresh answers.
    polls = previous.polls + (previous.lastUpdate === query.state.dataUpdatedAt ? 0 : 1);
  }
  progress.set(query, { signature, polls, lastUpdate: query.state.dataUpdatedAt });
  return Math.min(config.pollMaxMs, Math.round(config.pollMinMs * 1.5 ** polls));
}
