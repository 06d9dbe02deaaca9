import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, apiError, makeBackup, makeStore, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const store = makeStore({ status: "ready" });
const completed = makeBackup({ name: `storefleet-${store.id}-20260301030000` });
const running = makeBackup({
  name: `storefleet-${store.id}-20260302120000`,
  trigger: "on_demand",
  phase: "InProgress",
  completed_at: null,
  expires_at: null,
});

function serve(backups: Schemas["BackupOut"][] | (() => Response), forStore = store) {
  server.use(...storeDetailHandlers(forStore));
  const answer =
    typeof backups === "function"
      ? backups
      : () =>
          HttpResponse.json({ store_id: forStore.id, enabled: true, schedule: `storefleet-${forStore.id}`, backups });
  server.use(http.get(`${API}/stores/${forStore.id}/backups`, answer)); // added last: it wins
}

describe("a store's backups section", () => {
  it("lists the backups, newest first as the API gives them, with what each is", async () => {
    signIn();
    serve([running, completed]);
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    const table = await within(section).findByRole("table", { name: "Backups" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(running.name);
    expect(rows[0]).toHaveTextContent("Asked for");
    expect(rows[0]).toHaveTextContent("InProgress");
    expect(within(rows[0]!).queryByRole("button", { name: "Restore" })).toBeNull(); // not finished
    expect(rows[1]).toHaveTextContent("Scheduled");
    expect(within(rows[1]!).getByRole("button", { name: "Restore" })).toBeEnabled();
    expect(section).toHaveTextContent(`storefleet-${store.id}`);
  });

  it("asks Velero for one more backup now", async () => {
    signIn();
    serve([]);
    const asked = { count: 0 };
    server.use(
      http.post(`${API}/stores/${store.id}/backups`, () => {
        asked.count += 1;
        return HttpResponse.json(running, { status: 202 });
      }),
    );
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    expect(await within(section).findByText("No backup yet.")).toBeInTheDocument();
    await userEvent.click(within(section).getByRole("button", { name: "Back up now" }));
    await expect.poll(() => asked.count).toBe(1);
  });

  it("restores from a completed backup only once confirmed, naming the backup", async () => {
    signIn();
    serve([completed]);
    const sent: unknown[] = [];
    server.use(
      http.post(`${API}/stores/${store.id}/restores`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json({ ...store, status: "restoring" }, { status: 202 });
      }),
    );
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    await userEvent.click(await within(section).findByRole("button", { name: "Restore" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent(`Restore ${store.name} from ${completed.name}?`);
    expect(dialog).toHaveTextContent("are lost");
    expect(sent).toEqual([]);
    await userEvent.click(within(dialog).getByRole("button", { name: "Restore from this backup" }));
    await expect.poll(() => sent).toEqual([{ backup: completed.name }]);
  });

  it("says so quietly when the platform takes no backups, and offers nothing", async () => {
    signIn();
    serve(() => HttpResponse.json({ store_id: store.id, enabled: false, schedule: null, backups: [] }));
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    expect(await within(section).findByText("Backups are not turned on for this platform.")).toBeInTheDocument();
    expect(within(section).queryByRole("button")).toBeNull();
  });

  it("says when the cluster cannot be read, without a failure", async () => {
    signIn();
    serve(() => apiError(503, "VELERO_NOT_INSTALLED", "The cluster serves no Velero API"));
    renderApp(`/stores/${store.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    expect(await within(section).findByText(/does not run Velero/)).toBeInTheDocument();
  });

  it("offers no backup of a store that is not running", async () => {
    signIn();
    const failed = makeStore({ status: "failed" });
    serve([makeBackup({ name: `storefleet-${failed.id}-20260301030000` })], failed);
    renderApp(`/stores/${failed.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    expect(await within(section).findByRole("button", { name: "Back up now" })).toBeDisabled();
    expect(within(section).getByRole("button", { name: "Restore" })).toBeEnabled(); // a failed store can be restored
  });

  it("lists a deleted store's backups with its kept final backup marked, and offers no backup or restore", async () => {
    signIn();
    const gone = makeStore({ status: "deleted" });
    const kept = makeBackup({
      name: `storefleet-${gone.id}-20260310120000`,
      trigger: "deletion",
      kept: true,
      expires_at: "2026-04-09T12:00:00Z",
    });
    serve([kept, completed], gone);
    renderApp(`/stores/${gone.id}`);
    const section = await screen.findByRole("region", { name: "Backups" });
    const table = await within(section).findByRole("table", { name: "Backups" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows[0]).toHaveTextContent(kept.name);
    expect(rows[0]).toHaveTextContent("Final backup, taken at the delete");
    expect(rows[0]).toHaveTextContent("Kept");
    expect(rows[1]).not.toHaveTextContent("Kept");
    expect(within(section).queryByRole("button", { name: "Back up now" })).toBeNull();
    expect(within(section).queryByRole("button", { name: "Restore" })).toBeNull();
    expect(section).toHaveTextContent("restore_from");
  });
});
