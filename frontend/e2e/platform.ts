import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
// {port} and {state_dir} are filled in. The default is the platform on its simulated cluster.
const DEFAULT_COMMAND = ".venv/bin/storefleet up --demo-cluster --state-dir {state_dir} --port {port}";
const START_TIMEOUT_MS = 120_000;
const PLATFORM_ENV = {
  // The fleet log and store histories link each commit (the tests check the link, never follow it).
  FLEET_COMMIT_URL: process.env.FLEET_COMMIT_URL ?? "https://git.example.com/fleet/commit/{sha}",
  // The tests drive one user from one address quickly: the API's request limits are off.
  API_RATE_LIMIT_READS: "0",
  API_RATE_LIMIT_WRITES: "0",
  API_RATE_LIMIT_STORE_CREATIONS: "0",
};

export type RunningPlatform = { url: string; stop: () => Promise<void> };

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

async function live(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/live`)).ok;
  } catch {
    return false;
  }
}

/** Resolves when the platform prints READY or answers /health/live, whichever comes first. */
function waitUntilReady(child: ChildProcess, url: string, output: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes("READY ")) finish();
    };
    const timer = setInterval(async () => {
      if (await live(url)) finish();
      else if (Date.now() > deadline)
        finish(new Error(`the platform did not start in time:\n${output.join("").slice(-3000)}`));
    }, 500);
    const onExit = (code: number | null) =>
      finish(new Error(`the platform exited (${code}):\n${output.join("").slice(-3000)}`));
    function finish(error?: Error) {
      clearInterval(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error) fail(error);
      else done();
    }
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.pid === undefined) return done();
    const force = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    process.kill(-child.pid, "SIGTERM"); // the whole group: the platform's own children too
  });
}

export async function startPlatform(): Promise<RunningPlatform> {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), "storefleet-e2e-"));
  const command = (process.env.E2E_PLATFORM_CMD ?? DEFAULT_COMMAND)
    .replaceAll("{port}", String(port))
    .replaceAll("{state_dir}", stateDir);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("bash", ["-c", `exec ${command}`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...PLATFORM_ENV },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // scripts/test.sh stops this process group even if the test runner itself is killed.
  if (process.env.E2E_PLATFORM_PIDFILE && child.pid) writeFileSync(process.env.E2E_PLATFORM_PIDFILE, String(child.pid));
  const output: string[] = [];
  // Keep draining both pipes for the whole run (a full pipe would block the platform); remember the tail.
  const remember = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", remember);
  child.stderr?.on("data", remember);
  try {
    await waitUntilReady(child, url, output);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    url,
    stop: async () => {
      await stopProcess(child);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
