import { lazy } from "react";

export { StoreRollouts } from "./components/StoreRollouts";

// The rollout pages are for admins: loaded on their first visit, they stay out of the bundle every
// tenant downloads (and keep it under the build's chunk-size warning).
export const RolloutsPage = lazy(() => import("./routes/RolloutsPage").then((m) => ({ default: m.RolloutsPage })));
export const RolloutDetailPage = lazy(() =>
  import("./routes/RolloutDetailPage").then((m) => ({ default: m.RolloutDetailPage })),
);
