import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, makeRollout, makeUser, makeWave, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });
const me = http.get(`${API}/auth/me`, () => HttpResponse.json(admin));

describe("the rollouts list", () => {
  it("shows each rollout's change, state, author, stores and progress", async () => {
    signIn(admin);
    const done = makeRollout({
      id: "ro-done000002",
      state: "succeeded",
      kind: "image_tag",
      target: "6.7.2-php8.2-apache",
      change: "image 6.7.2-php8.2-apache",
      chart_version: null,
      reason: null,
      store_count: 3,
      waves: [makeWave({ store_count: 3 })],
    });
    server.use(
      me,
      http.get(`${API}/rollouts`, () => HttpResponse.json({ items: [makeRollout(), done], total: 2 })),
    );
    renderApp("/rollouts");
    const list = await screen.findByRole("list", { name: "Rollouts" });
    const [running, succeeded] = within(list).getAllByRole("listitem");
    expect(within(running!).getByRole("link", { name: "ro-abcdefgh23" })).toHaveAttribute(
      "href",
      "/rollouts/ro-abcdefgh23",
    );
    expect(running).toHaveTextContent("chart 1.5.0");
    expect(running).toHaveTextContent("Running");
    expect(running).toHaveTextContent("ada (u-admin00001)");
    expect(running).toHaveTextContent("security fix");
    expect(running).toHaveTextContent("5 in 2 waves");
    // the canary (1 store) passed; wave 2 (4 stores) is still gating
    const progress = within(running!).getByRole("progressbar", { name: "Progress of rollout ro-abcdefgh23" });
    expect(progress).toHaveAttribute("aria-valuenow", "1");
    expect(progress).toHaveAttribute("aria-valuemax", "5");
    expect(running).toHaveTextContent("1 in passed waves · 4 to go of 5");
    expect(succeeded).toHaveTextContent("image 6.7.2-php8.2-apache");
    expect(succeeded).toHaveTextContent("Succeeded");
    expect(within(succeeded!).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "3");
  });

  it("filters by state through the URL", async () => {
    signIn(admin);
    const asked: (string | null)[] = [];
    server.use(
      me,
      http.get(`${API}/rollouts`, ({ request }) => {
        asked.push(new URL(request.url).searchParams.get("state"));
        return HttpResponse.json({ items: [], total: 0 });
      }),
    );
    const { user, router } = renderApp("/rollouts");
    expect(await screen.findByText(/No rollout yet/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("State"), "rolled_back");
    expect(await screen.findByText("No rollout is in this state.")).toBeInTheDocument();
    expect(router.state.location.search).toBe("?state=rolled_back");
    expect(asked).toEqual([null, "rolled_back"]);
  });

  it("is linked from the navigation for admins only", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/rollouts`, () => HttpResponse.json({ items: [], total: 0 })),
    );
    const { user, router } = renderApp("/no-such-page");
    const nav = screen.getByRole("navigation", { name: "Main" });
    await user.click(within(nav).getByRole("link", { name: "Rollouts" }));
    expect(router.state.location.pathname).toBe("/rollouts");
    expect(await screen.findByRole("heading", { level: 1, name: "Rollouts" })).toBeInTheDocument();
  });

  it("is not offered to tenants, nor shown to them by its address", async () => {
    signIn();
    server.use(http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())));
    renderApp("/rollouts");
    expect(await screen.findByText("This page is for platform administrators only.")).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).queryByRole("link", { name: "Rollouts" })).not.toBeInTheDocument();
  });

  it("says when the list cannot be read", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/rollouts`, () =>
        HttpResponse.json({ error: { code: "FORBIDDEN", message: "Admins only." } }, { status: 403 }),
      ),
    );
    renderApp("/rollouts");
    expect(await screen.findByText("The rollouts could not be loaded")).toBeInTheDocument();
    expect(screen.getByText("Admins only.")).toBeInTheDocument();
  });
});
