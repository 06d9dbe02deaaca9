import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, makeStore, makeUser, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

/** Serve the store's page with backups on or off; `sent` holds each DELETE's query. */
function serve(store: Schemas["StoreOut"], backupsEnabled: boolean) {
  const sent: URLSearchParams[] = [];
  server.use(...storeDetailHandlers(store));
  server.use(
    // added last: it wins over the page's own answer (backups off)
    http.get(`${API}/stores/${store.id}/backups`, () =>
      HttpResponse.json({
        store_id: store.id,
        enabled: backupsEnabled,
        schedule: backupsEnabled ? `storefleet-${store.id}` : null,
        backups: [],
      }),
    ),
    http.delete(`${API}/stores/${store.id}`, ({ request }) => {
      sent.push(new URL(request.url).searchParams);
      return HttpResponse.json(
        { ...store, status: "deleting", final_backup: null, retained_volumes: [] },
        { status: 202 },
      );
    }),
  );
  return sent;
}

async function openDelete(store: Schemas["StoreOut"]) {
  const { user } = renderApp(`/stores/${store.id}`);
  await user.click(await screen.findByRole("button", { name: "Delete store" }));
  const dialog = await screen.findByRole("dialog");
  return { user, dialog };
}

async function confirm(user: Awaited<ReturnType<typeof openDelete>>["user"], dialog: HTMLElement, name: string) {
  await user.type(within(dialog).getByLabelText(`Type ${name} to confirm`), name);
  await user.click(within(dialog).getByRole("button", { name: "Delete this store" }));
  expect(await screen.findByText("Deleting")).toBeInTheDocument();
}

describe("the delete confirmation", () => {
  it("keeps the last backup by default when backups are on, and says the removal waits for it", async () => {
    signIn();
    const store = makeStore({ status: "ready" });
    const sent = serve(store, true);
    const { user, dialog } = await openDelete(store);
    const keep = await within(dialog).findByRole("checkbox", { name: /Keep last backup/ });
    await expect.poll(() => (keep as HTMLInputElement).checked).toBe(true);
    expect(keep).toBeEnabled();
    expect(dialog).toHaveTextContent("The removal waits for it");
    expect(within(dialog).queryByRole("checkbox", { name: /Retain volumes/ })).toBeNull(); // admins only
    await confirm(user, dialog, store.name);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.get("keep_backup")).toBe("true");
    expect(sent[0]!.has("retain_volumes")).toBe(false);
  });

  it("deletes without a final backup when the owner unticks it", async () => {
    signIn();
    const store = makeStore({ status: "ready" });
    const sent = serve(store, true);
    const { user, dialog } = await openDelete(store);
    const keep = await within(dialog).findByRole("checkbox", { name: /Keep last backup/ });
    await expect.poll(() => (keep as HTMLInputElement).checked).toBe(true);
    await user.click(keep);
    expect(keep).not.toBeChecked();
    await confirm(user, dialog, store.name);
    expect(sent[0]!.get("keep_backup")).toBe("false");
  });

  it("keeps nothing when backups are off, and says so", async () => {
    signIn();
    const store = makeStore({ status: "ready" });
    const sent = serve(store, false);
    const { user, dialog } = await openDelete(store);
    expect(await within(dialog).findByText(/Backups are not turned on for this platform/)).toBeInTheDocument();
    const keep = within(dialog).getByRole("checkbox", { name: /Keep last backup/ });
    expect(keep).not.toBeChecked();
    expect(keep).toBeDisabled();
    await confirm(user, dialog, store.name);
    expect(sent[0]!.get("keep_backup")).toBe("false");
  });

  it("leaves a failed store's final backup unticked, but offers it", async () => {
    signIn();
    const store = makeStore({ status: "failed", error: "final backup failed" });
    const sent = serve(store, true);
    const { user, dialog } = await openDelete(store);
    expect(await within(dialog).findByText(/A final backup is taken/)).toBeInTheDocument();
    const keep = within(dialog).getByRole("checkbox", { name: /Keep last backup/ });
    expect(keep).toBeEnabled();
    expect(keep).not.toBeChecked();
    await user.click(keep);
    await confirm(user, dialog, store.name);
    expect(sent[0]!.get("keep_backup")).toBe("true");
  });

  it("lets an admin retain the store's volumes too", async () => {
    signIn(makeUser({ id: "u-admin00001", role: "admin" }));
    const store = makeStore({ status: "ready" });
    const sent = serve(store, true);
    const { user, dialog } = await openDelete(store);
    const retain = await within(dialog).findByRole("checkbox", { name: /Retain volumes/ });
    expect(retain).not.toBeChecked();
    await user.click(retain);
    await confirm(user, dialog, store.name);
    expect(sent[0]!.get("retain_volumes")).toBe("true");
    expect(sent[0]!.get("keep_backup")).toBe("true");
  });
});
