/**
 * Reads `deployments/<chainId>.json` (written by the deploy script, `z402 deploy` and `z402 node` in the one format
 * of `sdk/networks/deployments.ts`, contracts as objects or bare addresses) and picks out the addresses the CLI
 * uses. Contract names are matched loosely so the record can name them by Ignition future id (`System#Z402Escrow`)
 * or by contract name.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDeployments } from "../networks/deployments";
import { CliError } from "./errors";

export interface Deployment {
  chainId: number;
  file: string;
  /** Every address in the record, by name. */
  contracts: Record<string, string>;
  /** First block holding one of the contracts (where log scans start), when the record says. */
  startBlock?: number;
  escrow?: string;
  collector?: string;
  identity?: string;
  reputation?: string;
  validation?: string;
  factory?: string;
  token?: string;
}

function flatten(record: unknown, chainId: number, where: string): Record<string, string> {
  let parsed;
  try {
    parsed = parseDeployments(record, chainId);
  } catch (err) {
    const short =
      (err as { shortMessage?: string }).shortMessage ?? "it does not match the deployments format";
    throw new CliError(`The deployment record ${where} is unusable: ${short}`, 1, { cause: err });
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.contracts)) out[name.split("#").pop()!] = value.address;
  return out;
}

function pick(contracts: Record<string, string>, ...patterns: RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const hit = Object.keys(contracts).find((name) => pattern.test(name));
    if (hit) return contracts[hit];
  }
  return undefined;
}

/** Builds a Deployment from a name → address map. */
export function deploymentFrom(chainId: number, file: string, contracts: Record<string, string>): Deployment {
  return {
    chainId,
    file,
    contracts,
    escrow: pick(contracts, /^Z402Escrow$/i, /escrow/i),
    collector: pick(contracts, /collector/i),
    identity: pick(contracts, /^IdentityRegistry$/i, /identity/i),
    reputation: pick(contracts, /^ReputationRegistry$/i, /reputation/i),
    validation: pick(contracts, /validation/i),
    factory: pick(contracts, /^AgentFactory$/i, /factory/i),
    token: pick(contracts, /usdc/i, /token/i),
  };
}

/** Loads the record for a chain from `file`, or from `deployments/<chainId>.json` in the working directory. */
export function loadDeployment(chainId: number, file?: string): Deployment {
  const where = file ?? path.resolve("deployments", `${chainId}.json`);
  if (!existsSync(where)) {
    throw new CliError(
      `No deployment record for chain ${chainId} at ${where}: run \`z402 node\` or \`z402 deploy\` first, or pass --deployment`,
    );
  }
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(where, "utf8"));
  } catch {
    throw new CliError(`The deployment record ${where} is not valid JSON`);
  }
  const deployment = deploymentFrom(chainId, where, flatten(record, chainId, where));
  const startBlock = (record as { startBlock?: unknown }).startBlock;
  return typeof startBlock === "number" ? { ...deployment, startBlock } : deployment;
}

/** The address of one contract, or a sentence saying it is not deployed. */
export function need(
  deployment: Deployment,
  key: Exclude<keyof Deployment, "chainId" | "file" | "contracts" | "startBlock">,
): string {
  const address = deployment[key];
  if (!address) throw new CliError(`The deployment record ${deployment.file} has no ${key} contract`);
  return address as string;
}
