/**
 * The demo's world: Hardhat's in-process network served on a loopback port, the system deployed by the
 * Ignition `System` module, a local USDC stand-in (the EIP-3009 mock token, named "USDC" version "2" like Base
 * Sepolia's), and the participants' keys (Hardhat's public test accounts: local only).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, JsonRpcProvider, Network, type Wallet } from "ethers";
import { deploySystem, startLocalChain, type LocalChain } from "../../sdk/cli/local-chain";
import { deploymentFrom, type Deployment } from "../../sdk/cli/deployment";
import { devAccounts } from "../../sdk/cli/commands/node";

export const TOKEN_ABI = [
  "function mint(address to, uint256 amount)",
  "function balanceOf(address) view returns (uint256)",
  "function name() view returns (string)",
];

export interface World {
  hre: HardhatRuntimeEnvironment;
  chain: LocalChain;
  deployment: Deployment;
  /** False when the Ignition System module is not in this build (the escrow was deployed directly). */
  viaIgnition: boolean;
  /** One loopback JSON-RPC provider, the way a real participant reaches a chain. */
  provider: JsonRpcProvider;
  token: Contract;
  deployer: Wallet;
  sellerOwner: Wallet;
  buyerOwner: Wallet;
  close(): Promise<void>;
}

/** Without the Ignition System module in this build: the same contracts, deployed one by one. */
async function deployDirect(hre: HardhatRuntimeEnvironment): Promise<Record<string, string>> {
  await hre.run("compile", { quiet: true });
  type Deployer = { deployContract(name: string, args?: unknown[]): Promise<Contract> };
  const ethers = (hre as unknown as { ethers: Deployer }).ethers;
  const escrow = await ethers.deployContract("Z402Escrow");
  const collector = await ethers.deployContract("ERC3009DepositCollector", [escrow.target]);
  const identity = await ethers.deployContract("IdentityRegistry");
  const reputation = await ethers.deployContract("ReputationRegistry", [identity.target]);
  const validation = await ethers.deployContract("ValidationRegistry", [identity.target]);
  const factory = await ethers.deployContract("AgentFactory", [identity.target]);
  await (await identity.getFunction("setFactory")(factory.target)).wait();
  return Object.fromEntries(
    Object.entries({
      escrow,
      depositCollector: collector,
      identityRegistry: identity,
      reputationRegistry: reputation,
      validationRegistry: validation,
      agentFactory: factory,
    }).map(([k, c]) => [k, String(c.target)]),
  );
}

export async function startWorld(hre: HardhatRuntimeEnvironment, buyerFunds: bigint): Promise<World> {
  const chain = await startLocalChain(hre, { port: 0 });
  try {
    const viaIgnition = existsSync(path.join(hre.config.paths.root, "ignition", "modules", "System.ts"));
    const contracts = viaIgnition ? await deploySystem(hre) : await deployDirect(hre);
    const ethers = (hre as unknown as { ethers: { deployContract(name: string): Promise<Contract> } }).ethers;
    const mock = await ethers.deployContract("MockEIP3009Token");
    contracts.usdc = await mock.getAddress();
    const deployment = deploymentFrom(chain.chainId, "(in memory)", contracts);
    // No read cache: on a local chain a block can follow the last read within ethers' default 250 ms, and the
    // seller's mirror must see it when asked to sync.
    const provider = new JsonRpcProvider(chain.url, Network.from(chain.chainId), {
      staticNetwork: true,
      pollingInterval: 50,
      cacheTimeout: -1,
    });
    const [deployer, sellerOwner, buyerOwner] = devAccounts(3).map((w) => w.connect(provider));
    const token = new Contract(contracts.usdc, TOKEN_ABI, deployer);
    await (await token.mint(buyerOwner.address, buyerFunds)).wait();
    return {
      hre,
      chain,
      deployment,
      viaIgnition,
      provider,
      token,
      deployer,
      sellerOwner,
      buyerOwner,
      close: async () => {
        provider.destroy();
        await chain.close();
      },
    };
  } catch (err) {
    await chain.close();
    throw err;
  }
}
