import { describe, expect, it } from "vitest";
import { makeRollout, makeWave } from "@/test/fixtures";
import { allowedActions, describeSelector, gateSummary, hasCanary, rolloutProgress } from "./status";

describe("rollout states and progress", () => {
  it("offers the actions the API's state machine allows", () => {
    expect(allowedActions("running")).toEqual(["pause", "abort"]);
    expect(allowedActions("paused")).toEqual(["resume", "retry", "abort"]);
    expect(allowedActions("rolled_back")).toEqual(["retry", "abort"]);
    expect(allowedActions("succeeded")).toEqual([]);
    expect(allowedActions("aborted")).toEqual([]);
  });

  it("counts the stores of passed waves", () => {
    expect(rolloutProgress(makeRollout())).toEqual({ done: 1, total: 5 });
  });

  it("reads a wave's gate, every store pending before it ran", () => {
    expect(gateSummary(makeWave({ store_count: 4, gate: {} }))).toEqual({
      ready: 0,
      failed: 0,
      pending: 4,
      message: null,
      failing: [],
    });
    expect(
      gateSummary(
        makeWave({
          gate: {
            ready: 3,
            failed: 1,
            pending: 0,
            message: "1 failed",
            failing: [{ store_id: "st-x", error: "boom" }],
          },
        }),
      ),
    ).toEqual({ ready: 3, failed: 1, pending: 0, message: "1 failed", failing: [{ store_id: "st-x", error: "boom" }] });
  });

  it("knows a canary and says the selector in words", () => {
    expect(hasCanary(makeRollout())).toBe(true);
    expect(hasCanary(makeRollout({ gate: { canary: { count: 0, store_ids: [] } } }))).toBe(false);
    expect(describeSelector({ all: true })).toBe("all stores");
    expect(describeSelector({ engines: ["medusa"], plans: ["small", "large"] })).toBe(
      "engines: medusa · plans: small, large",
    );
  });
});
