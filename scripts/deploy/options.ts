import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { DeployError } from "./errors";

/** The local development chain (Hardhat's): every node run is a new instance of it, so stale state is reset. */
export const LOCAL_CHAIN_ID = 31337;

/** The environment variable holding each public network's RPC URL (read by hardhat.config.ts), and an example. */
export const RPC_URL_VARIABLES: Record<string, { variable: string; example: string }> = {
  baseSepolia: { variable: "BASE_SEPOLIA_RPC_URL", example: "https://sepolia.base.org" },
  base: { variable: "BASE_RPC_URL", example: "https://mainnet.base.org" },
};

/**
 * Refuses, in one sentence naming the variable, a network whose RPC URL variable is unset (Hardhat would otherwise
 * fail later with a bare HH108 "Cannot connect to the network").
 */
export function requireRpcUrl(network: string, env: NodeJS.ProcessEnv = process.env): void {
  const rpc = RPC_URL_VARIABLES[network];
  if (rpc === undefined || (env[rpc.variable] ?? "").trim() !== "") return;
  throw new DeployError(
    `${rpc.variable} is not set: export ${rpc.variable}=<RPC URL> (e.g. ${rpc.example} or your provider's URL) before deploying to ${network}.`,
  );
}

/** Where a deployment reads its parameters and writes its journal and record. */
export interface DeployOptions {
  parametersFile: string;
  deploymentDir: string;
  deploymentId: string;
  outDir: string;
  strategy: "basic" | "create2";
  salt?: string;
}

/** Parameters file per network name; the in-process `hardhat` network uses the local one. */
const PARAMETERS: Record<string, string> = {
  hardhat: "localhost",
  localhost: "localhost",
  baseSepolia: "baseSepolia",
  base: "base",
};

/**
 * Resolves the options from the network and the environment (`hardhat run` takes no script arguments):
 * - `Z402_DEPLOY_PARAMETERS`: parameters file (default `ignition/parameters/<network>.json`);
 * - `Z402_IGNITION_DIR`: the Ignition journal folder (default `ignition/deployments/chain-<chainId>`; a fresh temporary
 *   folder on the in-process `hardhat` network, whose chain does not outlive the run);
 * - `Z402_DEPLOYMENTS_DIR`: where `<chainId>.json` goes (default `deployments/`);
 * - `Z402_DEPLOY_STRATEGY` = `basic` (default) or `create2`, with `Z402_DEPLOY_SALT` (a bytes32).
 */
export function resolveOptions(
  hre: HardhatRuntimeEnvironment,
  chainId: number,
  env: NodeJS.ProcessEnv = process.env,
): DeployOptions {
  const root = hre.config.paths.root;
  const deploymentId = `chain-${chainId}`;
  const parametersName = PARAMETERS[hre.network.name] ?? hre.network.name;
  const strategy = env.Z402_DEPLOY_STRATEGY ?? "basic";
  if (strategy !== "basic" && strategy !== "create2")
    throw new DeployError(`Z402_DEPLOY_STRATEGY is ${strategy}: set it to basic or create2.`);
  return {
    parametersFile:
      env.Z402_DEPLOY_PARAMETERS ?? path.join(root, "ignition/parameters", `${parametersName}.json`),
    deploymentDir:
      env.Z402_IGNITION_DIR ??
      (hre.network.name === "hardhat"
        ? mkdtempSync(path.join(os.tmpdir(), "z402-ignition-"))
        : path.join(hre.config.paths.ignition, "deployments", deploymentId)),
    deploymentId,
    outDir: env.Z402_DEPLOYMENTS_DIR ?? path.join(root, "deployments"),
    strategy,
    salt: env.Z402_DEPLOY_SALT,
  };
}
