import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, HEALTHY_REPORT, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const storesEmpty = http.get(`${API}/stores`, () => HttpResponse.json({ stores: [], total: 0, limit: 20, offset: 0 }));
const tenant = makeUser();
const admin = makeUser({ id: "u-admin00001", role: "admin" });

/** The page under the bar: an empty store list, as `user`. */
function storesPage(user = tenant) {
  signIn(user);
  return [storesEmpty, http.get(`${API}/auth/me`, () => HttpResponse.json(user))];
}

function summary(body: { status: string; cluster_configured: boolean; simulated: boolean }) {
  return http.get(`${API}/health/summary`, () => HttpResponse.json(body));
}

async function bar() {
  const status = await screen.findByRole("region", { name: "Platform status" });
  await within(status).findByText(/All systems|Degraded/);
  return status;
}

describe("the status bar", () => {
  it("tells a tenant all is normal, without a link to internals", async () => {
    server.use(...storesPage());
    renderApp("/stores");
    const status = await bar();
    expect(status).toHaveTextContent("All systems normal");
    expect(within(status).queryByRole("link")).not.toBeInTheDocument();
  });

  it("tells a tenant that changes may be slow, naming no component", async () => {
    server.use(...storesPage(), summary({ status: "degraded", cluster_configured: true, simulated: true }));
    renderApp("/stores");
    const status = await bar();
    expect(status).toHaveTextContent("Degraded: store changes may be slow");
    expect(status).toHaveTextContent("Simulated cluster: stores here are not real shops");
    expect(status).not.toHaveTextContent(/fleet|watcher|database/);
  });

  it("says when no cluster is configured", async () => {
    server.use(...storesPage(), summary({ status: "ok", cluster_configured: false, simulated: false }));
    renderApp("/stores");
    expect(await bar()).toHaveTextContent("Cluster not configured");
  });

  it("shows an admin which component is unhealthy and the way to the Health page", async () => {
    server.use(
      ...storesPage(admin),
      http.get(`${API}/health`, () =>
        HttpResponse.json(
          { ...HEALTHY_REPORT, status: "degraded", checks: { database: { status: "ok" }, fleet: { status: "down" } } },
          { status: 503 },
        ),
      ),
    );
    renderApp("/stores");
    const status = await bar();
    expect(status).toHaveTextContent("Degraded: store changes may be slow (fleet: down)");
    expect(within(status).getByRole("link", { name: "Platform health details" })).toHaveAttribute(
      "href",
      "/admin/health",
    );
  });

  it("says so when the platform does not answer", async () => {
    server.use(
      ...storesPage(),
      http.get(`${API}/health/summary`, () => HttpResponse.error()),
    );
    renderApp("/stores");
    expect(await screen.findByText(/Platform status unknown/)).toBeInTheDocument();
  });
});
