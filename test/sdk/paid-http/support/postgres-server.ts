/**
 * A throw-away PostgreSQL server on loopback for the store tests, from Debian's `postgresql` package (the
 * binaries under /usr/lib/postgresql/<version>/bin, not on the PATH). Run as root, the server runs as the
 * `postgres` user (PostgreSQL refuses to run as root).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";

export interface PostgresServer {
  port: number;
  /** Connection string of the database created at start. */
  url: string;
  /** Milliseconds from `startPostgres()` until the database was ready. */
  startMs: number;
  /** Creates another database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest `bin` directory with `initdb` and `postgres` (Z402_PG_BIN names another). */
function binDir(): string | undefined {
  if (process.env.Z402_PG_BIN) return process.env.Z402_PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  return fs
    .readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, "bin"))
    .find((dir) => fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "postgres")));
}

/** True when PostgreSQL's server binaries are installed. */
export function postgresAvailable(): boolean {
  return binDir() !== undefined;
}

/** The line a test prints when it skips for want of PostgreSQL. */
export const POSTGRES_SKIP =
  "    skipped: PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** uid and gid to run the server as: ours, or the `postgres` user's (else `nobody`'s) when we are root. */
function account(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) {
    const uid = spawnSync("id", ["-u", user], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
    if (uid.status === 0 && gid.status === 0) return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error("running as root and there is no `postgres` or `nobody` user to run PostgreSQL as");
}

/** Servers not stopped yet, with their temp dirs. */
const running = new Map<ChildProcess, string>();
// A test run that ends without `stop()` (an interrupted mocha, a failed hook) leaves no server or dir behind.
process.once("exit", () =>
  running.forEach((dir, child) => {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }),
);

/**
 * Starts a PostgreSQL server on 127.0.0.1 (random port, trust authentication, fsync on: commits are durable) in a
 * temp dir, and creates the database `z402`. `stop()` shuts it down and removes the dir.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const started = Date.now();
  const bin = binDir();
  if (!bin) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-pg-"));
  const data = path.join(dir, "data");
  const as = account();
  if (as) fs.chownSync(dir, as.uid, as.gid);
  const env = { ...process.env, LC_ALL: "C", LANG: "C" };
  const init = spawnSync(
    path.join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
    { encoding: "utf8", env, ...as },
  );
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error}`);
  }
  const port = await freePort();
  const child = spawn(
    path.join(bin, "postgres"),
    // Unix socket in the temp dir, TCP on loopback only; durable commits as in production.
    [
      "-D",
      data,
      "-k",
      dir,
      "-p",
      String(port),
      "-h",
      "127.0.0.1",
      "-c",
      "fsync=on",
      "-c",
      "synchronous_commit=on",
    ],
    { stdio: ["ignore", "ignore", "pipe"], env, ...as },
  );
  running.set(child, dir);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`postgres did not start: ${log}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes("database system is ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${child.exitCode}: ${log}`));
    });
  }).catch((err) => {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  child.stderr!.resume(); // keep draining the log
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const createDatabase = async (name: string) => {
    const admin = new Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return `${base}/${name}`;
  };
  const url = await createDatabase("z402");
  return {
    port,
    url,
    startMs: Date.now() - started,
    createDatabase,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGINT"); // fast shutdown: disconnects clients, checkpoints, exits
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
