/**
 * Resolves the global flags (`--network`, `--rpc`, `--key`, `--json`) into a provider, an optional signer and
 * the deployed addresses, with one-sentence errors for each thing that can be wrong.
 */
import { FetchRequest, JsonRpcProvider, Network, Wallet } from "ethers";
import { UsageError } from "./errors";
import { parsePrivateKey, parseUrl } from "./parse";
import { loadDeployment, type Deployment } from "./deployment";

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

/** Networks the CLI knows by name; any other chain is reached with `--rpc` (its chain id is read from it). */
const NETWORKS: Record<string, NetworkChoice> = {
  local: { name: "local", chainId: 31337, rpcUrl: "http://127.0.0.1:8545" },
  "base-sepolia": { name: "base-sepolia", chainId: 84532, rpcUrl: process.env.BASE_SEPOLIA_RPC_URL },
  base: { name: "base", chainId: 8453, rpcUrl: process.env.BASE_RPC_URL },
};
const ALIASES: Record<string, string> = {
  localhost: "local",
  hardhat: "local",
  "eip155:31337": "local",
  baseSepolia: "base-sepolia",
  "eip155:84532": "base-sepolia",
  "eip155:8453": "base",
};

export const NETWORK_NAMES = Object.keys(NETWORKS);

/** Maps `--network` (a name, an alias or a CAIP-2 id) to a known network. */
export function resolveNetwork(name: string | undefined): NetworkChoice {
  const key = ALIASES[name ?? "local"] ?? name ?? "local";
  const found = NETWORKS[key];
  if (!found) throw new UsageError(`Unknown network "${name}": use one of ${NETWORK_NAMES.join(", ")}`);
  return found;
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
