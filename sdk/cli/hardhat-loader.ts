/**
 * Loads Hardhat lazily, from the project in the working directory, for the commands that need the z402
 * repository (`node`, `deploy`). As a library Hardhat does not register TypeScript itself, so a TypeScript
 * config is made loadable first (ts-node, transpile only, from the project's own dependencies).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CliError } from "./errors";

/** The Hardhat runtime of the project in the working directory, on the given Hardhat network. */
export function loadHardhat(network = "hardhat"): HardhatRuntimeEnvironment {
  const root = process.cwd();
  const paths = { paths: [root] };
  process.env.HARDHAT_NETWORK = network;
  try {
    if (existsSync(path.join(root, "hardhat.config.ts"))) {
      process.env.TS_NODE_TRANSPILE_ONLY ??= "true";
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(require.resolve("ts-node/register/transpile-only", paths));
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve("hardhat", paths)) as HardhatRuntimeEnvironment;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const hint =
      code === "MODULE_NOT_FOUND" ? "Hardhat is not installed here" : "this is not a Hardhat project";
    throw new CliError(`This command runs inside the z402 repository (${hint}): cd into it and retry`, 1, {
      cause: err,
    });
  }
}
