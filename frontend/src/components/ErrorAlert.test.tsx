import { act, render, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { API, apiError, makeUser, signIn } from "@/test/fixtures";
import { renderApp } from "@/test/render";
import { server } from "@/test/server";
import { ErrorAlert } from "./ErrorAlert";

const me = http.get(`${API}/auth/me`, () => HttpResponse.json(makeUser()));

describe("ErrorAlert", () => {
  afterEach(() => vi.useRealTimers());

  it("shows the API request limit's refusal with a countdown to the retry", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    signIn();
    server.use(
      me,
      http.get(`${API}/stores`, () =>
        apiError(
          429,
          "RATE_LIMITED",
          "Too many reads: at most 600 every minute; try again in 42 seconds.",
          { retry_after_s: 42, route_class: "reads", limit: 600, window_s: 60 },
          { "Retry-After": "42", "RateLimit-Limit": "600", "RateLimit-Remaining": "0", "RateLimit-Reset": "42" },
        ),
      ),
    );
    renderApp("/stores");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The stores could not be loaded");
    expect(alert).toHaveTextContent("Too many reads: at most 600 every minute");
    expect(alert).toHaveTextContent("You can try again in 42 s.");
    expect(alert).toHaveTextContent("Reference: req-test");
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(alert).toHaveTextContent("You can try again in 12 s.");
    await act(() => vi.advanceTimersByTimeAsync(15_000));
    expect(alert).toHaveTextContent("You can try again now.");
  });

  it("titles a bare refusal and names long waits in minutes", () => {
    const error = new ApiError({ status: 429, code: "RATE_LIMITED", message: "Slow down.", retryAfterSeconds: 3599 });
    render(<ErrorAlert error={error} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Too many requests");
    expect(screen.getByText("You can try again in 59 min 59 s.")).toBeInTheDocument();
  });

  it("shows no countdown for errors a wait does not cure", () => {
    const error = new ApiError({
      status: 503,
      code: "CLUSTER_UNAVAILABLE",
      message: "No answer.",
      retryAfterSeconds: 5,
    });
    render(<ErrorAlert error={error} />);
    expect(screen.getByRole("alert")).toHaveTextContent("No answer.");
    expect(screen.queryByText(/try again in/)).not.toBeInTheDocument();
  });
});
