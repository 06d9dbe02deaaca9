import { Suspense, type ReactNode } from "react";
import { Link, type RouteObject } from "react-router-dom";
import { PageHeader } from "@/components/PageHeader";
import { Skeleton } from "@/components/ui/skeleton";
import { AccountPage, UsersPage } from "@/features/accounts";
import { HealthPage } from "@/features/admin";
import { AuditPage } from "@/features/audit";
import { LoginPage, RegisterPage } from "@/features/auth";
import { OverviewPage } from "@/features/overview";
import { DriftPage } from "@/features/drift";
import { FleetLogPage } from "@/features/fleet-log";
import { RolloutDetailPage, RolloutsPage, StoreRollouts } from "@/features/rollouts";
import { CreateStorePage, StoreDetailPage, StoresPage } from "@/features/stores";
import { StoreUsage, UsagePage } from "@/features/usage";
import { StoreBackups } from "@/features/backups";
import { Layout } from "./Layout";
import { RequireAuth } from "./RequireAuth";
import { Root } from "./Root";

function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p role="alert">
        This page does not exist.{" "}
        <Link className="text-blue-700 underline" to="/stores">
          Go back to the stores list.
        </Link>
      </p>
    </>
  );
}

/** A page loaded on its first visit (React.lazy): a placeholder of its size until it is there. */
function LazyPage({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div aria-busy="true" aria-label="Loading page" className="space-y-4">
          <Skeleton className="h-8 w-48" />
          <Skeleton className="h-40 w-full" />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

export const routes: RouteObject[] = [
  {
    element: <Root />,
    children: [
      { path: "/login", element: <LoginPage /> },
      { path: "/register", element: <RegisterPage /> },
      {
        element: (
          <RequireAuth>
            <Layout />
          </RequireAuth>
        ),
        children: [
          { path: "/", element: <OverviewPage /> },
          { path: "/stores", element: <StoresPage /> },
          { path: "/stores/new", element: <CreateStorePage /> },
          {
            path: "/stores/:storeId",
            // Features do not import each other: the store page gets its rollouts, usage and backups sections here.
            element: (
              <StoreDetailPage
                rollouts={(store) => <StoreRollouts storeId={store.id} lastCommitSha={store.last_commit_sha} />}
                usage={(store) => <StoreUsage storeId={store.id} plan={store.plan} />}
                backups={(store) => <StoreBackups storeId={store.id} storeName={store.name} status={store.status} />}
              />
            ),
          },
          { path: "/audit", element: <AuditPage /> },
          { path: "/account", element: <AccountPage /> },
          {
            path: "/fleet-log",
            element: (
              <RequireAuth admin>
                <LazyPage>
                  <FleetLogPage />
                </LazyPage>
              </RequireAuth>
            ),
          },
          {
            path: "/admin/users",
            element: (
              <RequireAuth admin>
                <LazyPage>
                  <UsersPage />
                </LazyPage>
              </RequireAuth>
            ),
          },
          {
            path: "/admin/health",
            element: (
              <RequireAuth admin>
                <HealthPage />
              </RequireAuth>
            ),
          },
          {
            path: "/rollouts",
            element: (
              <RequireAuth admin>
                <LazyPage>
                  <RolloutsPage />
                </LazyPage>
              </RequireAuth>
            ),
          },
          {
            path: "/rollouts/:rolloutId",
            element: (
              <RequireAuth admin>
                <LazyPage>
                  <RolloutDetailPage />
                </LazyPage>
              </RequireAuth>
            ),
          },
          {
            path: "/usage",
            element: (
              <RequireAuth admin>
                <LazyPage>
                  <UsagePage />
                </LazyPage>
              </RequireAuth>
            ),
          },
          {
            path: "/drift",
            element: (
              <RequireAuth admin>
                <LazyPage>
                  <DriftPage />
                </LazyPage>
              </RequireAuth>
            ),
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
];
