/**
 * The demo's world (system deployed, local USDC) with the two demo agents created through the factory, and a
 * deployment record in a temp file, for spawning the agent-side CLI commands.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { startWorld, type World } from "../../../examples/demo/world";
import {
  buyerCard,
  BUYER_SALT,
  createAgent,
  predictAccount,
  sellerCard,
  SELLER_SALT,
} from "../../../examples/demo/agents";

export interface AgentsWorld {
  world: World;
  deploymentFile: string;
  sellerId: bigint;
  buyerId: bigint;
  close(): Promise<void>;
}

export async function startAgentsWorld(): Promise<AgentsWorld> {
  const world = await startWorld(hre, 10_000_000n);
  const factory = world.deployment.factory!;
  const payTo = await predictAccount(factory, world.sellerOwner, SELLER_SALT);
  const card = sellerCard({
    url: "http://127.0.0.1:9",
    chainId: world.chain.chainId,
    token: String(world.token.target),
    payTo,
  });
  const seller = await createAgent(factory, world.sellerOwner, SELLER_SALT, card);
  const buyer = await createAgent(factory, world.buyerOwner, BUYER_SALT, buyerCard("http://127.0.0.1:9"));
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-cli-agents-"));
  const deploymentFile = path.join(dir, `${world.chain.chainId}.json`);
  const contracts = Object.fromEntries(
    Object.entries(world.deployment.contracts).map(([name, address]) => [name, { address }]),
  );
  writeFileSync(deploymentFile, JSON.stringify({ chainId: world.chain.chainId, contracts }));
  return {
    world,
    deploymentFile,
    sellerId: seller.agentId,
    buyerId: buyer.agentId,
    close: () => world.close(),
  };
}
