/** CAIP-2 network ids (x402 v2) and x402 v1 network names, mapped both ways. */
import { ConfigError, DecodeError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";

export type Caip2 = `${string}:${string}`;

/** x402 v1 EVM network names and their chain ids (the names `@x402/evm` maps). */
export const V1_NETWORK_CHAIN_IDS: Readonly<Record<string, number>> = Object.freeze({
  ethereum: 1,
  sepolia: 11155111,
  base: 8453,
  "base-sepolia": 84532,
  abstract: 2741,
  "abstract-testnet": 11124,
  avalanche: 43114,
  "avalanche-fuji": 43113,
  iotex: 4689,
  sei: 1329,
  "sei-testnet": 1328,
  polygon: 137,
  "polygon-amoy": 80002,
  peaq: 3338,
  story: 1514,
  educhain: 41923,
  "skale-base-sepolia": 324705682,
  megaeth: 4326,
  monad: 143,
  stable: 988,
  "stable-testnet": 2201,
  celo: 42220,
  flare: 14,
});

const V1_NAME_BY_CHAIN_ID = new Map<number, string>(
  Object.entries(V1_NETWORK_CHAIN_IDS).map(([n, id]) => [id, n]),
);
const EIP155_RE = /^eip155:(0|[1-9][0-9]{0,15})$/;

/** `eip155:<chainId>` for a chain id. */
export function toCaip2(chainId: number | bigint): Caip2 {
  const id = Number(chainId);
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ConfigError(X402_REASONS.invalidNetwork, "chain id must be a positive safe integer", {
      details: { chainId: String(chainId) },
    });
  }
  return `eip155:${id}`;
}

/** The chain id of an `eip155:<id>` network; throws `DecodeError(invalid_network)` for anything else. */
export function chainIdFromCaip2(network: string): number {
  const m = EIP155_RE.exec(network);
  const id = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new DecodeError(X402_REASONS.invalidNetwork, "not an EVM CAIP-2 network", { details: { network } });
  }
  return id;
}

/** Whether `network` is a v2 EVM network id (`eip155:<positive id>`). */
export function isEvmCaip2(network: string): boolean {
  const m = EIP155_RE.exec(network);
  return m !== null && Number(m[1]) > 0;
}

/** The CAIP-2 id of a v1 network name (`base-sepolia` → `eip155:84532`). */
export function v1NameToCaip2(name: string): Caip2 {
  const id = V1_NETWORK_CHAIN_IDS[name];
  if (id === undefined || !Object.prototype.hasOwnProperty.call(V1_NETWORK_CHAIN_IDS, name)) {
    throw new DecodeError(X402_REASONS.invalidNetwork, "unknown x402 v1 network name", {
      details: { network: name },
    });
  }
  return `eip155:${id}`;
}

/** The v1 name of a CAIP-2 id, or `undefined` when v1 has no name for that chain (e.g. a local chain). */
export function caip2ToV1Name(network: string): string | undefined {
  if (!isEvmCaip2(network)) return undefined;
  return V1_NAME_BY_CHAIN_ID.get(chainIdFromCaip2(network));
}

/** Chain id of a network given in either form (CAIP-2 or v1 name). */
export function chainIdOf(network: string): number {
  return network.includes(":") ? chainIdFromCaip2(network) : chainIdFromCaip2(v1NameToCaip2(network));
}
