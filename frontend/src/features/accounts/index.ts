import { lazy } from "react";

export { AccountPage } from "./routes/AccountPage";

// The users page is for admins: loaded on its first visit, it stays out of the bundle every tenant downloads.
export const UsersPage = lazy(() => import("./routes/UsersPage").then((m) => ({ default: m.UsersPage })));
