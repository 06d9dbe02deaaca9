import { NavLink, Outlet } from "react-router-dom";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { StatusBar } from "@/features/status";
import { clearSession, useSession } from "@/lib/session";
import { cn } from "@/lib/utils";

function navClass({ isActive }: { isActive: boolean }): string {
  return cn(
    "rounded-md px-2 py-1 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600",
    isActive ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-200",
  );
}

export function Layout() {
  const session = useSession();
  const isAdmin = session?.user.role === "admin";
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-2">
          <div className="flex flex-wrap items-center gap-3">
            <span className="font-semibold">storefleet</span>
            <nav aria-label="Main" className="flex flex-wrap gap-1">
              <NavLink to="/" end className={navClass}>
                Overview
              </NavLink>
              <NavLink to="/stores" className={navClass}>
                Stores
              </NavLink>
              <NavLink to="/audit" className={navClass}>
                Audit log
              </NavLink>
              {isAdmin && (
                <>
                  <NavLink to="/rollouts" className={navClass}>
                    Rollouts
                  </NavLink>
                  <NavLink to="/usage" className={navClass}>
                    Usage
                  </NavLink>
                  <NavLink to="/drift" className={navClass}>
                    Drift
                  </NavLink>
                  <NavLink to="/fleet-log" className={navClass}>
                    Fleet log
                  </NavLink>
                  <NavLink to="/admin/users" className={navClass}>
                    Users
                  </NavLink>
                  <NavLink to="/admin/health" className={navClass}>
                    Health
                  </NavLink>
                </>
              )}
            </nav>
          </div>
          {session && (
            <div className="flex items-center gap-2 text-sm">
              <NavLink
                to="/account"
                className={navClass}
                title={`${session.user.email}: your account, change password`}
              >
                <span className="sr-only">Your account: </span>
                <span className="inline-block max-w-[10rem] truncate align-bottom">{session.user.username}</span>
              </NavLink>
              <Badge tone={isAdmin ? "info" : "neutral"}>{isAdmin ? "admin" : "tenant"}</Badge>
              <Button variant="ghost" size="sm" onClick={() => clearSession("signed-out")}>
                Sign out
              </Button>
            </div>
          )}
        </div>
      </header>
      <StatusBar />
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
