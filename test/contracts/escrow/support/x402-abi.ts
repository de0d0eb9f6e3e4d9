import { readFileSync } from "node:fs";
import type { InterfaceAbi, TypedDataField } from "ethers";

/**
 * The `batchSettlementABI` that @x402/evm's batch-settlement client and facilitator call. The package does not
 * export it, so this reads the `src/batch-settlement/abi.ts` section of its CommonJS bundle and evaluates it.
 */
export function loadX402BatchSettlementAbi(): InterfaceAbi {
  const bundle = readFileSync(require.resolve("@x402/evm"), "utf8");
  const start = bundle.indexOf("// src/batch-settlement/abi.ts");
  if (start < 0) throw new Error("@x402/evm bundle has no batch-settlement ABI section");
  const next = bundle.indexOf("\n// src/", start + 10);
  const section = bundle.slice(start, next < 0 ? undefined : next);
  return new Function(`${section}\nreturn batchSettlementABI;`)() as InterfaceAbi;
}

/** The channel config shape of @x402/evm (viem types). */
export interface X402ChannelConfig {
  payer: `0x${string}`;
  payerAuthorizer: `0x${string}`;
  receiver: `0x${string}`;
  receiverAuthorizer: `0x${string}`;
  token: `0x${string}`;
  withdrawDelay: number;
  salt: `0x${string}`;
}

/**
 * @x402/evm's own `computeChannelId`. Its `batch-settlement/client` subpath is declared through package `exports`,
 * which this project's `moduleResolution: node` cannot type, so it is required with a local signature.
 */
export function x402ComputeChannelId(config: X402ChannelConfig, chainId: number): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require("@x402/evm/batch-settlement/client") as {
    computeChannelId: (config: X402ChannelConfig, chainId: number) => string;
  };
  return client.computeChannelId(config, chainId);
}

/** viem's readonly typed-data definitions as the mutable record ethers expects. */
export function ethersTypes(types: object): Record<string, TypedDataField[]> {
  return JSON.parse(JSON.stringify(types)) as Record<string, TypedDataField[]>;
}

/** The slice of @x402/evm's batch-settlement client scheme these tests drive. */
export interface X402BatchClient {
  createPaymentPayload(
    x402Version: number,
    requirements: Record<string, unknown>,
  ): Promise<{ x402Version: number; payload: Record<string, unknown> }>;
}

/** @x402/evm's `BatchSettlementEvmScheme` client for a viem-style signer (see `x402ComputeChannelId`). */
export function x402BatchClient(signer: {
  address: string;
  signTypedData: (args: never) => Promise<string>;
}): X402BatchClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require("@x402/evm/batch-settlement/client") as {
    BatchSettlementEvmScheme: new (signer: unknown) => X402BatchClient;
  };
  return new client.BatchSettlementEvmScheme(signer);
}
