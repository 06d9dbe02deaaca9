import { lazy } from "react";

// For admins: loaded on its first visit, it stays out of the bundle every tenant downloads.
export const FleetLogPage = lazy(() => import("./routes/FleetLogPage").then((m) => ({ default: m.FleetLogPage })));
