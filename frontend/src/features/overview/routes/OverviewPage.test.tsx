import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeFleetStats, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", role: "admin" });

const tenant = makeUser();

function answerStats(stats = makeFleetStats(), ranges: string[] = [], user = admin) {
  server.use(
    http.get(`${API}/auth/me`, () => HttpResponse.json(user)),
    http.get(`${API}/fleet/stats`, ({ request }) => {
      ranges.push(new URL(request.url).searchParams.get("range") ?? "");
      return HttpResponse.json(stats);
    }),
  );
}

describe("fleet overview", () => {
  it("is the landing page: cards with failed and degraded first, each opening the filtered list", async () => {
    signIn(admin);
    answerStats();
    renderApp("/");
    expect(await screen.findByRole("heading", { name: "Fleet overview" })).toBeInTheDocument();
    const byStatus = await screen.findByRole("region", { name: "Stores by status" });
    const cards = within(byStatus).getAllByRole("link");
    expect(cards.map((card) => card.textContent)).toEqual(["5All stores", "1Failed", "1Degraded", "3Ready"]);
    expect(cards[1]).toHaveAttribute("href", "/stores?status=failed");
    const engines = screen.getByRole("region", { name: "By engine" });
    expect(within(engines).getByRole("link", { name: /MedusaJS/ })).toHaveAttribute("href", "/stores?engine=medusa");
    expect(within(screen.getByRole("region", { name: "By plan" })).getByText("Small")).toBeInTheDocument();
  });

  it("draws every chart with a title and a summary, and shows its data as a table on demand", async () => {
    signIn(admin);
    answerStats();
    const { user } = renderApp("/");
    for (const title of [
      "Stores over time",
      "Provisioning duration",
      "Commit → ready lag",
      "Changes per hour by action",
      "Failures by reason",
    ]) {
      // the charts are a chunk of their own (React.lazy): the first one may take a moment
      expect(await screen.findByRole("figure", { name: title }, { timeout: 5000 })).toBeInTheDocument();
    }
    const provisioning = screen.getByRole("figure", { name: "Provisioning duration" });
    expect(within(provisioning).getByRole("img")).toHaveAccessibleName(
      "Provisioning duration histogram: 3 stores, p50 1.6 min, p95 4.7 min.",
    );
    const toggle = within(provisioning).getByRole("button", { name: /Show data as table/ });
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const table = within(provisioning).getByRole("table", { name: "Provisioning duration" });
    expect(within(table).getByRole("row", { name: "2m–5m 2" })).toBeInTheDocument();
    expect(within(table).getByRole("row", { name: "≥ 30m 0" })).toBeInTheDocument();
    const failures = screen.getByRole("figure", { name: "Failures by reason" });
    await user.click(within(failures).getByRole("button", { name: /Show data as table/ }));
    expect(within(failures).getByRole("row", { name: "Timed out 1" })).toBeInTheDocument();
  });

  it("asks for another range and keeps it in the address", async () => {
    signIn(admin);
    const ranges: string[] = [];
    answerStats(makeFleetStats(), ranges);
    const { user, router } = renderApp("/");
    await screen.findByRole("heading", { name: "Over the last 24 hours" });
    await user.click(screen.getByRole("button", { name: "7 days" }));
    expect(await screen.findByRole("heading", { name: "Over the last 7 days" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(ranges).toEqual(["24h", "7d"]));
    expect(router.state.location.search).toBe("?range=7d");
  });

  it("shows a tenant their own stores, and an empty fleet its way to a first store", async () => {
    signIn(tenant);
    answerStats(
      makeFleetStats({ scope: "tenant", counts: { total: 0, by_status: [], by_engine: [], by_plan: [] } }),
      [],
      tenant,
    );
    renderApp("/");
    expect(await screen.findByRole("heading", { name: "Your stores" })).toBeInTheDocument();
    expect(await screen.findByText("No stores yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create a store" })).toHaveAttribute("href", "/stores/new");
  });

  it("says when the numbers cannot be read", async () => {
    signIn(admin);
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(admin)),
      http.get(`${API}/fleet/stats`, () => apiError(503, "SERVICE_UNAVAILABLE", "Database down.")),
    );
    renderApp("/");
    expect(await screen.findByText("The overview could not be read")).toBeInTheDocument();
    expect(screen.getByText("Database down.")).toBeInTheDocument();
  });
});
