import { useSyncExternalStore } from "react";
import type { components } from "@/lib/api/schema";

export type User = components["schemas"]["UserOut"];
export type Session = { token: string; expiresAt: string; user: User };
export type SessionEndReason = "signed-out" | "expired";

// sessionStorage: the session survives a reload but not the tab, is never shared between tabs and is
// not left behind on a shared machine. The CSP (script-src 'self') guards it against injected scripts.
const STORAGE_KEY = "storefleet.session";

type Listener = (reason: "signed-in" | SessionEndReason) => void;
const listeners = new Set<Listener>();

function isSession(value: unknown): value is Session {
  const v = value as Partial<Session> | null;
  return typeof v?.token === "string" && typeof v.expiresAt === "string" && typeof v.user?.id === "string";
}

// Why the last session ended, for the sign-in page to explain; null once someone signs in.
let endReason: SessionEndReason | null = null;

function readStored(): Session | null {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    if (!isSession(parsed)) return null;
    if (Date.parse(parsed.expiresAt) > Date.now()) return parsed;
    endReason = "expired"; // it ran out while the tab was closed or asleep
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  } catch {
    return null;
  }
}

// One cached object, so React's useSyncExternalStore sees a stable snapshot.
let current: Session | null = readStored();

export function sessionEndReason(): SessionEndReason | null {
  return endReason;
}

export function readSession(): Session | null {
  return current;
}

export function saveSession(session: Session): void {
  current = session;
  endReason = null;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  listeners.forEach((listener) => listener("signed-in"));
}

export function clearSession(reason: SessionEndReason): void {
  if (current === null && reason === "expired") return; // already gone: announce it once
  current = null;
  endReason = reason;
  sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener(reason));
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The signed-in session (or null), re-rendering on sign-in, sign-out and expiry. */
export function useSession(): Session | null {
  return useSyncExternalStore(onSessionChange, readSession, readSession);
}

/** Re-read the storage (tests start each case from a clean sessionStorage). */
export function reloadSessionFromStorage(): void {
  endReason = null;
  current = readStored();
}
