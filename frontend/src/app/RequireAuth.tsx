import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { PageHeader } from "@/components/PageHeader";
import { useSession } from "@/lib/session";

/** Pages behind sign-in; an admin-only page tells a tenant why it is not for them. */
export function RequireAuth({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const here = location.pathname + location.search;
    const next = here === "/" || here === "/stores" ? "" : `?next=${encodeURIComponent(here)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  if (admin && session.user.role !== "admin") {
    return (
      <>
        <PageHeader title="Administrators only" />
        <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 p-4 text-sm">
          This page is for platform administrators only.
        </div>
      </>
    );
  }
  return children;
}
