/**
 * `z402 receipts`: lists the signed receipts (x402 offer-receipt) that `z402 pay` kept and verifies each one again
 * (signature, signing key, payer). `z402 pay` appends every receipt a paid answer carries to
 * `$XDG_CONFIG_HOME/z402/receipts.jsonl` (else `~/.config/z402/receipts.jsonl`), one JSON object a line, in a 0700
 * folder and a 0600 file. Exits 1 when a receipt does not verify.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { SignedReceipt } from "@x402/extensions/offer-receipt";
import { verifyReceipt, type Z402ReceiptPayload } from "../../verify/offer-receipt";
import type { Action } from "../action";
import { CliError } from "../errors";
import { emit, table } from "../output";
import { formatToken } from "../parse";
import { defaultSessionFile } from "../session-key";

/** One line of the receipts file. */
export interface KeptReceipt {
  /** The URL that was paid. */
  url: string;
  /** When the client got it (ISO time). */
  savedAt: string;
  receipt: SignedReceipt;
}

/** The default receipts file, next to the session keys: `$XDG_CONFIG_HOME/z402/receipts.jsonl`, else `~/.config`. */
export function defaultReceiptsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(defaultSessionFile(env)), "receipts.jsonl");
}

/** Appends one receipt to `file` (folder 0700, file 0600). */
export function keepReceipt(file: string, url: string, receipt: SignedReceipt): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const line: KeptReceipt = { url, savedAt: new Date().toISOString(), receipt };
  appendFileSync(file, JSON.stringify(line) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
}

interface Checked {
  url: string;
  savedAt: string;
  valid: boolean;
  signer?: string;
  payload?: Z402ReceiptPayload;
  error?: string;
}

async function check(line: string, n: number): Promise<Checked> {
  let kept: KeptReceipt;
  try {
    kept = JSON.parse(line) as KeptReceipt;
  } catch {
    return { url: "", savedAt: "", valid: false, error: `line ${n} is not JSON` };
  }
  try {
    const { signer, payload } = await verifyReceipt(kept.receipt);
    return { url: kept.url, savedAt: kept.savedAt, valid: true, signer, payload };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { url: kept.url, savedAt: kept.savedAt, valid: false, error };
  }
}

const short = (hex?: string) =>
  hex && hex.length > 16 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : (hex ?? "-");

export const receiptsCommand: Action = async (_args, options, globals) => {
  const file = options.file !== undefined ? String(options.file) : defaultReceiptsFile();
  const lines = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.trim())
    : [];
  const rows = await Promise.all(lines.map((l, i) => check(l, i + 1)));
  emit(globals.json, { file, receipts: rows }, () => {
    if (rows.length === 0) return `No receipts in ${file}.`;
    return table(
      ["issued", "resource", "payer", "charged", "channel", "cumulative", "signer", "verified"],
      rows.map((r) => {
        const z = r.payload?.z402;
        return [
          r.payload ? new Date(r.payload.issuedAt * 1000).toISOString() : r.savedAt || "-",
          r.payload?.resourceUrl ?? r.url,
          short(r.payload?.payer),
          z?.amount ? formatToken(BigInt(z.amount)) : "-",
          short(z?.channelId),
          z?.chargedCumulativeAmount ? formatToken(BigInt(z.chargedCumulativeAmount)) : "-",
          short(r.signer),
          r.valid ? "yes" : `NO (${r.error})`,
        ];
      }),
    );
  });
  const bad = rows.filter((r) => !r.valid).length;
  if (bad > 0) throw new CliError(`Some receipts do not verify: ${bad} of ${rows.length} in ${file}`);
};

type Examples = (cmd: Command, lines: string[]) => Command;
type Run = (load: () => Promise<Action>) => (this: Command, ...params: unknown[]) => Promise<void>;

export function addReceiptsCommand(program: Command, examples: Examples, run: Run): void {
  examples(
    program
      .command("receipts")
      .description(
        "List the signed receipts `z402 pay` kept and verify each (signature and signing key). Exits 1 when one " +
          "does not verify.",
      )
      .option(
        "--file <file>",
        "receipts file (default: $XDG_CONFIG_HOME/z402/receipts.jsonl, else ~/.config)",
      )
      .action(run(async () => receiptsCommand)),
    ["z402 receipts", "z402 receipts --json"],
  );
}
