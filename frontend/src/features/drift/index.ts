import { lazy } from "react";

// The drift page is for admins: loaded on its first visit, it stays out of the bundle every tenant
// downloads.
export const DriftPage = lazy(() => import("./routes/DriftPage").then((m) => ({ default: m.DriftPage })));
