import { Link, Navigate, type RouteObject } from "react-router-dom";
import { PageHeader } from "@/components/PageHeader";
import { HealthPage } from "@/features/admin";
import { AuditPage } from "@/features/audit";
import { LoginPage, RegisterPage } from "@/features/auth";
import { CreateStorePage, StoreDetailPage, StoresPage } from "@/features/stores";
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
          { path: "/", element: <Navigate to="/stores" replace /> },
          { path: "/stores", element: <StoresPage /> },
          { path: "/stores/new", element: <CreateStorePage /> },
          { path: "/stores/:storeId", element: <StoreDetailPage /> },
          { path: "/audit", element: <AuditPage /> },
          {
            path: "/admin/health",
            element: (
              <RequireAuth admin>
                <HealthPage />
              </RequireAuth>
            ),
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
];
