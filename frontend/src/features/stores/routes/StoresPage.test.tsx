import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, makeStore, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const me = http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser()));

describe("the stores list", () => {
  it("shows each store's engine, settings, status with the watcher's message and last commit", async () => {
    signIn();
    const stores = [
      makeStore(),
      makeStore({
        id: "st-bbbbbbbb02",
        name: "medusa-one",
        engine: "medusa",
        theme: null,
        status: "provisioning",
        status_message: "waiting for the cluster",
        last_commit_sha: null,
      }),
    ];
    server.use(
      me,
      http.get(`${API}/stores`, () => HttpResponse.json({ stores, total: 2, limit: 20, offset: 0 })),
    );
    renderApp("/stores");
    const list = await screen.findByRole("list", { name: "Stores" });
    const [first, second] = within(list).getAllByRole("listitem");
    expect(within(first!).getByRole("link", { name: "corner-shop" })).toHaveAttribute("href", "/stores/st-aaaaaaaa01");
    expect(first).toHaveTextContent("WooCommerce");
    expect(first).toHaveTextContent("storefront · small");
    expect(first).toHaveTextContent("Ready");
    expect(first).toHaveTextContent("1234567");
    expect(second).toHaveTextContent("MedusaJS");
    expect(second).toHaveTextContent("Provisioning");
    expect(second).toHaveTextContent("waiting for the cluster");
  });

  it("teaches the first action when there is no store", async () => {
    signIn();
    server.use(
      me,
      http.get(`${API}/stores`, () => HttpResponse.json({ stores: [], total: 0, limit: 20, offset: 0 })),
    );
    renderApp("/stores");
    expect(await screen.findByRole("heading", { name: "Create your first store" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create a store" })).toHaveAttribute("href", "/stores/new");
  });

  it("filters by status and engine, searches by name and pages through the results", async () => {
    signIn();
    const seen: URLSearchParams[] = [];
    server.use(
      me,
      http.get(`${API}/stores`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        seen.push(params);
        return HttpResponse.json({
          stores: [makeStore()],
          total: 45,
          limit: 20,
          offset: Number(params.get("offset") ?? 0),
        });
      }),
    );
    const { user } = renderApp("/stores");
    await screen.findByRole("list", { name: "Stores" });
    await user.selectOptions(screen.getByLabelText("Status"), "failed");
    await user.selectOptions(screen.getByLabelText("Engine"), "medusa");
    await user.type(screen.getByLabelText("Search by name"), "Corner");
    await screen.findByText("Page 1 of 3");
    await waitFor(() => expect(seen.at(-1)?.get("q")).toBe("corner"));
    expect(seen.at(-1)?.get("status")).toBe("failed");
    expect(seen.at(-1)?.get("engine")).toBe("medusa");
    await user.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("Page 2 of 3")).toBeInTheDocument();
    expect(seen.at(-1)?.get("offset")).toBe("20");
  });

  it("says so in words when the list cannot be loaded", async () => {
    signIn();
    server.use(
      me,
      http.get(`${API}/stores`, () => HttpResponse.error()),
    );
    renderApp("/stores");
    expect(
      await screen.findByText("The platform could not be reached. Check your connection and try again."),
    ).toBeInTheDocument();
  });
});
