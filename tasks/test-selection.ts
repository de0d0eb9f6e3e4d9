import path from "node:path";
import { subtask } from "hardhat/config";
import { TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";

/**
 * Which test files a run takes when no files are named: only `*.test.ts` (or .js) files, from the folders
 * that Z402_TEST_SCOPE selects:
 * - unset: everything but `test/fork/` (which needs the Base Sepolia chain id, see `npm run test:fork`);
 * - `contracts`: only `test/contracts/` (what coverage instruments);
 * - `rest`: everything but `test/contracts/` and `test/fork/`;
 * - `fork`: only `test/fork/`.
 */
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, hre, runSuper) => {
  if (args.testFiles.length > 0) return runSuper(args);
  // Only `*.test.*` files are suites: fixtures, helpers and support modules under test/ never run on their own.
  const files = ((await runSuper(args)) as string[]).filter((f) => /\.test\.[cm]?[jt]s$/.test(f));
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
