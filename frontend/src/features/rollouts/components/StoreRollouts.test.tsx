import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, apiError, makeStore, makeUser, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const store = makeStore({
  pin: { reason: "Black Friday until 2 Dec", pinned_by: "ada (u-abcdefgh23)", pinned_at: "2026-11-20T10:00:00Z" },
});
const PATCH = { redis: { enabled: true }, resources: { limits: { cpu: "500m", memory: "1Gi" } } };
const ROLLOUTS: Schemas["StoreRolloutOut"][] = [
  {
    id: "ro-values0003",
    state: "running",
    kind: "values_patch",
    target: { redis: null },
    change: "values 0f0e0d0c0b0a",
    chart_version: null,
    wave: 1,
    store_state: "committed",
    from_value: PATCH,
    commit_sha: "abba000123456789abcdef0123456789abcdef04",
    revert_sha: null,
    created_at: "2026-04-01T10:00:00Z",
  },
  {
    id: "ro-newer00002",
    state: "rolled_back",
    kind: "chart_version",
    target: "1.6.0",
    change: "chart 1.6.0",
    chart_version: "1.6.0",
    wave: 2,
    store_state: "reverted",
    from_value: "1.5.0",
    commit_sha: "beef000123456789abcdef0123456789abcdef02",
    revert_sha: "dead000123456789abcdef0123456789abcdef03",
    created_at: "2026-03-01T10:00:00Z",
  },
  {
    id: "ro-older00001",
    state: "succeeded",
    kind: "image_tag",
    target: "6.7.2-php8.2-apache",
    change: "image 6.7.2-php8.2-apache",
    chart_version: null,
    wave: 1,
    store_state: "committed",
    from_value: null,
    commit_sha: "c0ffee0123456789abcdef0123456789abcdef01",
    revert_sha: null,
    created_at: "2026-02-01T10:00:00Z",
  },
];

function serve(answer: () => Response = () => HttpResponse.json(ROLLOUTS)) {
  server.use(...storeDetailHandlers(store));
  server.use(http.get(`${API}/stores/${store.id}/rollouts`, answer)); // added last: it wins
}

describe("a store's rollouts", () => {
  it("lists them for an admin, linking each rollout's page", async () => {
    signIn(makeUser({ id: "u-admin00001", role: "admin" }));
    serve();
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Rollouts" });
    const list = await within(section).findByRole("list", { name: "Rollouts of this store" });
    const [values, newer, older] = within(list).getAllByRole("listitem");
    expect(within(newer!).getByRole("link", { name: "ro-newer00002" })).toHaveAttribute(
      "href",
      "/rollouts/ro-newer00002",
    );
    expect(newer).toHaveTextContent("chart 1.6.0 before: 1.5.0");
    expect(newer).toHaveTextContent("Wave 2 · this store: reverted · rollout: rolled back");
    expect(newer).toHaveTextContent("commit beef000 · reverted in dead000");
    expect(older).toHaveTextContent("image 6.7.2-php8.2-apache before: —");
    // A values patch before: compact JSON, cut short, the whole of it in the title.
    expect(values).toHaveTextContent("values 0f0e0d0c0b0a");
    const before = within(values!).getByTitle(JSON.stringify(PATCH));
    expect(before.textContent).toMatch(/^\{"redis":\{"enabled":true\},"resources".*…$/);
    expect(older).toHaveTextContent("commit c0ffee0");
    // the pin stays on the page
    expect(screen.getByRole("button", { name: "Lift the pin" })).toBeInTheDocument();
  });

  it("shows them to the owner too, without links to the admins' pages", async () => {
    signIn();
    serve();
    renderApp(`/stores/${store.id}`);
    const list = await screen.findByRole("list", { name: "Rollouts of this store" });
    expect(list).toHaveTextContent("ro-newer00002");
    expect(within(list).queryByRole("link")).not.toBeInTheDocument();
  });

  it("says when no rollout touched the store, and when they cannot be read", async () => {
    signIn();
    serve(() => HttpResponse.json([]));
    const { unmount } = renderApp(`/stores/${store.id}`);
    expect(await screen.findByText("No fleet-wide rollout has touched this store.")).toBeInTheDocument();
    unmount();
    serve(() => apiError(500, "INTERNAL_ERROR", "Something broke."));
    renderApp(`/stores/${store.id}`);
    expect(await screen.findByText("The rollouts could not be read")).toBeInTheDocument();
  });
});
