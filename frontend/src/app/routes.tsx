import { Navigate, type RouteObject } from "react-router-dom";
import { HealthPage } from "@/features/admin";
import { AuditPage } from "@/features/audit";
import { LoginPage, RegisterPage } from "@/features/auth";
import { CreateStorePage, StoreDetailPage, StoresPage } from "@/features/stores";
import { Layout } from "./Layout";
import { RequireAuth } from "./RequireAuth";
import { Root } from "./Root";

function NotFound() {
  return <p role="alert">This page does not exist. Go back to the stores list.</p>;
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
