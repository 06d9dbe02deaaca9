import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeStore, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const store = makeStore();
const PIN = { reason: "Black Friday until 2 Dec", pinned_by: "ada (u-abcdefgh23)", pinned_at: "2026-11-20T10:00:00Z" };

describe("pinning a store", () => {
  it("sends the trimmed reason and shows the pin", async () => {
    signIn();
    let sent: unknown;
    server.use(
      ...storeDetailHandlers(store),
      http.put(`${API}/stores/${store.id}/pin`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ ...store, pin: PIN });
      }),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    const reason = await screen.findByLabelText("Reason for pinning");
    const button = screen.getByRole("button", { name: "Pin this store" });
    expect(button).toBeDisabled(); // a pin needs a reason
    await user.type(reason, "  Black Friday until 2 Dec ");
    await user.click(button);
    expect(await screen.findByText("Black Friday until 2 Dec")).toBeInTheDocument();
    expect(sent).toEqual({ reason: "Black Friday until 2 Dec" });
    expect(screen.getByRole("button", { name: "Lift the pin" })).toBeInTheDocument();
  });

  it("lifts a pin, and shows the API's refusal", async () => {
    signIn();
    const pinned = makeStore({ pin: PIN });
    server.use(
      ...storeDetailHandlers(pinned),
      http.delete(`${API}/stores/${pinned.id}/pin`, () => apiError(409, "STORE_BUSY", "The store is deleting.")),
    );
    const { user } = renderApp(`/stores/${pinned.id}`);
    await user.click(await screen.findByRole("button", { name: "Lift the pin" }));
    expect(await screen.findByText("The store is deleting.")).toBeInTheDocument();
  });
});
