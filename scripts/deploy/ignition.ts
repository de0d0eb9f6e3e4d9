import { existsSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  deploy,
  DeploymentResultType,
  type DeploymentParameters,
  type IgnitionModule,
} from "@nomicfoundation/ignition-core";
import {
  HardhatArtifactResolver,
  PrettyEventHandler,
  errorDeploymentResultToExceptionMessage,
  readDeploymentParameters,
} from "@nomicfoundation/hardhat-ignition/helpers";
import { DeployError } from "./errors";

export interface IgnitionRun {
  module: IgnitionModule;
  /** The journal folder: re-running with the same folder resumes or no-ops. */
  deploymentDir: string;
  /** A parameters JSON file (Ignition's format) or the parameters themselves. */
  parameters: string | DeploymentParameters;
  strategy: "basic" | "create2";
  /** CREATE2 salt (create2 strategy only): same salt and bytecode give the same addresses on every chain. */
  salt?: string;
  displayUi?: boolean;
}

/** Deploys `run.module` with Ignition, journaled in `run.deploymentDir`; returns the deployed addresses by future id. */
export async function runIgnition(
  hre: HardhatRuntimeEnvironment,
  run: IgnitionRun,
): Promise<Record<string, string>> {
  const parameters =
    typeof run.parameters === "string"
      ? existsSync(run.parameters)
        ? await readDeploymentParameters(path.resolve(run.parameters))
        : {}
      : run.parameters;
  const accounts = (await hre.network.provider.request({ method: "eth_accounts" })) as string[];
  if (accounts.length === 0)
    throw new DeployError(
      `No deployer account for network ${hre.network.name}: set DEPLOYER_PRIVATE_KEY to the key that pays the gas.`,
    );
  const create2 = run.strategy === "create2";
  if (create2 && run.salt === undefined)
    throw new DeployError("The create2 strategy needs a salt: set Z402_DEPLOY_SALT to a bytes32.");
  const result = await deploy({
    provider: hre.network.provider,
    artifactResolver: new HardhatArtifactResolver(hre),
    deploymentDir: run.deploymentDir,
    ignitionModule: run.module,
    deploymentParameters: parameters,
    accounts,
    executionEventListener: run.displayUi ? new PrettyEventHandler() : undefined,
    ...(create2 ? { strategy: "create2" as const, strategyConfig: { salt: run.salt! } } : {}),
    config: {
      requiredConfirmations: hre.network.name === "hardhat" || hre.network.name === "localhost" ? 1 : 2,
    },
  });
  if (result.type !== DeploymentResultType.SUCCESSFUL_DEPLOYMENT) {
    throw new Error(errorDeploymentResultToExceptionMessage(result));
  }
  return Object.fromEntries(Object.values(result.contracts).map((c) => [c.id, c.address]));
}
