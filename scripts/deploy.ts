/**
 * Deploys the z402 system with Ignition and records it in `deployments/<chainId>.json`.
 *
 *   npm run deploy -- --network baseSepolia      (BASE_SEPOLIA_RPC_URL, DEPLOYER_PRIVATE_KEY)
 *
 * Options come from the environment, see scripts/deploy/options.ts. Re-running resumes an interrupted deployment
 * or, when it finished, changes nothing. Mistakes the user can fix (a missing variable, a journal or record of
 * another chain instance) are told in one sentence, without a stack trace, and exit 1.
 */
import hre from "hardhat";
import SystemModule from "../ignition/modules/System";
import { deploySystem } from "./deploy/deploy-system";
import { deployErrorSentence } from "./deploy/errors";
import { RPC_URL_VARIABLES, requireRpcUrl, resolveOptions } from "./deploy/options";

async function main() {
  requireRpcUrl(hre.network.name);
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const options = resolveOptions(hre, chainId);
  const { record, file } = await deploySystem(hre, options, SystemModule, true);
  console.log(`\n${record.module} on ${record.network} from block ${record.startBlock}, written to ${file}`);
  for (const [name, c] of Object.entries(record.contracts)) console.log(`  ${name.padEnd(20)} ${c.address}`);
}

main().catch((error: unknown) => {
  const network = hre.network.name;
  const sentence = deployErrorSentence(error, network, RPC_URL_VARIABLES[network]?.variable);
  console.error(sentence === undefined ? error : `deploy: ${sentence}`);
  process.exitCode = 1;
});
