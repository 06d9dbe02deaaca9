import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";

const admin = makeUser({ id: "u-admin00001", role: "admin" });
const fleet = {
  remote: "file:///fleet.git",
  branch: "main",
  last_pushed_sha: "1234567abcdef",
  last_synced_sha: null,
  sync_error: null,
  outbox_depth: 3,
  outbox_oldest_age_seconds: 1.5,
  writer_active: true,
  sync_active: false,
};

describe("platform health", () => {
  it("renders a degraded report answered with 503", async () => {
    signIn(admin);
    server.use(
      http.get(`${API}/auth/me`, () => HttpResponse.json(admin)),
      http.get(`${API}/fleet`, () => HttpResponse.json(fleet)),
      http.get(`${API}/health`, () =>
        HttpResponse.json(
          {
            status: "degraded",
            version: "1.2.3",
            checks: {
              database: { status: "ok", latency_ms: 1.2 },
              fleet: { status: "degraded", circuit: "open", outbox_depth: 3 },
              cluster: { status: "not_configured" },
              watcher: { status: "down", lag_seconds: 120 },
            },
          },
          { status: 503 },
        ),
      ),
    );
    renderApp("/admin/health");
    expect(await screen.findByText("Something needs attention")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Database" })).toBeInTheDocument();
    expect(screen.getByText("latency ms")).toBeInTheDocument();
    expect(screen.getByText("open")).toBeInTheDocument();
    expect(screen.getByText("Not configured")).toBeInTheDocument();
    expect(screen.getByText("Down")).toBeInTheDocument();
    expect(await screen.findByText("running")).toBeInTheDocument();
    expect(screen.getByText("Fleet writer")).toBeInTheDocument();
  });

  it("is for administrators only", async () => {
    signIn();
    server.use(http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser())));
    renderApp("/admin/health");
    expect(await screen.findByText("This page is for platform administrators only.")).toBeInTheDocument();
  });
});
