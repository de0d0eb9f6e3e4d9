import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";

/** The one compiler version of the project; the npm `solc` package is pinned to it. */
export const SOLC_VERSION = "0.8.28";

// The npm `solc` package is the only compiler source: the download host is never contacted.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(
      `Only solc ${SOLC_VERSION} (npm package "solc") is available offline; asked for ${args.solcVersion}`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  const longVersion = solc.version();
  if (!longVersion.startsWith(SOLC_VERSION)) {
    throw new Error(`npm "solc" is ${longVersion}; pin it to ${SOLC_VERSION}`);
  }
  void runSuper;
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion,
  };
});
