/**
 * The client's session key (the channel's payerAuthorizer), kept in a local file so later `z402 pay` runs reuse
 * the same channel. The file is created with mode 0600; it never holds the wallet key itself.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { CliError } from "./errors";

interface SessionFile {
  /** Session keys by `<chainId>:<payer address>`. */
  sessions: Record<string, string>;
}

/** The session key for this payer on this chain, created on first use. */
export function sessionKeyFor(file: string, chainId: number, payer: string): Wallet {
  let data: SessionFile = { sessions: {} };
  if (existsSync(file)) {
    try {
      data = JSON.parse(readFileSync(file, "utf8")) as SessionFile;
    } catch {
      throw new CliError(`The client state file ${file} is not valid JSON: move it away and retry`);
    }
  }
  const slot = `${chainId}:${payer.toLowerCase()}`;
  const existing = data.sessions?.[slot];
  if (existing) return new Wallet(existing);
  const fresh = Wallet.createRandom();
  data.sessions = { ...data.sessions, [slot]: fresh.privateKey };
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  return new Wallet(fresh.privateKey);
}
