import { describe, expect, it } from "vitest";
import { ApiError, networkError } from "./api/errors";
import { shouldRetry } from "./query-client";

const answer = (status: number, code: string) => new ApiError({ status, code, message: code });

describe("which failed queries are tried again", () => {
  it("retries network failures and 5xx answers twice", () => {
    expect(shouldRetry(0, networkError(new TypeError("offline")))).toBe(true);
    expect(shouldRetry(1, answer(503, "CLUSTER_UNAVAILABLE"))).toBe(true);
    expect(shouldRetry(2, answer(500, "INTERNAL_ERROR"))).toBe(false);
  });

  it("never retries a 4xx answer, nor a platform without a cluster", () => {
    expect(shouldRetry(0, answer(403, "FORBIDDEN"))).toBe(false);
    expect(shouldRetry(0, answer(503, "CLUSTER_NOT_CONFIGURED"))).toBe(false);
  });
});
