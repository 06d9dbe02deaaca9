import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../api/get-store-events";
import { StatusTimeline } from "./StatusTimeline";

function event(id: number, name: string, fields: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    created_at: "2026-01-01T00:00:00Z",
    event: name,
    request_id: null,
    actor_id: null,
    actor: "ana",
    store_id: "st-1",
    tenant: null,
    ip: null,
    before: null,
    after: null,
    detail: null,
    ...fields,
  };
}

describe("StatusTimeline", () => {
  it("tells the store's life from its audit events, oldest first", () => {
    const events = [
      event(4, "store.transition", { after: { status: "ready", message: "ready at 1234567" } }),
      event(9, "store.credentials_read"),
      event(3, "store.transition", { after: { status: "provisioning", message: "setup job running" } }),
      event(2, "store.committed", { detail: { commit: "1234567abcdef", action: "create" } }),
      event(1, "store.requested"),
    ];
    render(<StatusTimeline events={events} />);
    const steps = within(screen.getByRole("list", { name: "Status timeline" })).getAllByRole("listitem");
    expect(steps.map((step) => step.querySelector("p")?.textContent)).toEqual([
      "Requested",
      "Committed 1234567",
      "Provisioning",
      "Ready",
    ]);
    expect(steps[2]).toHaveTextContent("setup job running");
  });
});
