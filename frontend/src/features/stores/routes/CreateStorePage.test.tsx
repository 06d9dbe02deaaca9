import { act, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { API, apiError, createPageHandlers, makeStore, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const base = createPageHandlers();

describe("creating a store", () => {
  it("explains the name rules while typing and offers a theme only for WooCommerce", async () => {
    signIn();
    server.use(...base);
    const { user } = renderApp("/stores/new");
    const name = await screen.findByLabelText("Store name");
    await user.type(name, "My-Shop");
    expect(screen.getByText("Must be lowercase.")).toBeInTheDocument();
    await user.clear(name);
    await user.type(name, "admin");
    expect(screen.getByText("'admin' is reserved; choose another name.")).toBeInTheDocument();
    expect(screen.getByLabelText("Theme")).toBeInTheDocument();
    await user.click(screen.getByRole("radio", { name: /MedusaJS/ }));
    expect(screen.queryByLabelText("Theme")).not.toBeInTheDocument();
  });

  it("sends the choices and opens the new store", async () => {
    signIn();
    let body: unknown;
    const created = makeStore({ id: "st-new0000001", name: "fresh-shop", status: "requested" });
    server.use(
      ...base,
      http.post(`${API}/stores`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(created, { status: 202 });
      }),
      ...storeDetailHandlers(created, []),
    );
    const { user, router } = renderApp("/stores/new");
    await user.type(await screen.findByLabelText("Store name"), "fresh-shop");
    await user.selectOptions(screen.getByLabelText("Theme"), "astra");
    await user.selectOptions(screen.getByLabelText("Plan"), "medium");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByRole("heading", { level: 1, name: "fresh-shop" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/stores/st-new0000001");
    expect(body).toEqual({
      name: "fresh-shop",
      engine: "woocommerce",
      theme: "astra",
      plan: "medium",
      template: "classic",
      branding: null,
    });
  });

  it("shows the API's verdict on the name when it disagrees", async () => {
    signIn();
    server.use(
      ...base,
      http.post(`${API}/stores`, () =>
        apiError(409, "STORE_NAME_TAKEN", "You already have a store named 'taken-name'."),
      ),
    );
    const { user } = renderApp("/stores/new");
    await user.type(await screen.findByLabelText("Store name"), "taken-name");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByText("You already have a store named 'taken-name'.")).toBeInTheDocument();
    expect(screen.getByLabelText("Store name")).toHaveAttribute("aria-invalid", "true");
  });

  it("counts down the cooldown the API asked for", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      signIn();
      server.use(
        ...base,
        http.post(`${API}/stores`, () =>
          apiError(429, "CREATION_COOLDOWN", "Wait before creating another store.", undefined, { "Retry-After": "65" }),
        ),
      );
      const { user } = renderApp("/stores/new");
      await user.type(await screen.findByLabelText("Store name"), "next-shop");
      await user.click(screen.getByRole("button", { name: "Create store" }));
      expect(await screen.findByText("Please wait before creating another store")).toBeInTheDocument();
      expect(screen.getByText("You can try again in 1 min 05 s.")).toBeInTheDocument();
      await act(() => vi.advanceTimersByTimeAsync(6_000));
      expect(screen.getByText("You can try again in 59 s.")).toBeInTheDocument();
      await act(() => vi.advanceTimersByTimeAsync(60_000));
      expect(screen.getByText("You can try again now.")).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });

  it("names the store limit plainly", async () => {
    signIn();
    server.use(
      ...base,
      http.post(`${API}/stores`, () => apiError(429, "STORE_LIMIT_EXCEEDED", "You may have at most 5 stores.")),
    );
    const { user } = renderApp("/stores/new");
    await user.type(await screen.findByLabelText("Store name"), "sixth-shop");
    await user.click(screen.getByRole("button", { name: "Create store" }));
    expect(await screen.findByText("You have reached your store limit")).toBeInTheDocument();
    expect(screen.getByText("You may have at most 5 stores.")).toBeInTheDocument();
  });
});
