import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, apiError, makeCommit, makeStore, makeUser, signIn, storeDetailHandlers } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const store = makeStore();
const first = makeCommit();
const second = makeCommit({
  sha: "abcdef0123456789abcdef0123456789abcdef01",
  short_sha: "abcdef0",
  action: "update",
  summary: "store: update corner-shop (theme storefront -> astra)",
  commit_url: "https://git.example.com/fleet/commit/abcdef0123456789abcdef0123456789abcdef01",
});

describe("a store's page", () => {
  it("lists the Git history, newest first, with links to the commits", async () => {
    signIn();
    server.use(...storeDetailHandlers(store, [second, first]));
    renderApp(`/stores/${store.id}`);
    const commits = await screen.findByRole("list", { name: "Commits" });
    const [newest, oldest] = within(commits).getAllByRole("listitem");
    expect(within(newest!).getByRole("link", { name: "abcdef0 (opens in a new tab)" })).toHaveAttribute(
      "href",
      second.commit_url,
    );
    expect(newest).toHaveTextContent("(current)");
    expect(within(newest!).queryByRole("button")).not.toBeInTheDocument();
    expect(within(oldest!).getByRole("button", { name: "Roll back to this commit" })).toBeEnabled();
  });

  it("previews a rollback and sends the commit to restore", async () => {
    signIn();
    let body: unknown;
    server.use(
      ...storeDetailHandlers(store, [second, first]),
      http.get(`${API}/stores/${store.id}/rollback/preview`, ({ request }) => {
        expect(new URL(request.url).searchParams.get("to_commit")).toBe(first.sha);
        return HttpResponse.json({
          mode: "restore",
          commit: first.sha,
          deletes_store: false,
          changes: [{ field: "theme", current: "astra", after: "storefront" }],
        });
      }),
      http.post(`${API}/stores/${store.id}/rollback`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ...store, status: "updating" }, { status: 202 });
      }),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Roll back to this commit" }));
    const dialog = await screen.findByRole("dialog", { name: "Roll back to 1234567?" });
    const row = await within(dialog).findByRole("row", { name: /theme/ });
    expect(row).toHaveTextContent("astra");
    expect(row).toHaveTextContent("storefront");
    await user.click(within(dialog).getByRole("button", { name: "Roll back" }));
    expect(await screen.findByText("Updating")).toBeInTheDocument();
    expect(body).toEqual({ to_commit: first.sha });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("explains why a rollback preview is refused", async () => {
    signIn();
    server.use(
      ...storeDetailHandlers(store, [second, first]),
      http.get(`${API}/stores/${store.id}/rollback/preview`, () =>
        apiError(409, "NOTHING_TO_ROLL_BACK", "The store already has these settings."),
      ),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Roll back to this commit" }));
    expect(await screen.findByText("The store already has these settings.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Roll back" })).toBeDisabled();
  });

  it("reveals the credentials to the owner only after a confirmation", async () => {
    signIn();
    server.use(
      ...storeDetailHandlers(store),
      http.get(`${API}/stores/${store.id}/credentials`, () =>
        HttpResponse.json({
          store_id: store.id,
          engine: "woocommerce",
          store_url: "http://corner-shop.localhost",
          admin_url: "http://corner-shop.localhost/wp-admin",
          username: "admin",
          password: "s3cret-pass",
          email: "ana@example.com",
          access: "owner",
        }),
      ),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Reveal credentials" }));
    expect(screen.queryByText("s3cret-pass")).not.toBeInTheDocument();
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Reveal" }));
    expect(await screen.findByText("s3cret-pass")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Hide credentials" }));
    expect(screen.queryByText("s3cret-pass")).not.toBeInTheDocument();
  });

  it("links the pull request a store waits on, in pull-request mode", async () => {
    signIn();
    const pending = makeStore({
      status: "pending_approval",
      pull_request_url: "https://github.example.com/acme/fleet/pull/7",
    });
    server.use(...storeDetailHandlers(pending));
    renderApp(`/stores/${pending.id}`);
    const link = await screen.findByRole("link", { name: "Waiting for review on GitHub (opens in a new tab)" });
    expect(link).toHaveAttribute("href", pending.pull_request_url);
    expect(screen.getByText("Awaiting approval")).toBeInTheDocument();
  });

  it("says when a store is pinned, by whom and why, and not when it is not", async () => {
    signIn();
    const pinned = makeStore({
      pin: { reason: "Black Friday until 2 Dec", pinned_by: "ada (u-abcdefgh23)", pinned_at: "2026-11-20T10:00:00Z" },
    });
    server.use(...storeDetailHandlers(pinned));
    renderApp(`/stores/${pinned.id}`);
    expect(await screen.findByText("Black Friday until 2 Dec")).toBeInTheDocument();
    expect(screen.getByText(/By ada \(u-abcdefgh23\),.*rollouts leave this store as it is/)).toBeInTheDocument();
  });

  it("says which cluster the store runs on, and its region", async () => {
    signIn();
    const placed = makeStore({ cluster: { name: "fra-1", region: "eu-central" } });
    server.use(...storeDetailHandlers(placed));
    renderApp(`/stores/${placed.id}`);
    expect(await screen.findByText("fra-1 · eu-central")).toBeInTheDocument();
  });

  it("shows no pin for a store that has none", async () => {
    signIn();
    server.use(...storeDetailHandlers(store));
    renderApp(`/stores/${store.id}`);
    await screen.findByRole("list", { name: "Commits" });
    expect(screen.queryByText("Pinned")).not.toBeInTheDocument();
  });

  it("offers no credentials to someone who does not own the store", async () => {
    signIn(makeUser({ id: "u-admin00001", role: "admin" }));
    server.use(...storeDetailHandlers(store));
    renderApp(`/stores/${store.id}`);
    await screen.findByRole("list", { name: "Commits" });
    expect(screen.queryByRole("button", { name: "Reveal credentials" })).not.toBeInTheDocument();
  });

  it("deletes only once the name is typed", async () => {
    signIn();
    let deleted = false;
    server.use(
      ...storeDetailHandlers(store),
      http.delete(`${API}/stores/${store.id}`, () => {
        deleted = true;
        return HttpResponse.json({ ...store, status: "deleting" }, { status: 202 });
      }),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.click(await screen.findByRole("button", { name: "Delete store" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Delete this store" });
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByLabelText("Type corner-shop to confirm"), "corner-shop");
    await user.click(confirm);
    expect(await screen.findByText("Deleting")).toBeInTheDocument();
    expect(deleted).toBe(true);
  });

  it("offers a retry only for a failed store, and updates settings otherwise refused when busy", async () => {
    signIn();
    const failed = makeStore({ status: "failed", error: "setup job failed: image pull" });
    server.use(
      ...storeDetailHandlers(failed),
      http.post(`${API}/stores/${store.id}/retry`, () =>
        HttpResponse.json({ ...failed, status: "requested", error: null }, { status: 202 }),
      ),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    expect(await screen.findByText("setup job failed: image pull")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Retry provisioning" }));
    expect(await screen.findByText("Requested")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry provisioning" })).not.toBeInTheDocument();
    // a requested store takes changes too: it converges towards the newest one
    expect(screen.getByLabelText("Theme")).toBeEnabled();
  });

  it("sends only the changed settings and shows a refusal in words", async () => {
    signIn();
    server.use(
      ...storeDetailHandlers(store),
      http.patch(`${API}/stores/${store.id}`, () =>
        apiError(409, "STORE_BUSY", "The store is being updated; try again when it is ready."),
      ),
    );
    const { user } = renderApp(`/stores/${store.id}`);
    await user.selectOptions(await screen.findByLabelText("Plan"), "large");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("The store is being updated; try again when it is ready.")).toBeInTheDocument();
  });

  it("answers a store that is not there (or not yours) plainly", async () => {
    signIn();
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())),
      http.get(`${API}/stores/st-someoneelse`, () => apiError(404, "STORE_NOT_FOUND", "Store not found.")),
    );
    renderApp("/stores/st-someoneelse");
    expect(await screen.findByText("Store not found")).toBeInTheDocument();
    expect(screen.getByText("There is no store with this address, or it belongs to someone else.")).toBeInTheDocument();
  });
});
