/**
 * Deployment from the z402 repository, for `z402 node` and `z402 deploy`: the repository's deploy tooling
 * (scripts/deploy) and Ignition `System` module, loaded at run time through Hardhat (never bundled), so the
 * record written is the same `deployments/<chainId>.json` that `npm run deploy` writes.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CliError } from "./errors";

export interface RecordOutcome {
  record: { chainId: number; startBlock: number; contracts: Record<string, { address: string }> };
  file: string;
}

function load<T>(root: string, relative: string): T {
  const file = path.join(root, relative);
  if (!existsSync(file)) throw new CliError(`This command needs ${relative} from the z402 repository`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

/** Compiles, deploys the System module with Ignition and writes the deployments record into `outDir`. */
export async function deployFromRepo(
  hre: HardhatRuntimeEnvironment,
  options: { outDir?: string; displayUi?: boolean } = {},
): Promise<RecordOutcome> {
  const root = hre.config.paths.root;
  const { deploySystem } = load<{ deploySystem: (...a: unknown[]) => Promise<RecordOutcome> }>(
    root,
    "scripts/deploy/deploy-system.ts",
  );
  const { resolveOptions } = load<{ resolveOptions: (...a: unknown[]) => unknown }>(
    root,
    "scripts/deploy/options.ts",
  );
  const system = load<{ default: unknown }>(root, "ignition/modules/System.ts").default;
  await hre.run("compile", { quiet: true });
  const chainId = Number(await hre.network.provider.request({ method: "eth_chainId" }));
  const env = {
    ...process.env,
    ...(options.outDir ? { Z402_DEPLOYMENTS_DIR: path.resolve(options.outDir) } : {}),
  };
  return deploySystem(hre, resolveOptions(hre, chainId, env), system, options.displayUi ?? false);
}
