import { describe, expect, it } from "vitest";
import { adminLine, tenantLine } from "./status-line";

const report = {
  status: "degraded" as const,
  version: "1.0.0",
  cluster_configured: true,
  simulated: false,
  checks: {
    database: { status: "ok" as const },
    fleet: { status: "degraded" as const, circuit: "open" },
    watcher: { status: "down" as const },
    cluster: { status: "not_configured" as const },
  },
};

describe("the status line", () => {
  it("tells a tenant the state without naming a component", () => {
    const line = tenantLine({ status: "degraded", cluster_configured: true, simulated: false });
    expect(line).toEqual({ tone: "warning", text: "Degraded: store changes may be slow", problems: [], cluster: null });
    expect(tenantLine({ status: "ok", cluster_configured: true, simulated: false }).text).toBe("All systems normal");
  });

  it("says when the cluster is missing or simulated", () => {
    expect(tenantLine({ status: "ok", cluster_configured: false, simulated: false }).cluster).toMatch(
      /^Cluster not configured/,
    );
    expect(tenantLine({ status: "ok", cluster_configured: true, simulated: true }).cluster).toMatch(
      /^Simulated cluster/,
    );
  });

  it("names the unhealthy components for an admin (not configured is not a problem)", () => {
    const line = adminLine(report);
    expect(line.tone).toBe("warning");
    expect(line.problems).toEqual(["fleet: degraded", "watcher: down"]);
    expect(adminLine({ ...report, status: "ok", checks: { database: { status: "ok" } } }).problems).toEqual([]);
  });
});
