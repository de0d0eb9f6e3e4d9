// `npm run demo`: deploys every Ignition module of the system to the in-process chain and prints
// the addresses. (The two-agent demo replaces this once agents and paid HTTP exist.)
import { readdirSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";

async function main(): Promise<void> {
  const dir = path.join(__dirname, "..", "ignition", "modules");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  if (files.length === 0) throw new Error("no Ignition modules in ignition/modules");
  const { chainId } = await hre.ethers.provider.getNetwork();
  console.log(`z402: deploying ${files.length} module(s) to the in-process chain ${chainId}`);
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)).default as IgnitionModule;
    const deployed = (await hre.ignition.deploy(mod)) as Record<string, { getAddress(): Promise<string> }>;
    for (const [name, contract] of Object.entries(deployed)) {
      console.log(`  ${mod.id}.${name.padEnd(24)} ${await contract.getAddress()}`);
    }
  }
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exitCode = 1;
});
