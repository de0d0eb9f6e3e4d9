import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";
import { runIgnition } from "./ignition";
import type { DeployOptions } from "./options";
import { buildRecord, writeRecord } from "./record";
import type { DeploymentRecord } from "./types";

export interface DeployOutcome {
  record: DeploymentRecord;
  /** The written `deployments/<chainId>.json`. */
  file: string;
}

/**
 * Deploys `module` (the System module by default) with Ignition and writes its deployments record. Re-running with
 * the same journal folder sends no transaction and rewrites the same record.
 */
export async function deploySystem(
  hre: HardhatRuntimeEnvironment,
  options: DeployOptions,
  module: IgnitionModule,
  displayUi = false,
): Promise<DeployOutcome> {
  await runIgnition(hre, {
    module,
    deploymentDir: options.deploymentDir,
    parameters: options.parametersFile,
    strategy: options.strategy,
    salt: options.salt,
    displayUi,
  });
  const record = await buildRecord(hre, {
    module,
    deploymentDir: options.deploymentDir,
    deploymentId: options.deploymentId,
  });
  return { record, file: writeRecord(options.outDir, record) };
}
