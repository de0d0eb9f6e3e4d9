import http from "node:http";
import type { AddressInfo } from "node:net";
import hre from "hardhat";
import { createProvider } from "hardhat/internal/core/providers/construction";
import type { EthereumProvider } from "hardhat/types";
import { ethers } from "ethers";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http as viemHttp,
  publicActions,
  type Chain,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

/**
 * The interop chain: a second in-process Hardhat network with Base Sepolia's chain id (84532), served over
 * loopback JSON-RPC. Base Sepolia's id lets the stock x402 packages use their own presets unchanged (the v1 name
 * `base-sepolia`, the default USDC asset of `eip155:84532`), so no test has to configure them around us.
 */
export const CHAIN_ID = 84532;
export const NETWORK = "eip155:84532" as const;
export const V1_NETWORK = "base-sepolia" as const;

export interface InteropChain {
  provider: EthereumProvider;
  rpcUrl: string;
  chain: Chain;
  /** An ethers provider over the loopback RPC (what our SDK is given). */
  ethersProvider: ethers.JsonRpcProvider;
  /** Creates a funded EOA with a fresh random key. */
  newAccount(): Promise<ethers.Wallet>;
  close(): Promise<void>;
}

async function serveRpc(provider: EthereumProvider): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void answer(provider, Buffer.concat(chunks).toString("utf8")).then((out) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(out));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

interface RpcCall {
  id: unknown;
  method: string;
  params?: unknown[];
}

async function answer(provider: EthereumProvider, body: string): Promise<unknown> {
  const parsed = JSON.parse(body) as RpcCall | RpcCall[];
  const one = async (call: RpcCall) => {
    try {
      const result = await provider.request({ method: call.method, params: call.params ?? [] });
      return { jsonrpc: "2.0", id: call.id, result };
    } catch (e) {
      const err = e as { code?: number; message?: string; data?: unknown };
      return {
        jsonrpc: "2.0",
        id: call.id,
        error: { code: err.code ?? -32000, message: err.message, data: err.data },
      };
    }
  };
  return Array.isArray(parsed) ? Promise.all(parsed.map(one)) : one(parsed);
}

/**
 * Starts the interop chain (chain id 84532, automining, cancun) and its loopback RPC endpoint. Its clock keeps to
 * the wall clock, which the facilitators (stock and z402) check EIP-3009 validity windows against while clients
 * sign them from chain time (and the stock clients from the wall clock):
 * - it starts now: Hardhat fixes the network's `initialDate` once, when it loads the config, so a chain made from
 *   that config minutes into a test run would start, and stay, minutes behind the wall clock;
 * - blocks mined within one second may share a timestamp: otherwise each one pushes the chain's clock a second
 *   ahead for good (a file that mines 40 blocks quickly ends 40 s ahead).
 */
export async function startChain(): Promise<InteropChain> {
  const hardhat = {
    ...hre.config.networks.hardhat,
    chainId: CHAIN_ID,
    initialDate: new Date().toISOString(),
    allowBlocksWithSameTimestamp: true,
  };
  const config = { ...hre.config, networks: { ...hre.config.networks, hardhat } };
  const provider = await createProvider(config, "hardhat", hre.artifacts);
  const server = await serveRpc(provider);
  const rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const chain = defineChain({
    id: CHAIN_ID,
    name: "z402 interop (Base Sepolia id)",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // No batching: ethers otherwise holds each request up to 10 ms to batch it, which viem (the stock side) does not.
  const ethersProvider = new ethers.JsonRpcProvider(rpcUrl, CHAIN_ID, {
    staticNetwork: true,
    pollingInterval: 50,
    cacheTimeout: -1,
    batchMaxCount: 1,
  });
  return {
    provider,
    rpcUrl,
    chain,
    ethersProvider,
    async newAccount() {
      const wallet = ethers.Wallet.createRandom().connect(ethersProvider) as unknown as ethers.Wallet;
      await provider.request({
        method: "hardhat_setBalance",
        params: [wallet.address, "0x56BC75E2D63100000"],
      });
      return wallet;
    },
    async close() {
      ethersProvider.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A viem wallet client with public actions for `key` on the interop chain (what the stock packages take). */
export function viemWallet(chain: InteropChain, key: string) {
  return createWalletClient({
    account: privateKeyToAccount(key as `0x${string}`),
    chain: chain.chain,
    transport: viemHttp(chain.rpcUrl),
    pollingInterval: 50,
  }).extend(publicActions);
}

/** A viem public client on the interop chain. */
export function viemPublic(chain: InteropChain) {
  return createPublicClient({ chain: chain.chain, transport: viemHttp(chain.rpcUrl), pollingInterval: 50 });
}
