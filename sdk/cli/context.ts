/**
 * Resolves the global flags (`--network`, `--rpc`, `--key`, `--json`) into a provider, an optional signer and
 * the deployed addresses, with one-sentence errors for each thing that can be wrong.
 */
import { FetchRequest, JsonRpcProvider, Network, Wallet } from "ethers";
import { UsageError } from "./errors";
import { parsePrivateKey, parseUrl } from "./parse";
import { loadDeployment, type Deployment } from "./deployment";
import { BASE, BASE_SEPOLIA, CHAIN_PRESETS, LOCAL } from "../networks/presets";

export interface GlobalOptions {
  network?: string;
  rpc?: string;
  key?: string;
  json?: boolean;
  deployment?: string;
}

export interface NetworkChoice {
  name: string;
  chainId: number;
  rpcUrl?: string;
}

/** The networks the CLI knows (the SDK's chain presets), by short name; RPC URLs from the environment. */
const NETWORKS: Record<string, NetworkChoice> = {
  local: { name: "local", chainId: LOCAL.chainId, rpcUrl: "http://127.0.0.1:8545" },
  "base-sepolia": {
    name: "base-sepolia",
    chainId: BASE_SEPOLIA.chainId,
    rpcUrl: process.env.BASE_SEPOLIA_RPC_URL,
  },
  base: { name: "base", chainId: BASE.chainId, rpcUrl: process.env.BASE_RPC_URL },
};
const ALIASES: Record<string, string> = {
  localhost: "local",
  hardhat: "local",
  baseSepolia: "base-sepolia",
  ...Object.fromEntries(CHAIN_PRESETS.map((p) => [p.network, p.v1Name ?? "local"])),
};

export const NETWORK_NAMES = Object.keys(NETWORKS);

/**
 * Maps `--network` (a name, an alias or a CAIP-2 id) to a network. A CAIP-2 id of a chain the CLI has no preset
 * for (`eip155:1`) is accepted too: it has no default RPC URL, so `--rpc` names one.
 */
export function resolveNetwork(name: string | undefined): NetworkChoice {
  const key = ALIASES[name ?? "local"] ?? name ?? "local";
  const found = NETWORKS[key];
  if (found) return found;
  const caip2 = /^eip155:([1-9]\d{0,15})$/.exec(key);
  if (caip2) {
    const chainId = Number(caip2[1]);
    return Object.values(NETWORKS).find((n) => n.chainId === chainId) ?? { name: key, chainId };
  }
  throw new UsageError(
    `Unknown network "${name}": use one of ${NETWORK_NAMES.join(", ")}, or a CAIP-2 id such as eip155:8453`,
  );
}

/** The chain id an x402 offer's `network` names (a CAIP-2 id, or a v1 name such as `base-sepolia`). */
export function chainIdOfNetwork(network: string): number | undefined {
  try {
    return resolveNetwork(network).chainId;
  } catch {
    return undefined;
  }
}

/** Everything a command needs to talk to the chain. */
export interface Context {
  options: GlobalOptions;
  network: NetworkChoice;
  rpcUrl: string;
  provider: JsonRpcProvider;
}

/** Opens a provider for the chosen network. No request is sent until a command uses it. */
export function openContext(options: GlobalOptions): Context {
  const network = resolveNetwork(options.network);
  const rpcUrl = options.rpc ?? network.rpcUrl;
  if (!rpcUrl) {
    throw new UsageError(
      `No RPC URL for ${network.name}: pass --rpc or set the network's *_RPC_URL variable`,
    );
  }
  parseUrl(rpcUrl, "RPC URL");
  const req = new FetchRequest(rpcUrl);
  req.timeout = 15_000;
  const provider = new JsonRpcProvider(req, Network.from(network.chainId), {
    staticNetwork: true,
    batchMaxCount: 1,
    // No 250 ms answer cache: a command that sends transactions back to back (claim then refund, one settle per
    // receiver) must read each new nonce, not the one cached from the transaction before.
    cacheTimeout: -1,
  });
  return { options, network, rpcUrl, provider };
}

/** The signing key from `--key`, `Z402_PRIVATE_KEY` or `DEPLOYER_PRIVATE_KEY`, in that order. */
export function signerOf(ctx: Context): Wallet {
  const sources: Array<[string | undefined, string]> = [
    [ctx.options.key, "--key"],
    [process.env.Z402_PRIVATE_KEY, "Z402_PRIVATE_KEY"],
    [process.env.DEPLOYER_PRIVATE_KEY, "DEPLOYER_PRIVATE_KEY"],
  ];
  const found = sources.find(([value]) => value !== undefined && value !== "");
  if (!found) throw new UsageError("No private key: pass --key or set Z402_PRIVATE_KEY");
  return new Wallet(parsePrivateKey(found[0]!, found[1]), ctx.provider);
}

/** The deployed addresses for the context's chain. */
export function deploymentOf(ctx: Context): Deployment {
  return loadDeployment(ctx.network.chainId, ctx.options.deployment);
}
