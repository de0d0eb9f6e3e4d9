import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";

/**
 * Which test folders a run takes when no files are named (Z402_TEST_SCOPE):
 * - unset: everything but `test/fork/` (which needs the Base Sepolia chain id, see `npm run test:fork`);
 * - `contracts`: only `test/contracts/` (what coverage instruments);
 * - `rest`: everything but `test/contracts/` and `test/fork/`;
 * - `fork`: only `test/fork/`.
 */
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, hre, runSuper) => {
  const files: string[] = await runSuper(args);
  if (args.testFiles.length > 0) return files;
  const under = (dir: string) => (file: string) =>
    file.startsWith(path.join(hre.config.paths.tests, dir) + path.sep);
  const inFork = under("fork");
  const inContracts = under("contracts");
  switch (process.env.Z402_TEST_SCOPE) {
    case "contracts":
      return files.filter(inContracts);
    case "rest":
      return files.filter((f) => !inContracts(f) && !inFork(f));
    case "fork":
      return files.filter(inFork);
    default:
      return files.filter((f) => !inFork(f));
  }
});
