import { Outlet } from "react-router-dom";
import { SessionWatcher } from "./SessionWatcher";

export function Root() {
  return (
    <>
      <SessionWatcher />
      <Outlet />
    </>
  );
}
