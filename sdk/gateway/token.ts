/** The payment token of a gateway: its address and EIP-712 domain (never hard-coded: preset, config or chain). */
import { Contract, type Provider } from "ethers";
import { findChainPreset } from "../networks/presets";

export interface GatewayToken {
  address: string;
  name: string;
  version: string;
}

const DOMAIN_ABI = [
  "function eip712Domain() view returns (bytes1, string, string, uint256, address, bytes32, uint256[])",
  "function name() view returns (string)",
  "function version() view returns (string)",
];

/** The chain id of a config's network: `local`, `base-sepolia`, `base` or `eip155:<id>`. */
export function chainIdOfNetwork(network: string): number {
  const names: Record<string, number> = { local: 31337, localhost: 31337, hardhat: 31337, "base-sepolia": 84532, base: 8453 }; // prettier-ignore
  const caip2 = /^eip155:(\d+)$/.exec(network);
  return caip2 ? Number(caip2[1]) : names[network];
}

/**
 * Completes the token: its address from the config, else the chain preset's USDC, else `fallback` (the deployment's
 * token); its name and version from the config, else the preset (same address), else the token's EIP-5267
 * `eip712Domain()`, else its `name()` and `version()`.
 */
export async function resolveToken(
  chainId: number,
  provider: Provider,
  configured?: { address: string; name?: string; version?: string },
  fallback?: string,
): Promise<GatewayToken> {
  const preset = findChainPreset(chainId)?.usdc;
  const address = configured?.address ?? preset?.address ?? fallback;
  if (!address) {
    throw new Error(`no token for chain ${chainId}: set token in the config (or deploy a local USDC)`);
  }
  const samePreset = preset && preset.address.toLowerCase() === address.toLowerCase() ? preset : undefined;
  let name = configured?.name ?? samePreset?.name;
  let version = configured?.version ?? samePreset?.version;
  if (name === undefined || version === undefined) {
    const token = new Contract(address, DOMAIN_ABI, provider);
    try {
      const domain = (await token.eip712Domain()) as [string, string, string];
      name ??= domain[1];
      version ??= domain[2];
    } catch {
      try {
        name ??= (await token.name()) as string;
        version ??= (await token.version()) as string;
      } catch (err) {
        throw new Error(
          `cannot read the EIP-712 domain of token ${address}: set token.name and token.version in the config`,
          { cause: err },
        );
      }
    }
  }
  return { address, name: name!, version: version! };
}
