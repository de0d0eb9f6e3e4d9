/**
 * The client's session keys (each channel's payerAuthorizer), kept so later `z402 pay` runs reuse the same channel.
 * They live in the user's configuration folder (`$XDG_CONFIG_HOME/z402/client.json`, else `~/.config/z402/client.json`),
 * never in the working tree, in a 0700 folder and a 0600 file; `--store <file>` names another file explicitly. The
 * file never holds the wallet key itself. Keys found in the old per-folder `./.z402/client.json` are copied over,
 * with a warning that says to delete that file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { CliError } from "./errors";

interface SessionFile {
  /** Session keys by `<chainId>:<payer address>`. */
  sessions: Record<string, string>;
}

/** Where earlier versions kept the keys: a folder in the current working directory. */
export const LEGACY_SESSION_FILE = path.join(".z402", "client.json");

/** The default session-key file: `$XDG_CONFIG_HOME/z402/client.json`, else `~/.config/z402/client.json`. */
export function defaultSessionFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  // The XDG spec ignores a relative XDG_CONFIG_HOME.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".config");
  return path.join(base, "z402", "client.json");
}

function read(file: string): SessionFile {
  if (!existsSync(file)) return { sessions: {} };
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as Partial<SessionFile>;
    return { sessions: { ...(data.sessions ?? {}) } };
  } catch {
    throw new CliError(`The client state file ${file} is not valid JSON: move it away and retry`);
  }
}

function write(file: string, data: SessionFile): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // `mode` applies only when the file is created
}

export interface SessionKeyOptions {
  /** The old per-folder file to migrate from (only when the default file is in use). */
  legacy?: string;
  /** Receives warnings (default: stderr). */
  warn?: (line: string) => void;
}

/** The session key for this payer on this chain, created on first use. */
export function sessionKeyFor(
  file: string,
  chainId: number,
  payer: string,
  options: SessionKeyOptions = {},
): Wallet {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const data = read(file);
  let changed = false;
  const legacy = options.legacy && path.resolve(options.legacy);
  if (legacy && legacy !== path.resolve(file) && existsSync(legacy)) {
    const old = read(legacy);
    for (const [slot, key] of Object.entries(old.sessions)) {
      if (data.sessions[slot] === undefined) {
        data.sessions[slot] = key;
        changed = true;
      }
    }
    warn(
      `z402: warning: ${options.legacy} keeps session keys inside the working tree; they are now in ${file}: delete ${options.legacy}`,
    );
  }
  const slot = `${chainId}:${payer.toLowerCase()}`;
  if (data.sessions[slot] === undefined) {
    data.sessions[slot] = Wallet.createRandom().privateKey;
    changed = true;
  }
  if (changed) write(file, data);
  else if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return new Wallet(data.sessions[slot]);
}
