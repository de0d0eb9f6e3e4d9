import path from "node:path";
import hre from "hardhat";
import SystemModule from "../../../ignition/modules/System";
import { freshAccount, setupUsdc } from "./usdc";

/** Test-account USDC for each payer (6 decimals: 1,000 USDC). */
export const PAYER_FUNDS = 1_000_000_000n;

/**
 * USDC at its Base Sepolia address (live or replica) and the z402 system deployed onto the same chain with the
 * Ignition `System` module and the Base Sepolia parameters, as `npm run deploy -- --network baseSepolia` would.
 */
export async function systemOnForkFixture() {
  const usdc = await setupUsdc(hre);
  const parameters = path.join(hre.config.paths.root, "ignition/parameters/baseSepolia.json");
  const deployed = await hre.ignition.deploy(SystemModule, { parameters });
  const { ethers } = hre;
  const [deployer, server, stranger] = await ethers.getSigners();
  const [payer, receiver] = [await freshAccount(hre), await freshAccount(hre)];
  const session = ethers.Wallet.createRandom(ethers.provider);
  await usdc.fund(payer.address, PAYER_FUNDS);
  const contracts = {
    escrow: await ethers.getContractAt("Z402Escrow", await deployed.escrow.getAddress()),
    depositCollector: await ethers.getContractAt(
      "ERC3009DepositCollector",
      await deployed.depositCollector.getAddress(),
    ),
    identityRegistry: await ethers.getContractAt(
      "IdentityRegistry",
      await deployed.identityRegistry.getAddress(),
    ),
    agentFactory: await ethers.getContractAt("AgentFactory", await deployed.agentFactory.getAddress()),
  };
  return { usdc, token: usdc.token, ...contracts, deployer, payer, receiver, server, stranger, session };
}
