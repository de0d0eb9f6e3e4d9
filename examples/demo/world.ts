/**
 * The demo's world: Hardhat's in-process network served on a loopback port, the system deployed by the
 * Ignition `System` module, and the participants' keys (Hardhat's public test accounts, local only).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { deploySystem, startLocalChain, type LocalChain } from "../../sdk/cli/local-chain";
import { deploymentFrom, type Deployment } from "../../sdk/cli/deployment";
import { devAccounts } from "../../sdk/cli/commands/node";

export interface World {
  hre: HardhatRuntimeEnvironment;
  chain: LocalChain;
  deployment: Deployment;
  /** A provider for loopback JSON-RPC, the way a real participant reaches a chain. */
  provider(): JsonRpcProvider;
  deployer: Wallet;
  sellerOwner: Wallet;
  buyerOwner: Wallet;
  close(): Promise<void>;
}

export async function startWorld(hre: HardhatRuntimeEnvironment): Promise<World> {
  const chain = await startLocalChain(hre, { port: 0 });
  const providers: JsonRpcProvider[] = [];
  try {
    const contracts = await deploySystem(hre);
    const deployment = deploymentFrom(chain.chainId, "(in memory)", contracts);
    const [deployer, sellerOwner, buyerOwner] = devAccounts(3);
    const provider = () => {
      const p = new JsonRpcProvider(chain.url, Network.from(chain.chainId), {
        staticNetwork: true,
        pollingInterval: 250,
      });
      providers.push(p);
      return p;
    };
    return {
      hre,
      chain,
      deployment,
      provider,
      deployer,
      sellerOwner,
      buyerOwner,
      close: async () => {
        for (const p of providers) p.destroy();
        await chain.close();
      },
    };
  } catch (err) {
    await chain.close();
    throw err;
  }
}
