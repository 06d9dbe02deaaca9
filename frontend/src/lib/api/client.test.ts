import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { readSession, sessionEndReason } from "@/lib/session";
import { API, apiError, signIn } from "@/test/fixtures";
import { server } from "@/test/server";
import { api, unwrap } from "./client";
import { ApiError } from "./errors";

describe("the API client", () => {
  it("sends the session's bearer token", async () => {
    signIn();
    let auth: string | null = null;
    server.use(
      http.get(`${API}/auth/me`, ({ request }) => {
        auth = request.headers.get("Authorization");
        return HttpResponse.json({});
      }),
    );
    await unwrap(api.GET("/api/v1/auth/me"));
    expect(auth).toBe("Bearer test-token");
  });

  it("turns the error envelope into an ApiError with Retry-After and field problems", async () => {
    server.use(
      http.post(`${API}/stores`, () =>
        apiError(422, "VALIDATION_ERROR", "invalid", [{ field: "body.name", message: "too short", type: "x" }], {
          "Retry-After": "7",
        }),
      ),
    );
    const error = await unwrap(
      api.POST("/api/v1/stores", { body: { name: "x", engine: "medusa", plan: "small", template: "classic" } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: "VALIDATION_ERROR", requestId: "req-test", retryAfterSeconds: 7 });
    expect((error as ApiError).fieldProblems).toEqual([{ field: "name", message: "too short", type: "x" }]);
  });

  it("explains a response that is not the envelope", async () => {
    server.use(http.get(`${API}/stores`, () => new HttpResponse("<html>bad gateway</html>", { status: 502 })));
    const error = await unwrap(api.GET("/api/v1/stores")).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 502,
      message: "The platform is not answering right now. Try again in a moment.",
    });
  });

  it("explains an unreachable platform", async () => {
    server.use(http.get(`${API}/stores`, () => HttpResponse.error()));
    const error = await unwrap(api.GET("/api/v1/stores")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NETWORK_ERROR" });
  });

  it("ends the session when the API no longer accepts its token", async () => {
    signIn();
    server.use(http.get(`${API}/stores`, () => apiError(401, "INVALID_TOKEN", "token expired")));
    await unwrap(api.GET("/api/v1/stores")).catch(() => undefined);
    expect(readSession()).toBeNull();
    expect(sessionEndReason()).toBe("expired");
  });
});
