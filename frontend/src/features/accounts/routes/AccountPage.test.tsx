import { screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { readSession } from "@/lib/session";
import { API, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const ana = makeUser();

describe("changing the password", () => {
  it("is reached from the user menu, checks the rules while typing and keeps the new token", async () => {
    signIn(ana);
    let sent: unknown = null;
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(ana)),
      http.get(`${API}/stores`, () => HttpResponse.json({ stores: [], total: 0, limit: 20, offset: 0 })),
      http.patch(`${API}/auth/password`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({
          token: "new-token",
          token_type: "bearer",
          expires_at: "2099-01-01T00:00:00Z",
          user: ana,
        });
      }),
    );
    const { user, router } = renderApp("/stores");
    await user.click(await screen.findByRole("link", { name: /Your account/ }));
    expect(router.state.location.pathname).toBe("/account");
    await user.type(screen.getByLabelText("Current password"), "old-password-1");
    await user.type(screen.getByLabelText("New password"), "short");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(screen.getByText("Use at least 8 characters.")).toBeInTheDocument();
    expect(sent).toBeNull();
    await user.type(screen.getByLabelText("New password"), "-and-longer");
    await user.type(screen.getByLabelText("Repeat the new password"), "short-and-longer");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText(/Every other session of this account was signed out/)).toBeInTheDocument();
    expect(sent).toEqual({ current_password: "old-password-1", new_password: "short-and-longer" });
    expect(readSession()?.token).toBe("new-token");
    expect(screen.getByLabelText("Current password")).toHaveValue("");
  });

  it("shows a wrong current password on its field and other refusals above the form", async () => {
    signIn(ana);
    let calls = 0;
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(ana)),
      http.patch(`${API}/auth/password`, () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.json(
              { error: { code: "INVALID_CURRENT_PASSWORD", message: "The current password is wrong." } },
              { status: 400 },
            )
          : HttpResponse.json(
              { error: { code: "RATE_LIMITED", message: "Too many attempts." } },
              { status: 429, headers: { "Retry-After": "90" } },
            );
      }),
    );
    const { user } = renderApp("/account");
    await user.type(await screen.findByLabelText("Current password"), "not-it-at-all");
    await user.type(screen.getByLabelText("New password"), "a-new-password");
    await user.type(screen.getByLabelText("Repeat the new password"), "a-new-password");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("The current password is wrong.")).toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveAttribute("aria-invalid", "true");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("Too many attempts.")).toBeInTheDocument();
    expect(screen.getByText(/^You can try again in 1 min (30|29) s\.$/)).toBeInTheDocument();
    await waitFor(() => expect(readSession()?.token).toBe("test-token"));
  });
});
