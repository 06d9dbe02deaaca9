import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, apiError, makeStore, makeUser, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const store = makeStore({ cluster: { name: "alpha", region: null } });
const ADMIN = makeUser({ id: "u-admin0001", role: "admin", username: "root" });

function makeMove(overrides: Partial<Schemas["StoreMoveOut"]> = {}): Schemas["StoreMoveOut"] {
  return {
    id: 1,
    store_id: store.id,
    stage: "restoring",
    source_cluster: "alpha",
    target_cluster: "beta",
    backup: `storefleet-${store.id}-20261207050000`,
    message: "restoring backup on beta (Velero restore r1)",
    reason: null,
    requested_by: "u-admin0001",
    created_at: "2026-12-07T05:00:00Z",
    stage_changed_at: "2026-12-07T05:01:00Z",
    ended_at: null,
    ...overrides,
  };
}

function makeCluster(name: string, state: Schemas["ClusterOut"]["state"] = "active"): Schemas["ClusterOut"] {
  return {
    id: `cl-${name.padEnd(10, "0")}`,
    name,
    region: name === "beta" ? "eu-west" : null,
    labels: {},
    capacity: { max_stores: null, max_cpu_cores: null, max_memory_gib: null },
    applier: "flux",
    access: { kind: "in_cluster" },
    state,
    origin: "api",
    fleet_root: `clusters/${name}/tenants`,
    stores: 0,
    reserved: { cpu_cores: 0, memory_gib: 0 },
    headroom: { stores: null, cpu_cores: null, memory_gib: null },
    version: 1,
    created_by: "root",
    created_at: "2026-12-01T00:00:00Z",
    updated_at: "2026-12-01T00:00:00Z",
  } as Schemas["ClusterOut"];
}

const CLUSTERS = [makeCluster("alpha"), makeCluster("beta"), makeCluster("gamma", "cordoned")];

describe("moving a store to another cluster", () => {
  it("shows everyone that the store is moving, and offers a tenant no action", async () => {
    signIn();
    server.use(
      http.get(`${API}/stores/${store.id}/move`, () => HttpResponse.json(makeMove())), // before the default: never moved
      ...storeDetailHandlers(store),
    );
    renderApp(`/stores/${store.id}`);
    const status = await screen
      .findByText(/Moving to beta/, { selector: "span" })
      .then((span) => span.closest("p") as HTMLElement);
    expect(status).toHaveTextContent("Moving to beta (restoring there)");
    expect(status).toHaveTextContent("restoring backup on beta");
    expect(screen.queryByRole("button", { name: "Move to cluster…" })).not.toBeInTheDocument();
  });

  it("lets an admin choose an active cluster, confirm, and follow the move", async () => {
    signIn(ADMIN);
    let sent: unknown;
    server.use(
      ...storeDetailHandlers(store),
      http.get(`${API}/clusters`, () => HttpResponse.json({ items: CLUSTERS })),
      http.post(`${API}/stores/${store.id}/move`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(makeMove({ stage: "backing_up", message: "backing up the store" }), { status: 202 });
      }),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Move to cluster…" }));
    const dialog = await screen.findByRole("dialog");
    const select = within(dialog).getByLabelText("Target cluster");
    await within(dialog).findByRole("option", { name: "beta · eu-west" });
    // its own cluster and a cordoned one are not offered
    expect(
      within(dialog)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Choose a cluster", "beta · eu-west"]);
    const confirm = within(dialog).getByRole("button", { name: "Move the store" });
    expect(confirm).toBeDisabled();
    await user.selectOptions(select, "beta");
    await user.click(confirm);
    expect(await screen.findByText("Moving to beta")).toBeInTheDocument();
    expect(sent).toEqual({ cluster: "beta" });
    expect(screen.queryByRole("button", { name: "Move to cluster…" })).not.toBeInTheDocument();
  });

  it("shows the API's refusal in the dialog", async () => {
    signIn(ADMIN);
    server.use(
      ...storeDetailHandlers(store),
      http.get(`${API}/clusters`, () => HttpResponse.json({ items: CLUSTERS })),
      http.post(`${API}/stores/${store.id}/move`, () =>
        apiError(409, "MOVE_NEEDS_BACKUP", "Backups are not turned on for this platform."),
      ),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Move to cluster…" }));
    const dialog = await screen.findByRole("dialog");
    await within(dialog).findByRole("option", { name: "beta · eu-west" });
    await user.selectOptions(within(dialog).getByLabelText("Target cluster"), "beta");
    await user.click(within(dialog).getByRole("button", { name: "Move the store" }));
    expect(await within(dialog).findByText("Backups are not turned on for this platform.")).toBeInTheDocument();
  });

  it("says how a finished or failed move ended", async () => {
    signIn();
    const failed = makeMove({
      stage: "failed",
      reason: "Velero restore Failed: volume",
      ended_at: "2026-12-07T05:09:00Z",
    });
    server.use(
      http.get(`${API}/stores/${store.id}/move`, () => HttpResponse.json(failed)),
      ...storeDetailHandlers(store),
    );
    renderApp(`/stores/${store.id}`);
    expect(await screen.findByText(/The move to beta failed/)).toHaveTextContent("Velero restore Failed: volume");
  });

  it("reads the store again when the move it follows ends, showing its new cluster", async () => {
    signIn();
    let moveReads = 0;
    let storeReads = 0;
    server.use(
      http.get(`${API}/stores/${store.id}/move`, () => {
        moveReads += 1;
        const done = makeMove({ stage: "done", ended_at: "2026-12-07T05:09:00Z", message: "moved to beta" });
        return HttpResponse.json(moveReads > 1 ? done : makeMove());
      }),
      http.get(`${API}/stores/${store.id}`, () => {
        storeReads += 1;
        return HttpResponse.json(storeReads > 1 ? { ...store, cluster: { name: "beta", region: null } } : store);
      }),
      ...storeDetailHandlers(store),
    );
    renderApp(`/stores/${store.id}`);
    expect(await screen.findByText(/Moved from alpha to beta/, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(await screen.findByText("beta")).toBeInTheDocument(); // the overview's cluster, read again
  });
});
