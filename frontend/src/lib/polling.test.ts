import { describe, expect, it } from "vitest";
import { config } from "./config";
import { backoffInterval } from "./polling";

describe("backoffInterval", () => {
  it("stops when nothing is in flight", () => {
    expect(backoffInterval({ state: { dataUpdatedAt: 1 } }, null)).toBe(false);
  });

  it("backs off with each fresh answer, up to the maximum, and restarts on a new state", () => {
    const query = { state: { dataUpdatedAt: 1 } };
    const first = backoffInterval(query, "st-1:provisioning");
    expect(first).toBe(config.pollMinMs);
    expect(backoffInterval(query, "st-1:provisioning")).toBe(first); // asked twice for one answer
    query.state.dataUpdatedAt = 2;
    const second = backoffInterval(query, "st-1:provisioning");
    expect(second).toBeGreaterThan(first as number);
    for (let answer = 3; answer < 40; answer += 1) {
      query.state.dataUpdatedAt = answer;
      backoffInterval(query, "st-1:provisioning");
    }
    expect(backoffInterval(query, "st-1:provisioning")).toBe(config.pollMaxMs);
    query.state.dataUpdatedAt = 50;
    expect(backoffInterval(query, "st-1:updating")).toBe(config.pollMinMs);
  });
});
