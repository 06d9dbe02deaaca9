import { act, screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, apiError, makeStore, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

type Rotation = Schemas["CredentialsRotationOut"];

function rotation(overrides: Partial<Rotation> = {}): Rotation {
  return {
    generation: 1,
    state: "requested",
    requested_at: "2026-11-20T10:00:00Z",
    requested_by: "ana (u-owner0001)",
    changed_at: "2026-11-20T10:00:00Z",
    message: "waiting for the cluster watcher",
    ...overrides,
  };
}

const CREDENTIALS = {
  store_id: "st-aaaaaaaa01",
  engine: "woocommerce",
  store_url: "http://corner-shop.localhost",
  admin_url: "http://corner-shop.localhost/wp-admin/",
  username: "admin",
  password: "old-s3cret-pass",
  email: "admin@corner-shop.localhost",
  access: "owner",
};

describe("rotating the admin password", () => {
  it("asks first, then sends the request and hides a revealed password", async () => {
    signIn();
    let store = makeStore();
    let posts = 0;
    server.use(
      http.get(`${API}/stores/${store.id}`, () => HttpResponse.json(store)),
      ...storeDetailHandlers(store).slice(1),
      http.get(`${API}/stores/${store.id}/credentials`, () => HttpResponse.json(CREDENTIALS)),
      http.post(`${API}/stores/${store.id}/credentials/rotate`, () => {
        posts += 1;
        store = { ...store, credentials_rotation: rotation() };
        return HttpResponse.json(rotation(), { status: 202 });
      }),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Reveal credentials" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Reveal" }));
    expect(await screen.findByText("old-s3cret-pass")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Rotate admin password" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/the current password stops working/)).toBeInTheDocument();
    expect(posts).toBe(0); // nothing before the confirmation
    await user.click(within(dialog).getByRole("button", { name: "Rotate" }));

    expect(await screen.findByText("Rotating the admin password…")).toBeInTheDocument();
    expect(posts).toBe(1);
    expect(screen.queryByText("old-s3cret-pass")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Rotate admin password" })).toBeDisabled(); // one at a time
  });

  it("keeps polling while a rotation runs, and stops once it is done", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      signIn();
      const running = makeStore({ credentials_rotation: rotation({ state: "running", message: "setting it" }) });
      const done = makeStore({ credentials_rotation: rotation({ state: "done", changed_at: "2026-11-20T10:02:00Z" }) });
      let calls = 0;
      server.use(
        http.get(`${API}/stores/${running.id}`, () => {
          calls += 1;
          return HttpResponse.json(calls === 1 ? running : done);
        }),
        ...storeDetailHandlers(running).slice(1),
      );
      renderApp(`/stores/${running.id}`);
      expect(await screen.findByText(/setting a new password in the shop/)).toBeInTheDocument();
      await act(() => vi.advanceTimersByTimeAsync(2_100));
      expect(await screen.findByText(/was rotated on/)).toBeInTheDocument();
      expect(screen.getByText(/the previous one no longer works/)).toBeInTheDocument();
      expect(screen.getByRole("button", { name: "Rotate admin password" })).toBeEnabled();
      await act(() => vi.advanceTimersByTimeAsync(20_000));
      expect(calls).toBe(2); // a ready store with no rotation running is not polled
    } finally {
      vi.useRealTimers();
    }
  });

  it("says why the last rotation failed and lets the owner try again", async () => {
    signIn();
    const failed = rotation({ state: "failed", message: "the Job st-aaaaaaaa01-rotate-1 failed: DeadlineExceeded" });
    const store = makeStore({ credentials_rotation: failed });
    server.use(...storeDetailHandlers(store));
    renderApp(`/stores/${store.id}`);
    const title = await screen.findByText("The last rotation failed");
    const alert = title.closest<HTMLElement>('[role="alert"]');
    expect(alert).not.toBeNull();
    if (!alert) return;
    expect(within(alert).getByText(/DeadlineExceeded/)).toBeInTheDocument();
    expect(within(alert).getByText(/The previous password still works/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Rotate admin password" })).toBeEnabled();
  });

  it("shows the platform's refusal, and offers nothing while the store is not running", async () => {
    signIn();
    const store = makeStore();
    server.use(
      ...storeDetailHandlers(store),
      http.post(`${API}/stores/${store.id}/credentials/rotate`, () =>
        apiError(409, "ROTATION_IN_PROGRESS", "Rotation 3 of the store's admin password is running."),
      ),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Rotate admin password" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Rotate" }));
    expect(await screen.findByText("Rotation 3 of the store's admin password is running.")).toBeInTheDocument();
  });

  it("is not offered while the store is being changed", async () => {
    signIn();
    const store = makeStore({ status: "updating" });
    server.use(...storeDetailHandlers(store));
    renderApp(`/stores/${store.id}`);
    expect(await screen.findByRole("button", { name: "Rotate admin password" })).toBeDisabled();
  });
});
