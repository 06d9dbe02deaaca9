import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { Schemas } from "@/lib/api/client";
import { API, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const event: Schemas["AuditEventOut"] = {
  id: 7,
  created_at: "2026-01-01T00:00:00Z",
  event: "store.committed",
  request_id: null,
  actor_id: "fleet-writer",
  actor: "fleet-writer",
  store_id: "st-aaaaaaaa01",
  tenant: "u-owner0001",
  ip: null,
  before: null,
  after: null,
  detail: { commit: "1234567abcdef", action: "create" },
};

describe("the audit log", () => {
  it("lists events and filters them through the URL", async () => {
    signIn(makeUser({ role: "admin" }));
    const seen: URLSearchParams[] = [];
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser({ role: "admin" }))),
      http.get(`${API}/audit`, ({ request }) => {
        seen.push(new URL(request.url).searchParams);
        return HttpResponse.json({ events: [event], total: 1, limit: 50, offset: 0 });
      }),
    );
    const { user, router } = renderApp("/audit");
    expect(await screen.findByText("store.committed")).toBeInTheDocument();
    expect(screen.getByText(/commit 1234567/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Actor id"), "u-someone");
    await user.type(screen.getByLabelText("Event"), "store.requested");
    await user.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(router.state.location.search).toContain("actor_id=u-someone");
    await screen.findByText("store.committed");
    expect(seen.at(-1)?.get("event")).toBe("store.requested");
  });

  it("explains a filter the API would refuse, and hides the actor filter from tenants", async () => {
    signIn();
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())),
      http.get(`${API}/audit`, () => HttpResponse.json({ events: [], total: 0, limit: 50, offset: 0 })),
    );
    const { user } = renderApp("/audit");
    expect(await screen.findByText("No events match these filters.")).toBeInTheDocument();
    expect(screen.queryByLabelText("Actor id")).not.toBeInTheDocument();
    await user.type(screen.getByLabelText("Store id"), "Not Valid");
    expect(screen.getByText("Store id may contain only lowercase letters, digits and '-'.")).toBeInTheDocument();
  });
});
