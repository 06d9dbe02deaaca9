import { act, screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { API, apiError, makeRollout, makeUser, makeWave, makeWaveStore, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";
import type { RolloutState } from "../lib/status";

const admin = makeUser({ id: "u-admin00001", username: "ada", role: "admin" });
const me = http.get(`${API}/auth/me`, () => HttpResponse.json(admin));
const PATH = "/rollouts/ro-abcdefgh23";

function serve(rollout = makeRollout()) {
  server.use(
    me,
    http.get(`${API}/rollouts/${rollout.id}`, () => HttpResponse.json(rollout)),
  );
}

const rolledBack = makeRollout({
  state: "rolled_back",
  reason: "wave 2 failed its gate: 2 stores failed (budget 0)",
  failing: [
    { store_id: "st-bbbbbbbb02", error: "setup job failed: image pull" },
    { store_id: "st-cccccccc03", error: "not ready 600s after the wave's commit" },
  ],
  finished_at: "2026-02-01T10:10:00Z",
  waves: [
    makeWave(),
    makeWave({
      number: 2,
      state: "reverted",
      store_count: 4,
      commit_sha: "beef000123456789abcdef0123456789abcdef02",
      revert_sha: "dead000123456789abcdef0123456789abcdef03",
      reverted_by: "platform",
      gate: {
        verdict: "fail",
        message: "2 stores failed (budget 0)",
        ready: 2,
        failed: 2,
        pending: 0,
        failing: [{ store_id: "st-bbbbbbbb02", error: "setup job failed: image pull" }],
      },
      stores: [
        makeWaveStore({
          store_id: "st-bbbbbbbb02",
          name: "second-shop",
          status: "failed",
          state: "reverted",
          error: "setup job failed: image pull",
        }),
      ],
    }),
  ],
});

function columnsOf(table: HTMLElement): string[] {
  return within(table)
    .getAllByRole("columnheader")
    .map((cell) => cell.textContent ?? "");
}

function cellsOf(row: HTMLElement): string[] {
  return within(row)
    .getAllByRole("cell")
    .map((cell) => cell.textContent ?? "");
}

const PATCH = { resources: { limits: { cpu: "500m", memory: "1Gi" } }, redis: { enabled: true } };

describe("a rollout's page", () => {
  it("shows each wave's gate progress, commit, state and message", async () => {
    signIn(admin);
    serve();
    renderApp(PATH);
    expect(await screen.findByRole("heading", { level: 1, name: "Rollout: chart 1.5.0" })).toBeInTheDocument();
    const canary = screen.getByRole("region", { name: "Wave 1 (canary)" });
    expect(canary).toHaveTextContent("Passed");
    expect(canary).toHaveTextContent("c0ffee0");
    expect(within(canary).getByRole("progressbar", { name: "Wave 1 (canary) gate" })).toHaveAttribute(
      "aria-valuetext",
      "1 of 1: 1 ready, 0 failed, 0 pending",
    );
    const second = screen.getByRole("region", { name: "Wave 2" });
    expect(second).toHaveTextContent("Gating");
    expect(second).toHaveTextContent("beef000");
    expect(second).toHaveTextContent("Gate: 2 of 4 stores ready");
    expect(second).toHaveTextContent("2 ready · 0 failed · 2 pending of 4");
    expect(second).toHaveTextContent("Failure budget0 of 4");
    // the rollout as a whole
    const overview = screen.getByRole("region", { name: "Overview" });
    expect(overview).toHaveTextContent("Changechart 1.5.0");
    expect(overview).toHaveTextContent("engines: woocommerce");
    expect(overview).toHaveTextContent("security fix");
    expect(overview).toHaveTextContent("soak 30 s");
  });

  it("shows a wave's stores on demand, linking each store", async () => {
    signIn(admin);
    serve();
    const { user } = renderApp(PATH);
    const second = await screen.findByRole("region", { name: "Wave 2" });
    const toggle = within(second).getByRole("button", { name: /Stores \(2\)/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(within(second).queryByRole("table")).not.toBeInTheDocument();
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const table = within(second).getByRole("table", { name: "Wave 2: stores" });
    // A chart rollout's value is the store's chart version: no column of its own.
    expect(columnsOf(table)).toEqual(["Store", "Tenant", "Status", "Before", "Now", "In the rollout", "Error"]);
    const row = within(table).getByRole("row", { name: /third-shop/ });
    expect(within(row).getByRole("link", { name: "third-shop" })).toHaveAttribute("href", "/stores/st-cccccccc03");
    expect(cellsOf(row)).toEqual(["third-shop", "u-owner0001", "updating", "1.4.0", "1.5.0", "committed", ""]);
    await user.click(toggle);
    expect(within(second).queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows a values patch: in full in the overview, before and now per store (compact, cut short)", async () => {
    signIn(admin);
    serve(
      makeRollout({
        kind: "values_patch",
        target: PATCH,
        change: "values 1a2b3c4d5e6f",
        chart_version: null,
        waves: [
          makeWave({
            stores: [
              makeWaveStore({ value: PATCH, from_value: null }),
              makeWaveStore({
                store_id: "st-bbbbbbbb02",
                name: "second-shop",
                chart_version: null,
                value: { redis: { enabled: true } },
                from_value: { redis: { enabled: false } },
              }),
            ],
          }),
        ],
      }),
    );
    const { user } = renderApp(PATH);
    expect(await screen.findByRole("heading", { level: 1, name: "Rollout: values 1a2b3c4d5e6f" })).toBeInTheDocument();
    const overview = screen.getByRole("region", { name: "Overview" });
    expect(overview).toHaveTextContent("values 1a2b3c4d5e6f");
    expect(within(overview).getByRole("region", { name: "Values patch" })).toHaveTextContent('"memory": "1Gi"');
    const wave = screen.getByRole("region", { name: "Wave 1 (canary)" });
    await user.click(within(wave).getByRole("button", { name: /Stores/ }));
    const table = within(wave).getByRole("table", { name: "Wave 1 (canary): stores" });
    expect(columnsOf(table)).toEqual([
      "Store",
      "Tenant",
      "Status",
      "Chart version",
      "Before",
      "Now",
      "In the rollout",
      "Error",
    ]);
    const [first, second] = within(table).getAllByRole("row").slice(1);
    const full = JSON.stringify(PATCH);
    expect(full.length).toBeGreaterThan(40);
    expect(cellsOf(first!).slice(3, 6)).toEqual(["1.5.0", "—", `${full.slice(0, 39)}…`]);
    expect(within(first!).getByTitle(full)).toBeInTheDocument();
    expect(cellsOf(second!).slice(3, 6)).toEqual([
      "default",
      '{"redis":{"enabled":false}}',
      '{"redis":{"enabled":true}}',
    ]);
  });

  it("shows an image rollout's tag before and now, none before as a dash", async () => {
    signIn(admin);
    const store = makeWaveStore({ value: "6.7.2-php8.2-apache", from_value: null });
    serve(
      makeRollout({
        kind: "image_tag",
        target: "6.7.2-php8.2-apache",
        change: "image 6.7.2-php8.2-apache",
        chart_version: null,
        waves: [makeWave({ stores: [store] })],
      }),
    );
    const { user } = renderApp(PATH);
    await screen.findByRole("heading", { level: 1, name: "Rollout: image 6.7.2-php8.2-apache" });
    const wave = screen.getByRole("region", { name: "Wave 1 (canary)" });
    await user.click(within(wave).getByRole("button", { name: /Stores/ }));
    const row = within(wave).getByRole("row", { name: /corner-shop/ });
    expect(cellsOf(row).slice(3, 6)).toEqual(["1.5.0", "—", "6.7.2-php8.2-apache"]);
  });

  it("puts the reason and the failing stores first when the rollout was rolled back", async () => {
    signIn(admin);
    serve(rolledBack);
    const { user } = renderApp(PATH);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Rolled back: a wave failed its gate");
    expect(alert).toHaveTextContent("wave 2 failed its gate: 2 stores failed (budget 0)");
    const failing = within(alert).getByRole("list", { name: "Failing stores" });
    expect(within(failing).getByRole("link", { name: "st-bbbbbbbb02" })).toHaveAttribute(
      "href",
      "/stores/st-bbbbbbbb02",
    );
    expect(failing).toHaveTextContent("not ready 600s after the wave's commit");
    const second = screen.getByRole("region", { name: "Wave 2" });
    expect(second).toHaveTextContent("Reverted");
    expect(second).toHaveTextContent("dead000");
    expect(second).toHaveTextContent("by platform");
    expect(within(second).getByRole("list", { name: "Wave 2: failing stores" })).toHaveTextContent(
      "setup job failed: image pull",
    );
    await user.click(within(second).getByRole("button", { name: /Stores/ }));
    expect(within(second).getByRole("row", { name: /second-shop/ })).toHaveTextContent("setup job failed: image pull");
  });

  it.each<[RolloutState, string[]]>([
    ["running", ["Pause", "Abort"]],
    ["paused", ["Resume", "Retry", "Abort"]],
    ["rolled_back", ["Retry", "Abort"]],
    ["succeeded", []],
    ["aborted", []],
  ])("offers, when %s, exactly: %j", async (state, buttons) => {
    signIn(admin);
    serve(makeRollout({ state, reason: state === "aborted" ? "aborted by ada" : null }));
    renderApp(PATH);
    await screen.findByRole("heading", { level: 1, name: "Rollout: chart 1.5.0" });
    const group = screen.queryByRole("group", { name: "Rollout actions" });
    const shown = group
      ? within(group)
          .getAllByRole("button")
          .map((button) => button.textContent)
      : [];
    expect(shown).toEqual(buttons);
  });

  it("keeps polling while the rollout runs, and stops once it is done", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      signIn(admin);
      let calls = 0;
      server.use(
        me,
        http.get(`${API}/rollouts/ro-abcdefgh23`, () => {
          calls += 1;
          return HttpResponse.json(makeRollout({ state: calls === 1 ? "running" : "succeeded" }));
        }),
      );
      renderApp(PATH);
      expect(await screen.findByText("Running")).toBeInTheDocument();
      await act(() => vi.advanceTimersByTimeAsync(2_100));
      expect(await screen.findByText("Succeeded")).toBeInTheDocument();
      await act(() => vi.advanceTimersByTimeAsync(10_000));
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers a rollout that is not there plainly", async () => {
    signIn(admin);
    server.use(
      me,
      http.get(`${API}/rollouts/ro-missing0001`, () => apiError(404, "ROLLOUT_NOT_FOUND", "No rollout.")),
    );
    renderApp("/rollouts/ro-missing0001");
    expect(await screen.findByRole("heading", { name: "Rollout not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "← Rollouts" })).toHaveAttribute("href", "/rollouts");
  });
});
