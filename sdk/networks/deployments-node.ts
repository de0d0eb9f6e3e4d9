/** Node-only: reads and writes `deployments/<chainId>.json`. Not part of the browser entry. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import { mergeDeployments, parseDeployments, sameChainInstance, type Deployments } from "./deployments";

/** Loads and validates `<dir>/<chainId>.json` (`dir` defaults to `./deployments` under the working directory). */
export async function loadDeployments(
  chainId: number,
  dir = join(process.cwd(), "deployments"),
): Promise<Deployments> {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new ConfigError(Z402_REASONS.unknownChain, "chain id must be a positive integer", {
      details: { chainId },
    });
  }
  const file = join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "no deployments file for this chain", {
      cause,
      details: { file },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "deployments file is not JSON", {
      cause,
      details: { file },
    });
  }
  return parseDeployments(json, chainId);
}

/** What `writeDeployments` needs of the chain to tell whether a record without a genesis hash belongs to it. */
export interface CodeReader {
  getCode(address: string): Promise<string>;
}

export interface WriteDeploymentsOptions {
  /**
   * When the file describes another instance of the chain (another genesis, or none of its contracts has code):
   * `"refuse"` (the default) throws and leaves the file alone; `"replace"` writes `record` alone, for writers that
   * know the chain is new (the local chain 31337: every node run is a new instance).
   */
  otherInstance?: "refuse" | "replace";
  /** Reads code on the chain being recorded; without it a record lacking a genesis hash counts as this chain's. */
  chain?: CodeReader;
}

export interface WriteDeploymentsResult<T> {
  file: string;
  /** What was written: `record` merged into the file's previous content. */
  record: T;
  /** The file described another instance of the chain and was replaced. */
  replaced: boolean;
}

/** Whether the record in `previous` describes the chain `next` was read from. */
async function belongsToChain(
  previous: Deployments,
  next: { genesisHash?: unknown },
  chain: CodeReader | undefined,
): Promise<boolean> {
  const same = sameChainInstance(previous, next);
  if (same !== undefined) return same;
  const addresses = Object.values(previous.contracts).map((c) => c.address);
  if (chain === undefined || addresses.length === 0) return true;
  for (const address of addresses) if ((await chain.getCode(address)) !== "0x") return true;
  return false;
}

/** The JSON in `file` when it is a record of chain `chainId`; a `ConfigError` saying what to do otherwise. */
function readPrevious(file: string, chainId: number): { json: Deployments; parsed: Deployments } {
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as Deployments;
    return { json, parsed: parseDeployments(json, chainId) };
  } catch (cause) {
    throw new ConfigError(
      Z402_REASONS.deploymentsInvalid,
      `${file} is not a deployments record of chain ${chainId}: move it away to write a new one`,
      { cause, details: { file } },
    );
  }
}

/**
 * Whether `file` holds a record of another instance of the chain `identity` describes (another genesis hash, or,
 * for a record without one, none of its contracts has code on `chain`). `false` when there is no file; a
 * `ConfigError` when the file is not a record of that chain id.
 */
export async function isForeignDeploymentsFile(
  file: string,
  identity: { chainId: number; genesisHash?: unknown },
  chain?: CodeReader,
): Promise<boolean> {
  if (!existsSync(file)) return false;
  return !(await belongsToChain(readPrevious(file, identity.chainId).parsed, identity, chain));
}

/**
 * Writes `record` to `file`, merged into the record already there (see `mergeDeployments`): fields and contracts
 * this writer does not know are kept. A file for another instance of the chain is replaced only with
 * `otherInstance: "replace"`; otherwise a `ConfigError` says so and nothing is written. An unreadable file is never
 * overwritten either.
 */
export async function writeDeploymentsFile<T extends { chainId: number; contracts: Record<string, unknown> }>(
  file: string,
  record: T,
  options: WriteDeploymentsOptions = {},
): Promise<WriteDeploymentsResult<T>> {
  let next = record;
  let replaced = false;
  if (existsSync(file)) {
    const previous = readPrevious(file, record.chainId);
    if (await belongsToChain(previous.parsed, record as { genesisHash?: unknown }, options.chain)) {
      next = mergeDeployments(previous.json, record);
    } else if (options.otherInstance === "replace") {
      replaced = true;
    } else {
      throw new ConfigError(
        Z402_REASONS.deploymentsInvalid,
        `${file} describes another instance of chain ${record.chainId}: move it away, or write to another folder (Z402_DEPLOYMENTS_DIR or --out-dir)`,
        { details: { file } },
      );
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(next, null, 2) + "\n");
  renameSync(temporary, file);
  return { file, record: next, replaced };
}

/** `writeDeploymentsFile` for `<dir>/<chainId>.json`. */
export function writeDeployments<T extends { chainId: number; contracts: Record<string, unknown> }>(
  dir: string,
  record: T,
  options: WriteDeploymentsOptions = {},
): Promise<WriteDeploymentsResult<T>> {
  return writeDeploymentsFile(join(dir, `${record.chainId}.json`), record, options);
}
