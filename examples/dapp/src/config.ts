/**
 * What the page needs to know about the chain and the demo seller. `z402 node` (and the browser test) write it
 * as `config.json` next to the page; the Vite dev server serves it from the repository's deployments folder.
 */
export interface DappConfig {
  rpcUrl: string;
  chainId: number;
  contracts: {
    escrow: string;
    depositCollector: string;
    usdc: string;
    identityRegistry: string;
    reputationRegistry: string;
    agentFactory: string;
  };
  /** The demo seller's paid HTTP endpoint. */
  sellerUrl?: string;
  /** A funded local development key, used only when no injected wallet is present. */
  devPrivateKey?: string;
}

const REQUIRED_CONTRACTS = [
  "escrow",
  "depositCollector",
  "usdc",
  "identityRegistry",
  "reputationRegistry",
  "agentFactory",
] as const;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Loads and checks `config.json`; a missing or partial file gets one clear sentence. */
export async function loadConfig(url = "config.json"): Promise<DappConfig> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store" });
  } catch {
    throw new ConfigError("Cannot load config.json: start the local chain with `npx z402 node`.");
  }
  if (!res.ok)
    throw new ConfigError("No config.json next to the page: start the local chain with `npx z402 node`.");
  const config = (await res.json()) as Partial<DappConfig>;
  if (typeof config.rpcUrl !== "string" || typeof config.chainId !== "number")
    throw new ConfigError("config.json lacks rpcUrl or chainId.");
  for (const name of REQUIRED_CONTRACTS) {
    if (typeof config.contracts?.[name] !== "string")
      throw new ConfigError(`config.json lacks the ${name} address: redeploy with \`npx z402 node\`.`);
  }
  return config as DappConfig;
}
