import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, makeStore, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });
const SHA = "abcdef0123456789abcdef0123456789abcdef01";

function commit(overrides: Partial<Schemas["FleetCommitOut"]> = {}): Schemas["FleetCommitOut"] {
  return {
    sha: SHA,
    short_sha: SHA.slice(0, 12),
    time: "2026-01-02T00:00:00Z",
    summary: "store: update corner-shop (plan small -> medium)",
    actor_kind: "platform",
    actor: "ana (u-owner0001)",
    action: "update",
    rollout_id: null,
    rollout_wave: null,
    store_count: 1,
    stores: [{ id: "st-aaaaaaaa01", tenant: "u-owner0001" }],
    commit_url: `https://git.example.com/fleet/commit/${SHA}`,
    revertable: true,
    not_revertable_reason: null,
    ...overrides,
  };
}

const wave = commit({
  sha: "1".repeat(40),
  short_sha: "1".repeat(12),
  summary: "rollout ro-abc: wave 1, 30 stores -> chart 0.3.0",
  actor_kind: "rollout",
  actor: "ro-abc",
  action: "rollout",
  rollout_id: "ro-abc",
  rollout_wave: 1,
  store_count: 30,
  stores: [{ id: "st-bbbbbbbb01", tenant: "u-other0001" }],
  revertable: false,
  not_revertable_reason: "a rollout's commit: abort or revert the rollout instead",
});

function serve(seen: URLSearchParams[], pages: Schemas["FleetCommitPage"][]) {
  server.use(
    http.get(`${API}/auth/me`, () => HttpResponse.json(admin)),
    http.get(`${API}/fleet/commits`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      seen.push(query);
      return HttpResponse.json(query.get("cursor") ? pages[1] : pages[0]);
    }),
  );
}

describe("the fleet log", () => {
  it("lists commits with links to their store and commit, filters and pages through the URL", async () => {
    signIn(admin);
    const seen: URLSearchParams[] = [];
    serve(seen, [
      { commits: [commit(), wave], next_cursor: 41 },
      { commits: [commit({ sha: "2".repeat(40), short_sha: "2".repeat(12), summary: "older" })], next_cursor: null },
    ]);
    const { user, router } = renderApp("/fleet-log");
    const table = await screen.findByRole("table");
    expect(within(table).getByRole("link", { name: /abcdef012345/ })).toHaveAttribute(
      "href",
      `https://git.example.com/fleet/commit/${SHA}`,
    );
    expect(within(table).getByRole("link", { name: "st-aaaaaaaa01" })).toHaveAttribute("href", "/stores/st-aaaaaaaa01");
    expect(within(table).getByText("and 29 more")).toBeInTheDocument();
    expect(within(table).getByRole("link", { name: "Undo it in the rollout" })).toHaveAttribute(
      "href",
      "/rollouts/ro-abc",
    );
    expect(within(table).getAllByRole("button", { name: /^Revert/ })).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText("Made by"), "push");
    await user.type(screen.getByLabelText("Tenant id"), "u-owner0001");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(router.state.location.search).toContain("actor=push");
    await waitFor(() => expect(seen.at(-1)?.get("tenant")).toBe("u-owner0001"));
    expect(seen.at(-1)?.get("actor")).toBe("push");

    await user.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByText("older")).toBeInTheDocument();
    expect(seen.at(-1)?.get("cursor")).toBe("41");
    expect(seen.at(-1)?.get("actor")).toBe("push");
    expect(screen.getByRole("button", { name: "Older" })).toBeDisabled();
  });

  it("refuses an id the API would refuse, before sending it", async () => {
    signIn(admin);
    serve([], [{ commits: [], next_cursor: null }]);
    const { user } = renderApp("/fleet-log");
    expect(await screen.findByText("No commits match these filters.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Store id"), "Not Valid");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(screen.getByText("Store id may contain only lowercase letters, digits and '-'.")).toBeInTheDocument();
  });

  it("reverts a commit through its store's rollback preview", async () => {
    signIn(admin);
    let reverted: unknown = null;
    serve([], [{ commits: [commit()], next_cursor: null }]);
    server.use(
      http.get(`${API}/stores/st-aaaaaaaa01/rollback/preview`, ({ request }) => {
        expect(new URL(request.url).searchParams.get("commit")).toBe(SHA);
        return HttpResponse.json({
          mode: "revert",
          commit: SHA,
          deletes_store: false,
          changes: [{ field: "plan", current: "medium", after: "small" }],
        });
      }),
      http.post(`${API}/stores/st-aaaaaaaa01/rollback`, async ({ request }) => {
        reverted = await request.json();
        return HttpResponse.json(makeStore({ status: "updating" }), { status: 202 });
      }),
    );
    const { user } = renderApp("/fleet-log");
    await user.click(await screen.findByRole("button", { name: "Revert abcdef012345" }));
    const dialog = await screen.findByRole("dialog", { name: "Revert abcdef012345?" });
    expect(await within(dialog).findByText("small")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Revert" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(reverted).toEqual({ commit: SHA });
  });

  it("shows why the revert was refused in the dialog", async () => {
    signIn(admin);
    serve([], [{ commits: [commit()], next_cursor: null }]);
    server.use(
      http.get(`${API}/stores/st-aaaaaaaa01/rollback/preview`, () =>
        HttpResponse.json(
          { error: { code: "STORE_BUSY", message: "The store is being changed; try again when it is ready." } },
          { status: 409 },
        ),
      ),
    );
    const { user } = renderApp("/fleet-log");
    await user.click(await screen.findByRole("button", { name: "Revert abcdef012345" }));
    expect(await screen.findByText("The store is being changed; try again when it is ready.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Revert" })).toBeDisabled();
  });
});
