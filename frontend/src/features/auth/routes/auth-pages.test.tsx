import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { clearSession, readSession } from "@/lib/session";
import { API, apiError, makeFleetStats, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const storesEmpty = http.get(`${API}/stores`, () => HttpResponse.json({ stores: [], total: 0, limit: 20, offset: 0 }));
const me = http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser()));

describe("sign in and registration", () => {
  it("sends a visitor to the sign-in page", async () => {
    const { router } = renderApp("/stores");
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
  });

  it("says that the first account becomes the administrator", async () => {
    renderApp("/register");
    expect(await screen.findByText(/first account registered on this platform becomes its/)).toBeInTheDocument();
  });

  it("checks the registration form while typing and shows the API's objections", async () => {
    server.use(
      http.post(`${API}/auth/register`, () =>
        apiError(422, "VALIDATION_ERROR", "invalid", [
          { field: "body.email", message: "That e-mail is already registered." },
        ]),
      ),
    );
    const { user } = renderApp("/register");
    await user.type(await screen.findByLabelText("User name"), "a");
    await user.tab();
    expect(screen.getByText("Use 3 to 32 characters.")).toBeInTheDocument();
    await user.clear(screen.getByLabelText("User name"));
    await user.type(screen.getByLabelText("User name"), "ana");
    await user.type(screen.getByLabelText("E-mail"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "long-enough");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("That e-mail is already registered.")).toBeInTheDocument();
  });

  it("registers, keeps the session and opens the overview", async () => {
    server.use(
      http.post(`${API}/auth/register`, () =>
        HttpResponse.json(
          {
            token: "t",
            token_type: "bearer",
            expires_at: new Date(Date.now() + 60_000).toISOString(),
            user: makeUser({ role: "admin" }),
          },
          { status: 201 },
        ),
      ),
      http.get(`${API}/fleet/stats`, () =>
        HttpResponse.json(
          makeFleetStats({ counts: { total: 0, by_status: [], by_engine: [], by_plan: [] }, failures: [] }),
        ),
      ),
      me,
    );
    const { user } = renderApp("/register");
    await user.type(await screen.findByLabelText("E-mail"), "ana@example.com");
    await user.type(screen.getByLabelText("User name"), "ana");
    await user.type(screen.getByLabelText("Password"), "long-enough");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByRole("heading", { name: "Fleet overview" })).toBeInTheDocument();
    expect(await screen.findByText("No stores yet")).toBeInTheDocument();
    expect(readSession()?.user.role).toBe("admin");
  });

  it("explains wrong credentials", async () => {
    server.use(
      http.post(`${API}/auth/login`, () => apiError(401, "INVALID_CREDENTIALS", "Wrong e-mail/user name or password.")),
    );
    const { user } = renderApp("/login");
    await user.type(await screen.findByLabelText("E-mail or user name"), "ana");
    await user.type(screen.getByLabelText("Password"), "nope");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Wrong e-mail, user name or password")).toBeInTheDocument();
  });

  it("says how long a locked account must wait", async () => {
    server.use(
      http.post(`${API}/auth/login`, () =>
        apiError(423, "ACCOUNT_LOCKED", "This account is locked after too many failed sign-ins.", undefined, {
          "Retry-After": "90",
        }),
      ),
    );
    const { user } = renderApp("/login");
    await user.type(await screen.findByLabelText("E-mail or user name"), "ana");
    await user.type(screen.getByLabelText("Password"), "nope");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Account locked for now")).toBeInTheDocument();
    expect(screen.getByText("You can try again in 1 min 30 s.")).toBeInTheDocument();
  });

  it("returns to the sign-in page with a message when the session expires", async () => {
    signIn();
    server.use(storesEmpty, me);
    renderApp("/audit?event=store.committed");
    server.use(http.get(`${API}/audit`, () => apiError(401, "INVALID_TOKEN", "expired")));
    expect(await screen.findByText("Your session has ended")).toBeInTheDocument();
  });

  it("signs out", async () => {
    signIn();
    server.use(storesEmpty, me);
    const { user } = renderApp("/stores");
    await user.click(await screen.findByRole("button", { name: "Sign out" }));
    expect(await screen.findByText("You are signed out.")).toBeInTheDocument();
    expect(readSession()).toBeNull();
    clearSession("signed-out");
  });
});
