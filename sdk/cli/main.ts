/** Runs the `z402` command: parses argv, runs the action, prints one sentence on failure. */
import { renderError, exitCodeOf, EXIT_USAGE } from "./errors";
import { buildProgram, isCommanderExit } from "./program";

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (isCommanderExit(err)) {
      // Help and version exit 0; commander has already printed its one-line usage error otherwise.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (process.env.Z402_DEBUG === "1") console.error(err);
    const rpcUrl = program.opts().rpc as string | undefined;
    process.stderr.write(`z402: ${renderError(err, { rpcUrl })}\n`);
    return exitCodeOf(err);
  }
}
