import { lazy } from "react";

export { StoreUsage } from "./components/StoreUsage";

// The usage page is for admins: loaded on its first visit, it stays out of the bundle every tenant
// downloads (the store page's usage section, for everyone, is in it).
export const UsagePage = lazy(() => import("./routes/UsagePage").then((m) => ({ default: m.UsagePage })));
