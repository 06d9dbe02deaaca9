import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", username: "ada", email: "ada@example.com", role: "admin" });
const ana = makeUser();

function serveUsers(users: Schemas["UserOut"][], seen: URLSearchParams[] = []) {
  server.use(
    http.get(`${API}/auth/me`, () => HttpResponse.json(admin)),
    http.get(`${API}/users`, ({ request }) => {
      seen.push(new URL(request.url).searchParams);
      return HttpResponse.json({ users, total: users.length, limit: 50, offset: 0 });
    }),
  );
}

describe("the users page", () => {
  it("lists accounts and filters them by role and status", async () => {
    signIn(admin);
    const seen: URLSearchParams[] = [];
    serveUsers([admin, ana], seen);
    const { user, router } = renderApp("/admin/users");
    const table = await screen.findByRole("table");
    expect(within(table).getByText("(you)")).toBeInTheDocument();
    expect(within(table).getByText("ana@example.com")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Status"), "inactive");
    await user.selectOptions(screen.getByLabelText("Role"), "tenant");
    expect(router.state.location.search).toContain("is_active=false");
    await waitFor(() => expect(seen.at(-1)?.get("role")).toBe("tenant"));
    expect(seen.at(-1)?.get("is_active")).toBe("false");
  });

  it("deactivates an account only after the confirmation", async () => {
    signIn(admin);
    const patches: unknown[] = [];
    serveUsers([admin, ana]);
    server.use(
      http.patch(`${API}/users/u-owner0001`, async ({ request }) => {
        patches.push(await request.json());
        return HttpResponse.json({ ...ana, is_active: false });
      }),
    );
    const { user } = renderApp("/admin/users");
    await user.click(await screen.findByRole("button", { name: "Deactivate ana" }));
    const dialog = await screen.findByRole("dialog", { name: "Deactivate ana?" });
    expect(within(dialog).getByText(/Their sessions end at once/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(patches).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Deactivate ana" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Deactivate" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(patches).toEqual([{ is_active: false }]);
  });

  it("reactivates, changes roles, and shows the last-admin refusal in the dialog", async () => {
    signIn(admin);
    const patches: unknown[] = [];
    serveUsers([admin, { ...ana, is_active: false }]);
    server.use(
      http.patch(`${API}/users/u-owner0001`, async ({ request }) => {
        patches.push(await request.json());
        return HttpResponse.json({ ...ana, is_active: true });
      }),
      http.patch(`${API}/users/u-admin00001`, () =>
        HttpResponse.json(
          { error: { code: "LAST_ADMIN", message: "This change would leave the platform without an active admin." } },
          { status: 409 },
        ),
      ),
    );
    const { user } = renderApp("/admin/users");
    await user.click(await screen.findByRole("button", { name: "Reactivate ana" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Reactivate" }));
    await waitFor(() => expect(patches).toEqual([{ is_active: true }]));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    await user.click(screen.getByRole("button", { name: "Make tenant: ada" }));
    const dialog = await screen.findByRole("dialog", { name: "Make ada a tenant?" });
    await user.click(within(dialog).getByRole("button", { name: "Make tenant" }));
    expect(await within(dialog).findByText(/without an active admin/)).toBeInTheDocument();
  });

  it("is for admins only", async () => {
    signIn(ana);
    server.use(http.get(`${API}/auth/me`, () => HttpResponse.json(ana)));
    renderApp("/admin/users");
    expect(await screen.findByRole("heading", { name: "Administrators only" })).toBeInTheDocument();
  });
});
