/**
 * Deployed addresses per chain: the format of `deployments/<chainId>.json`, parsed from already-loaded JSON
 * (browser safe; `deployments-node.ts` reads the file in Node).
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
}

export interface Deployments {
  chainId: number;
  contracts: Record<string, DeployedContract>;
  [extra: string]: unknown;
}

const DeployedContractSchema = z.looseObject({
  address: addressSchema,
  blockNumber: z.number().int().min(0).optional(),
  transactionHash: bytes32Schema.optional(),
});

export const DeploymentsSchema = z.looseObject({
  chainId: z.number().int().positive(),
  contracts: z.record(z.string().min(1).max(128), DeployedContractSchema),
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
