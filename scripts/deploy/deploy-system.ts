import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";
import { isForeignDeploymentsFile, writeDeployments } from "../../sdk/networks/deployments-node";
import { DeployError, shownPath } from "./errors";
import { runIgnition } from "./ignition";
import { checkJournal } from "./instance";
import { LOCAL_CHAIN_ID, type DeployOptions } from "./options";
import { buildRecord } from "./record";
import type { DeploymentRecord } from "./types";

export interface DeployOutcome {
  /** The record as written: this deployment merged into what the file already held (e.g. `z402 node`'s `usdc`). */
  record: DeploymentRecord;
  /** The written `deployments/<chainId>.json`. */
  file: string;
}

/**
 * Deploys `module` (the System module by default) with Ignition and writes its deployments record, merged into the
 * record already there. Re-running with the same journal folder sends no transaction and rewrites the same record.
 * A journal or record left by another instance of the chain is reset on the local chain (31337, with a line to
 * `log`) and refused on any other.
 */
export async function deploySystem(
  hre: HardhatRuntimeEnvironment,
  options: DeployOptions,
  module: IgnitionModule,
  displayUi = false,
  log: (line: string) => void = console.error,
): Promise<DeployOutcome> {
  const provider = hre.ethers.provider;
  const chainId = Number((await provider.getNetwork()).chainId);
  const local = chainId === LOCAL_CHAIN_ID;
  await checkJournal(provider, chainId, options.deploymentDir, log);
  await checkRecord(provider, chainId, options.outDir);
  await runIgnition(hre, {
    module,
    deploymentDir: options.deploymentDir,
    parameters: options.parametersFile,
    strategy: options.strategy,
    salt: options.salt,
    displayUi,
  });
  const built = await buildRecord(hre, {
    module,
    deploymentDir: options.deploymentDir,
    deploymentId: options.deploymentId,
  });
  try {
    const { record, file, replaced } = await writeDeployments(options.outDir, built, {
      otherInstance: local ? "replace" : "refuse",
      chain: provider,
    });
    if (replaced) {
      const where = shownPath(file);
      log(`${where} described an earlier run of the local chain; replaced it with this deployment.`);
    }
    return { record, file };
  } catch (err) {
    throw asDeployError(err, "Deployed, but the record was not written: ");
  }
}

/**
 * Before sending anything: the record in `outDir`, if any, must be a record of this chain id, and on a public chain
 * of this instance of it (the local chain's record of an earlier run is replaced once deployed).
 */
async function checkRecord(
  provider: HardhatRuntimeEnvironment["ethers"]["provider"],
  chainId: number,
  outDir: string,
): Promise<void> {
  const file = path.join(outDir, `${chainId}.json`);
  const genesisHash = (await provider.getBlock(0))?.hash ?? undefined;
  let foreign: boolean;
  try {
    foreign = await isForeignDeploymentsFile(file, { chainId, genesisHash }, provider);
  } catch (err) {
    throw asDeployError(err);
  }
  if (foreign && chainId !== LOCAL_CHAIN_ID) {
    const where = shownPath(file);
    throw new DeployError(
      `${where} describes another instance of chain ${chainId}: move it away, or point Z402_DEPLOYMENTS_DIR at another folder, and deploy again.`,
    );
  }
}

/** An SDK error (its `shortMessage` is a sentence) as a DeployError; anything else unchanged. */
function asDeployError(err: unknown, prefix = ""): unknown {
  const short = (err as { shortMessage?: string } | null)?.shortMessage;
  return short === undefined ? err : new DeployError(`${prefix}${short}.`, { cause: err });
}
