import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { reloadSessionFromStorage } from "@/lib/session";
import { server } from "./server";

// Any request a test did not mock fails the test: nothing reaches a real network. MSW's "error"
// strategy only fails the request (a component may swallow that), so each one is also recorded and
// the test fails after it ends.
const unhandled: string[] = [];
beforeAll(() =>
  server.listen({
    onUnhandledRequest(request, print) {
      unhandled.push(`${request.method} ${new URL(request.url).pathname}`);
      print.error();
    },
  }),
);
afterEach(() => {
  cleanup();
  server.resetHandlers();
  sessionStorage.clear();
  reloadSessionFromStorage();
  const missed = unhandled.splice(0);
  if (missed.length > 0) {
    throw new Error(`requests no handler answered: ${missed.join(", ")}`);
  }
});
afterAll(() => server.close());

// jsdom lacks what Radix primitives measure with.
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
Element.prototype.scrollIntoView ??= function scrollIntoView() {};
Element.prototype.hasPointerCapture ??= () => false;
Element.prototype.releasePointerCapture ??= () => {};

// jsdom has no canvas: uPlot is replaced by a stand-in that keeps what it was asked to draw
// (options and data), so a test can check a chart's axes and series without pixels.
vi.mock("uplot", () => {
  class FakeUPlot {
    static paths = { bars: () => () => null };
    static drawn: { opts: unknown; data: unknown }[] = [];
    constructor(opts: unknown, data: unknown) {
      FakeUPlot.drawn.push({ opts, data });
    }
    setSize(): void {}
    destroy(): void {}
  }
  return { default: FakeUPlot };
});
