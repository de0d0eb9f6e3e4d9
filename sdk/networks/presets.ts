/** Chain presets: the USDC token of each chain and its EIP-712 domain (never hard-code the domain name). */
import type { Address } from "../utils/address";
import { ConfigError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import type { Caip2 } from "./caip";

export interface TokenPreset {
  address: Address;
  /** EIP-712 domain name of the token (differs between Base Sepolia and Base). */
  name: string;
  /** EIP-712 domain version. */
  version: string;
  decimals: number;
  symbol: string;
}

export interface ChainPreset {
  chainId: number;
  network: Caip2;
  /** x402 v1 name, when v1 has one. */
  v1Name?: string;
  label: string;
  /** USDC (absent on local chains, whose token comes from the deployments file). */
  usdc?: TokenPreset;
  testnet: boolean;
}

export const BASE_SEPOLIA: ChainPreset = Object.freeze({
  chainId: 84532,
  network: "eip155:84532",
  v1Name: "base-sepolia",
  label: "Base Sepolia",
  usdc: Object.freeze({
    address: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    name: "USDC",
    version: "2",
    decimals: 6,
    symbol: "USDC",
  }),
  testnet: true,
});

export const BASE: ChainPreset = Object.freeze({
  chainId: 8453,
  network: "eip155:8453",
  v1Name: "base",
  label: "Base",
  usdc: Object.freeze({
    address: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    name: "USD Coin",
    version: "2",
    decimals: 6,
    symbol: "USDC",
  }),
  testnet: false,
});

export const LOCAL: ChainPreset = Object.freeze({
  chainId: 31337,
  network: "eip155:31337",
  label: "Local (Hardhat)",
  testnet: true,
});

export const CHAIN_PRESETS: readonly ChainPreset[] = Object.freeze([BASE_SEPOLIA, BASE, LOCAL]);

/** The preset for a chain id, or `undefined`. */
export function findChainPreset(chainId: number): ChainPreset | undefined {
  return CHAIN_PRESETS.find((p) => p.chainId === chainId);
}

/** The preset for a chain id; throws `ConfigError(z402_unknown_chain)` when there is none. */
export function getChainPreset(chainId: number): ChainPreset {
  const preset = findChainPreset(chainId);
  if (!preset)
    throw new ConfigError(Z402_REASONS.unknownChain, "no preset for this chain", { details: { chainId } });
  return preset;
}
