import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { changeProblems, kindOf, parseValuesPatch } from "./rollout-change";
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

  it("puts a refusal of the change on the field of the kind sent", () => {
    const rejected = error(422, "CHART_VALUES_REJECTED");
    expect(apiProblems(rejected).fields).toEqual({ chartVersion: "CHART_VALUES_REJECTED message" });
    expect(apiProblems(rejected, "image_tag").fields).toEqual({ imageTag: "CHART_VALUES_REJECTED message" });
    expect(apiProblems(rejected, "values_patch").fields).toEqual({ valuesPatch: "CHART_VALUES_REJECTED message" });
    expect(apiProblems(error(422, "INVALID_ROLLOUT_PLAN"), "image_tag").fields).toEqual({
      selector: "INVALID_ROLLOUT_PLAN message",
    });
    const details = [
      { field: "image.tag", message: "bad tag" },
      { field: "image.engine", message: "bad engine" },
    ];
    expect(apiProblems(error(422, "VALIDATION_ERROR", details), "image_tag")).toEqual({
      fields: { imageTag: "bad tag", imageEngine: "bad engine" },
      rest: false,
    });
    const body = [
      { field: "body", message: "values_patch: store: set by the store's spec, not by a values patch" },
      { field: "body", message: "give exactly one change: chart_version, image or values_patch" },
    ];
    expect(apiProblems(error(422, "VALIDATION_ERROR", body), "values_patch")).toEqual({
      fields: {
        valuesPatch: "store: set by the store's spec, not by a values patch",
        kind: "give exactly one change: chart_version, image or values_patch",
      },
      rest: false,
    });
  });

  it("shows above the form what names a field the chosen kind hides", () => {
    expect(apiProblems(error(422, "UNKNOWN_CHART_VERSION"), "image_tag")).toEqual({ fields: {}, rest: true });
    const details = [
      { field: "values_patch", message: "not an object" },
      { field: "steps.0", message: "bad step" },
    ];
    expect(apiProblems(error(422, "VALIDATION_ERROR", details), "chart_version")).toEqual({
      fields: { steps: "bad step" },
      rest: true,
    });
  });
});

describe("the change", () => {
  it("reads a values patch: a JSON object, or why not", () => {
    expect(parseValuesPatch(' {"redis": {"enabled": true}, "x": null} ')).toEqual({
      patch: { redis: { enabled: true }, x: null },
      error: null,
    });
    expect(parseValuesPatch("{}")).toEqual({ patch: {}, error: null });
    expect(parseValuesPatch("  ").error).toMatch(/^Enter the values patch/);
    expect(parseValuesPatch("{redis: 1}").error).toMatch(/^Not valid JSON: /);
    expect(parseValuesPatch("[]").error).toBe("The patch must be a JSON object ({ … }), not an array.");
    expect(parseValuesPatch("3").error).toBe("The patch must be a JSON object ({ … }), not a number.");
    expect(parseValuesPatch(JSON.stringify({ big: "x".repeat(8_200) })).error).toMatch(/^At most 8192 bytes/);
  });

  it("checks only the chosen kind's fields", () => {
    const image = { ...valid, kind: "image_tag" as const, chartVersion: "not a version" };
    expect(draftProblems({ ...image, imageTag: "6.7.2-php8.2-apache" })).toEqual({});
    expect(draftProblems({ ...image, imageTag: "_ok.TAG-1" })).toEqual({});
    expect(changeProblems({ ...image, imageTag: "" })).toEqual({ imageTag: "Enter the image tag to roll out." });
    for (const tag of ["-lead", ".lead", "has space", "a/b", "x".repeat(129)])
      expect(changeProblems({ ...image, imageTag: tag })).toHaveProperty("imageTag");
    const values = { ...valid, kind: "values_patch" as const, chartVersion: "" };
    expect(draftProblems({ ...values, valuesPatch: '{"a": 1}' })).toEqual({});
    expect(draftProblems({ ...values, valuesPatch: "{" })).toHaveProperty("valuesPatch");
  });

  it("sends the chosen change alone", () => {
    const draft = { ...valid, imageTag: "6.7.2", valuesPatch: '{"a": 1}' };
    expect(toRequest(draft)).toMatchObject({ chart_version: "1.5.0" });
    expect(toRequest(draft)).not.toHaveProperty("image");
    expect(toRequest(draft)).not.toHaveProperty("values_patch");
    const image = toRequest({ ...draft, kind: "image_tag", imageEngine: "medusa" });
    expect(image.image).toEqual({ engine: "medusa", tag: "6.7.2" });
    expect(Object.keys(image)).not.toContain("chart_version");
    const values = toRequest({ ...draft, kind: "values_patch" });
    expect(values.values_patch).toEqual({ a: 1 });
    expect(Object.keys(values).filter((key) => ["chart_version", "image", "values_patch"].includes(key))).toEqual([
      "values_patch",
    ]);
    expect(kindOf(image)).toBe("image_tag");
    expect(kindOf(values)).toBe("values_patch");
    expect(kindOf(undefined)).toBe("chart_version");
  });
});
