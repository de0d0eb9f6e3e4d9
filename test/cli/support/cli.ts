/**
 * Runs the `z402` command as a child process. The CLI is bundled once per test run with esbuild (as tsup does
 * for dist/cli.js), into cache/, so each spawn costs a plain `node` start rather than a TypeScript compile.
 */
import { buildSync } from "esbuild";
import { execFile, spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../../..");
let bundled: string | undefined;

/** The bundled CLI entry (built on first use). */
export function cliBundle(): string {
  if (!bundled) {
    const outfile = path.join(root, "cache", "z402-cli-test", "cli.js");
    buildSync({
      entryPoints: [path.join(root, "sdk/cli/bin.ts")],
      outfile,
      bundle: true,
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "error",
    });
    bundled = outfile;
  }
  return bundled;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `z402 ...args` with a clean key environment (plus `env`), in the repository root or `cwd`, resolving with its
 * exit code and output.
 */
export function z402(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
  cwd = root,
): Promise<CliResult> {
  const base = { ...process.env };
  for (const k of ["Z402_PRIVATE_KEY", "DEPLOYER_PRIVATE_KEY", "Z402_NETWORK", "Z402_RPC_URL", "Z402_DEBUG"])
    delete base[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBundle(), ...args],
      { cwd, env: { ...base, ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** One line, starting with "z402: ", ending with a full stop or question mark, no stack frames. */
export function isOneSentence(stderr: string): boolean {
  const lines = stderr.trim().split("\n");
  return lines.length === 1 && /^z402: [A-Z"`].*[.?]$/.test(lines[0]) && !/\n\s+at /.test(stderr);
}

/**
 * Starts a long-running `z402` command (`--json` is added) and resolves with its JSON banner, what it wrote to
 * stderr until then, and a stop function.
 */
export function z402Service(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ banner: Record<string, unknown>; stderr: string; stop(): Promise<number> }> {
  const child = spawn(process.execPath, [cliBundle(), ...args, "--json"], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${err}`)), 60_000);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      try {
        const banner = JSON.parse(out);
        clearTimeout(timer);
        resolve({
          banner,
          stderr: err,
          stop: () =>
            new Promise((done) => {
              child.removeAllListeners("exit");
              child.once("exit", (code) => done(code ?? 1));
              child.kill("SIGINT");
            }),
        });
      } catch {
        // not complete yet
      }
    });
  });
}
