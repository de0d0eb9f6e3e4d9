/** Loads Hardhat lazily for the commands that need the z402 repository (`node`, `deploy`). */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CliError } from "./errors";

/** The Hardhat runtime of the project in the working directory, on the given Hardhat network. */
export function loadHardhat(network = "hardhat"): HardhatRuntimeEnvironment {
  process.env.HARDHAT_NETWORK = network;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("hardhat") as HardhatRuntimeEnvironment;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const hint =
      code === "MODULE_NOT_FOUND" ? "Hardhat is not installed here" : "this is not a Hardhat project";
    throw new CliError(`This command runs inside the z402 repository (${hint}): cd into it and retry`, 1, {
      cause: err,
    });
  }
}
