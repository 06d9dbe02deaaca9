import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { apiProblems, draftProblems, EMPTY_DRAFT, splitList, toRequest } from "./rollout-form";

const valid = { ...EMPTY_DRAFT, chartVersion: "1.5.0", all: true };

describe("the rollout form's rules", () => {
  it("splits lists on commas, spaces and line breaks", () => {
    expect(splitList(" a, b  c\nd,,")).toEqual(["a", "b", "c", "d"]);
  });

  it("accepts the defaults with a version and a selection", () => {
    expect(draftProblems(valid)).toEqual({});
  });

  it("names each problem on its field", () => {
    expect(
      draftProblems({
        ...EMPTY_DRAFT,
        chartVersion: "v1.5",
        storeIds: "st-abcdefgh23 st-BAD",
        canaryCount: "1.5",
        steps: "",
        soakSeconds: "-1",
        probePath: "health",
        maxFailurePercent: "101",
        timeoutSeconds: "0",
      }),
    ).toEqual({
      chartVersion: "Use a version such as 1.4.0 or 1.5.0-rc.1.",
      storeIds: "'st-BAD' is not a store id (st- and 10 letters or digits).",
      canaryCount: "Enter a whole number.",
      steps: "Give at least one step, such as 100%.",
      soakSeconds: "At least 0.",
      probePath: "A path such as /health: it starts with / and has no spaces or query.",
      maxFailurePercent: "At most 100.",
      timeoutSeconds: "More than 0, or leave it empty.",
    });
  });

  it("sends only the conditions given, or all alone", () => {
    expect(toRequest(valid).selector).toEqual({ all: true });
    expect(toRequest({ ...valid, all: false, plans: ["large"], storeIds: "st-abcdefgh23" }).selector).toEqual({
      all: false,
      plans: ["large"],
      store_ids: ["st-abcdefgh23"],
    });
    expect(toRequest({ ...valid, timeoutSeconds: "600", probePath: " " }).gate).toEqual({
      soak_seconds: 0,
      probe_path: null,
      canary_max_failures: 0,
      max_failure_percent: 5,
      timeout_seconds: 600,
    });
  });
});

describe("the API's refusals", () => {
  const error = (status: number, code: string, details?: unknown) =>
    new ApiError({ status, code, message: `${code} message`, details });

  it("puts a rollout code on its field", () => {
    expect(apiProblems(error(422, "INVALID_STEPS"))).toEqual({
      fields: { steps: "INVALID_STEPS message" },
      rest: false,
    });
    expect(apiProblems(error(409, "ROLLOUT_OVERLAP")).fields).toEqual({ selector: "ROLLOUT_OVERLAP message" });
  });

  it("maps a malformed request's details by their path, keeping what fits nowhere", () => {
    const details = [
      { field: "steps.1.constrained-str", message: "bad step" },
      { field: "selector.store_ids.0", message: "bad id" },
      { field: "selector", message: "the selector is empty" },
      { field: "gate.probe_path", message: "bad path" },
      { field: "canary.count", message: "too many" },
    ];
    expect(apiProblems(error(422, "VALIDATION_ERROR", details))).toEqual({
      fields: {
        steps: "bad step",
        storeIds: "bad id",
        selector: "the selector is empty",
        probePath: "bad path",
        canaryCount: "too many",
      },
      rest: false,
    });
    expect(apiProblems(error(422, "VALIDATION_ERROR", [{ field: "body", message: "not JSON" }])).rest).toBe(true);
    expect(apiProblems(error(503, "FLEET_NOT_CONFIGURED"))).toEqual({ fields: {}, rest: true });
    expect(apiProblems(null)).toEqual({ fields: {}, rest: false });
  });
});
