/**
 * The page's wallet: an injected EIP-1193 wallet when the browser has one, otherwise the local development key
 * from config.json. Either way the page gets an ethers signer on the configured chain, or a clear reason why not.
 */
import { BrowserProvider, JsonRpcProvider, Wallet, type Provider, type Signer } from "ethers";
import type { DappConfig } from "./config";

export class WalletError extends Error {
  override name = "WalletError";
}

export interface Connection {
  provider: Provider;
  signer: Signer;
  address: string;
  kind: "injected" | "local key";
}

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export async function connect(config: DappConfig): Promise<Connection> {
  const injected = (globalThis as { ethereum?: Eip1193 }).ethereum;
  if (injected) {
    const provider = new BrowserProvider(injected);
    await checkChain(provider, config);
    const signer = await provider.getSigner();
    return { provider, signer, address: await signer.getAddress(), kind: "injected" };
  }
  if (!config.devPrivateKey)
    throw new WalletError("No wallet found: install one, or run the page from `z402 node`.");
  const provider = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  await checkChain(provider, config);
  const signer = new Wallet(config.devPrivateKey, provider);
  return { provider, signer, address: signer.address, kind: "local key" };
}

async function checkChain(provider: Provider, config: DappConfig): Promise<void> {
  let chainId: bigint;
  try {
    chainId = (await provider.getNetwork()).chainId;
  } catch {
    throw new WalletError(`No chain answers at ${config.rpcUrl}: start it with \`npx z402 node\`.`);
  }
  if (chainId !== BigInt(config.chainId))
    throw new WalletError(
      `Wrong network: the wallet is on chain ${chainId}, the page needs chain ${config.chainId}.`,
    );
}
