/**
 * `npm run demo`: two agents find and pay each other on a local chain, with no configuration.
 *
 *   npm run demo                       # 500 paid requests, a progress bar and a summary table
 *   npm run demo -- --requests 20 --json
 *
 * Exits 0 when every step succeeded; otherwise prints which step failed, in one sentence, and exits 1.
 */
import { Command, CommanderError } from "commander";
import { renderError } from "../sdk/cli/errors";
import { toJson } from "../sdk/cli/output";
import { renderSummary } from "../examples/demo/report";
import { runDemo } from "../examples/demo/run";
import { DemoStepError } from "../examples/demo/steps";

function parseArgs(argv: string[]): { requests: number; json: boolean } {
  const program = new Command("demo")
    .description("Two agents find and pay each other on a local in-process chain.")
    .option("--requests <n>", "paid requests the buyer makes", "500")
    .option("--json", "print the summary as JSON on stdout (progress goes to stderr)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`demo: ${str.replace(/^error: /, "")}`) });
  program.parse(argv);
  const opts = program.opts<{ requests: string; json?: boolean }>();
  const requests = Number(opts.requests);
  if (!/^\d+$/.test(opts.requests) || requests < 1 || requests > 100_000) {
    throw new CommanderError(
      2,
      "demo.requests",
      `demo: --requests must be an integer from 1 to 100000, not "${opts.requests}"\n`,
    );
  }
  return { requests, json: Boolean(opts.json) };
}

async function main(): Promise<number> {
  let args: { requests: number; json: boolean };
  try {
    args = parseArgs(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode !== 0 && err.code === "demo.requests") process.stderr.write(err.message);
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  // With --json, stdout carries only the report: anything else printing there (Hardhat's compile messages on a
  // fresh clone) goes to stderr.
  if (args.json) console.log = console.error;
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  try {
    const report = await runDemo({ requests: args.requests, log });
    if (args.json) process.stdout.write(`${toJson(report)}\n`);
    else log(`\n${renderSummary(report)}`);
    return 0;
  } catch (err) {
    if (process.env.Z402_DEBUG === "1") console.error(err);
    const step = err instanceof DemoStepError ? err.step : undefined;
    const sentence = renderError(err instanceof DemoStepError ? err.cause : err);
    process.stderr.write(`demo failed${step ? ` at "${step}"` : ""}: ${sentence}\n`);
    if (args.json)
      process.stdout.write(`${toJson({ ok: false, failedStep: step ?? null, error: sentence })}\n`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${String(err)}\n`);
    process.exit(1);
  },
);
