/**
 * Deployed addresses per chain: the one format of `deployments/<chainId>.json`, parsed from already-loaded JSON and
 * merged for writing (browser safe; `deployments-node.ts` reads and writes the file in Node). Every writer (the deploy
 * script, `z402 deploy`, `z402 node`) goes through `mergeDeployments`, so a writer never drops what another wrote.
 */
import { z } from "zod";
import { ConfigError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import { addressSchema, bytes32Schema } from "../schemas/primitives";
import { summarizeIssues } from "../schemas/parse";
import type { Address, Hex } from "../utils/address";

export interface DeployedContract {
  address: Address;
  blockNumber?: number;
  transactionHash?: Hex;
  [extra: string]: unknown;
}

/** A record as read: `chainId` and the contracts by name; every other field is kept as written. */
export interface Deployments {
  chainId: number;
  contracts: Record<string, DeployedContract>;
  /** Hash of the chain's block 0: tells two instances of one chain id apart (each local node run is a new one). */
  genesisHash?: Hex;
  [extra: string]: unknown;
}

/**
 * The record `scripts/deploy.ts` (and `z402 deploy` / `z402 node`) writes. Addresses are checksummed; block numbers
 * are plain numbers; every field is derived from the chain, the Ignition journal or the build info, so re-running a
 * finished deployment writes the same file. Other writers may add contracts (`z402 node` adds `usdc`) and fields.
 */
export interface DeploymentRecord {
  /** Format version of this file. */
  schema: 1;
  chainId: number;
  /** CAIP-2 network id, e.g. `eip155:84532`. */
  network: string;
  /** Hash of block 0 of the chain deployed to: a record for another instance of the chain is never merged into. */
  genesisHash: string;
  /** The Ignition deployment id (its journal lives in `ignition/deployments/<deploymentId>/`). */
  deploymentId: string;
  /** The Ignition module that was deployed. */
  module: string;
  /** The first block holding one of these contracts: where log indexers start. */
  startBlock: number;
  /** ISO time of `startBlock`. */
  deployedAt: string;
  /** The repository commit the deployment was made from, and whether the tree had uncommitted changes. */
  git: { commit: string | null; dirty: boolean };
  /** Compiler of every deployed contract (one entry: all contracts share these settings). */
  compiler: CompilerSettings;
  /** Deployed contracts by the module's result names (`escrow`, `identityRegistry`, ...). */
  contracts: Record<string, RecordedContract>;
  /** Calls made by the deployment after the contracts were created (role grants and the like). */
  calls: DeploymentCall[];
}

export interface CompilerSettings {
  solc: string;
  optimizer: { enabled: boolean; runs: number };
  evmVersion: string;
  viaIR: boolean;
}

export interface RecordedContract {
  contractName: string;
  sourceName: string;
  address: string;
  /** The Ignition future that created it. */
  futureId: string;
  transactionHash: string;
  blockNumber: number;
  /** Set when another future's deployment created this contract (e.g. the factory's AgentAccount implementation). */
  createdBy?: string;
}

export interface DeploymentCall {
  futureId: string;
  transactionHash: string;
  blockNumber: number;
}

const DeployedContractSchema = z.looseObject({
  address: addressSchema,
  blockNumber: z.number().int().min(0).optional(),
  transactionHash: bytes32Schema.optional(),
});

/**
 * Both shapes a record has had: contracts as objects (`{"escrow": {"address": "0x…", …}}`, the deploy script's) or
 * as bare addresses (`{"escrow": "0x…"}`, early `z402 node` files). Bare addresses are read as `{address}`.
 */
export const DeploymentsSchema = z.looseObject({
  chainId: z.number().int().positive(),
  genesisHash: bytes32Schema.optional(),
  contracts: z.record(
    z.string().min(1).max(128),
    z.union([addressSchema.transform((address) => ({ address })), DeployedContractSchema]),
  ),
});

/**
 * Validates a parsed deployments JSON object. `expectedChainId`, when given, must match the file's `chainId`.
 * Throws `ConfigError(z402_deployments_invalid)`.
 */
export function parseDeployments(json: unknown, expectedChainId?: number): Deployments {
  const result = DeploymentsSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "deployments JSON does not match its schema", {
      details: { issues: summarizeIssues(result.error) },
    });
  }
  if (expectedChainId !== undefined && result.data.chainId !== expectedChainId) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "deployments file is for another chain", {
      details: { expected: expectedChainId, actual: result.data.chainId },
    });
  }
  return result.data as Deployments;
}

/** The address of a named contract; throws `ConfigError(z402_deployments_invalid)` when it is not deployed. */
export function contractAddress(deployments: Deployments, name: string): Address {
  const entry = Object.prototype.hasOwnProperty.call(deployments.contracts, name)
    ? deployments.contracts[name]
    : undefined;
  if (!entry) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "contract not in deployments", {
      details: { chainId: deployments.chainId, name },
    });
  }
  return entry.address;
}

/**
 * Whether `previous` describes the same chain instance as `next`: `true` or `false` when both carry a genesis hash,
 * `undefined` when one does not (the caller then looks at the chain).
 */
export function sameChainInstance(
  previous: { genesisHash?: unknown },
  next: { genesisHash?: unknown },
): boolean | undefined {
  if (typeof previous.genesisHash !== "string" || typeof next.genesisHash !== "string") return undefined;
  return previous.genesisHash.toLowerCase() === next.genesisHash.toLowerCase();
}

type RecordLike = { chainId: number; contracts: Record<string, unknown>; [field: string]: unknown };

/**
 * Merges what a writer knows (`next`) into the record already written for the same chain instance (`previous`):
 * top-level fields and contracts of `next` replace those of the same name, every other field and contract of
 * `previous` is kept, and bare-address contracts become `{address}`. The `git` provenance of `previous` is kept when
 * nothing else changed, so a re-run that deployed nothing rewrites the same bytes.
 */
export function mergeDeployments<T extends RecordLike>(previous: RecordLike, next: T): T {
  if (previous.chainId !== next.chainId) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "cannot merge records of two chains", {
      details: { previous: previous.chainId, next: next.chainId },
    });
  }
  const contracts: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(previous.contracts))
    contracts[name] = typeof c === "string" ? { address: c } : c;
  Object.assign(contracts, next.contracts);
  const merged = { ...previous, ...next, contracts } as T;
  if ("git" in previous && "git" in next) {
    const withoutGit = (r: object) => JSON.stringify({ ...r, git: null });
    if (withoutGit(previous) === withoutGit(merged)) (merged as RecordLike).git = previous.git;
  }
  return merged;
}
