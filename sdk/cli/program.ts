/**
 * The `z402` command tree. Every command has `--help` with examples and the global options; the actions live in
 * `commands/`, loaded only when their command runs so `--help` and bad input answer fast.
 */
import { Command, CommanderError, Option } from "commander";
import type { Action } from "./action";
import { EXIT_USAGE } from "./errors";
import type { GlobalOptions } from "./context";
import { NETWORK_NAMES } from "./context";
import { addGatewayCommand } from "./commands/gateway";
import { addReceiptsCommand } from "./commands/receipts";

/** Adds an "Examples:" section to a command's help. */
function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
}

/** Wraps a lazily loaded action so it receives positional args, its options and the global flags. */
function run(load: () => Promise<Action>) {
  return async function (this: Command, ...params: unknown[]) {
    const cmd = params[params.length - 1] as Command;
    const args = params.slice(0, -2).filter((p): p is string => typeof p === "string");
    const action = await load();
    await action(args, cmd.opts(), cmd.optsWithGlobals<GlobalOptions>());
  };
}

/** Builds the program. `onError` receives commander's own usage errors (unknown option, missing argument). */
export function buildProgram(): Command {
  const program = new Command("z402")
    .description("Pay-per-request for agents: x402 escrow channels, ERC-8004 agents and discovery.")
    .version("0.1.0", "-V, --version")
    .addOption(
      new Option("-n, --network <name>", `network: ${NETWORK_NAMES.join(", ")} (or a CAIP-2 id)`).env(
        "Z402_NETWORK",
      ),
    )
    .addOption(
      new Option("--rpc <url>", "JSON-RPC URL (overrides the network's default)").env("Z402_RPC_URL"),
    )
    .option("-k, --key <hex>", "private key (or set Z402_PRIVATE_KEY / DEPLOYER_PRIVATE_KEY)")
    .option("--deployment <file>", "deployment record (default: deployments/<chainId>.json)")
    .option("--json", "machine-readable output")
    .showSuggestionAfterError(true)
    .exitOverride();
  // Subcommands copy this setting when created: their --help lists --key, --network... too.
  program.configureHelp({ showGlobalOptions: true });
  program.configureOutput({
    outputError: (str, write) => {
      const text = str
        .replace(/^error: /, "")
        .trim()
        .replace(/\n[\s\S]*$/, "");
      write(`z402: ${text.charAt(0).toUpperCase()}${text.slice(1).replace(/([^.?])$/, "$1.")}\n`);
    },
  });
  examples(program, [
    "z402 node                      # local chain with the system deployed",
    "z402 discover --skill summarize --max-price 0.001",
    "z402 pay http://127.0.0.1:4021/summarize --key $BUYER_KEY",
    "z402 channels --json",
  ]);

  examples(
    program
      .command("node")
      .description(
        "Start a local chain on loopback with the whole system deployed (needs the z402 repository).",
      )
      .option("--host <host>", "interface to listen on", "127.0.0.1")
      .option("--port <port>", "port to listen on", "8545")
      .option("--out-dir <dir>", "where to write <chainId>.json", "deployments")
      .action(run(async () => (await import("./commands/node")).nodeCommand)),
    ["z402 node", "z402 node --port 9545"],
  );

  examples(
    program
      .command("deploy")
      .description(
        "Deploy the system (escrow, registries, factory) with Ignition and write deployments/<chainId>.json.",
      )
      .option("--port <port>", "a local chain on http://127.0.0.1:<port> (same as --rpc; default 8545)")
      .option("--out-dir <dir>", "where to write <chainId>.json (default: deployments)")
      .action(run(async () => (await import("./commands/deploy")).deployCommand)),
    [
      "z402 deploy --network local",
      "z402 deploy --port 9545                        # a local chain started with `z402 node --port 9545`",
      "DEPLOYER_PRIVATE_KEY=0x… z402 deploy --network base-sepolia --rpc https://sepolia.base.org",
    ],
  );

  const agent = examples(
    program.command("agent").description("Create and inspect agents (ERC-8004 identity + AgentAccount)."),
    [
      "z402 agent list",
      "z402 agent show 1",
      "z402 agent create --name Summarizer --skill summarize --url http://127.0.0.1:4021",
    ],
  );
  examples(
    agent
      .command("create")
      .description(
        "Create an agent through the factory: one transaction deploys its account and registers it.",
      )
      .requiredOption("--name <name>", "agent name")
      .option("--description <text>", "what the agent does", "")
      .option("--skill <id...>", "skill ids offered (repeatable)")
      .option("--price <usdc>", "price per request in USDC", "0.001")
      .option("--url <url>", "the agent's base URL (its A2A endpoint is <url>/a2a)")
      .option("--token <address>", "payment token (default: the deployment's USDC)")
      .option("--salt <bytes32>", "CREATE2 salt for the AgentAccount (default: keccak256 of the name)")
      .action(run(async () => (await import("./commands/agent")).agentCreate)),
    ["z402 agent create --name Summarizer --skill summarize --price 0.001 --url http://127.0.0.1:4021"],
  );
  examples(
    agent
      .command("show")
      .description("Show one agent: owner, account, card, liveness.")
      .argument("<agentId>", "the agent's id (ERC-8004 token id)")
      .action(run(async () => (await import("./commands/agent")).agentShow)),
    ["z402 agent show 1", "z402 agent show 1 --json"],
  );
  examples(
    agent
      .command("list")
      .description("List agents created through the factory.")
      .option("--offset <n>", "first index", "0")
      .option("--limit <n>", "page size", "50")
      .action(run(async () => (await import("./commands/agent")).agentList)),
    ["z402 agent list", "z402 agent list --offset 50 --limit 50"],
  );
  examples(
    agent
      .command("heartbeat")
      .description("Mark an agent alive (AgentAccount.heartbeat), as its owner.")
      .argument("<agentId>", "the agent's id")
      .action(run(async () => (await import("./commands/agent")).agentHeartbeat)),
    ["z402 agent heartbeat 1 --key $SELLER_KEY"],
  );

  examples(
    program
      .command("discover")
      .description(
        "Find agents by skill and price ceiling, best first: ranked by a score built on their paid reputation " +
          "(feedback from paying clients; see docs/cli.md), then by price.",
      )
      .option("--skill <text>", "skill id, name or tag to match")
      .option("--max-price <usdc>", "highest acceptable price per request, in USDC")
      .option("--min-reputation <n>", "minimum paid reputation (0-100)")
      .option("--cache <file>", "keep the index in this SQLite file and resume from it")
      .option(
        "--facilitator <url>",
        "also list this facilitator's Bazaar catalog (default: $Z402_FACILITATOR_URL)",
      )
      .action(run(async () => (await import("./commands/discover")).discoverCommand)),
    [
      "z402 discover --skill summarize",
      "z402 discover --skill summarize --max-price 0.001 --min-reputation 80 --json",
      "z402 discover --skill summarize --facilitator http://127.0.0.1:4020",
    ],
  );

  examples(
    program
      .command("pay")
      .description(
        "Make one paid request: shows the 402 offer, checks the network and the payer's USDC, pays (escrow " +
          "voucher or exact) and shows what was charged. Exits 1 unless the answer is 2xx.",
      )
      .argument("<url>", "the paid resource")
      .option("-X, --method <method>", "HTTP method", "GET")
      .option("-d, --data <body>", "request body (sent as JSON)")
      .option("--deposit <usdc>", "amount to lock when a channel is opened or topped up", "0.1")
      .option("--max-deposit <usdc>", "largest total the client may lock in one channel", "1")
      .option(
        "--store <file>",
        "session-key file, 0600 (default: $XDG_CONFIG_HOME/z402/client.json, else ~/.config/z402/client.json)",
      )
      .action(run(async () => (await import("./commands/pay")).payCommand)),
    [
      'z402 pay http://127.0.0.1:4021/summarize -X POST -d \'{"text":"…"}\' --key $BUYER_KEY',
      "z402 pay http://127.0.0.1:4021/summarize --deposit 0.5 --max-deposit 2 --network local --json",
    ],
  );

  examples(
    program
      .command("channels")
      .description("Table of escrow channels where the key's address is payer or receiver.")
      .option("--address <address>", "show channels of this address instead of the key's")
      .option("--from-block <n>", "first block to scan", "0")
      .action(run(async () => (await import("./commands/channels")).channelsCommand)),
    ["z402 channels --key $BUYER_KEY", "z402 channels --address 0xf39F…2266 --json"],
  );

  examples(
    program
      .command("claim")
      .description(
        "Claim the stored vouchers on chain (one batched transaction), as the receiver; names the settle command.",
      )
      .option("--store <file>", "server voucher store", ".z402/vouchers.sqlite")
      .action(run(async () => (await import("./commands/escrow")).claimCommand)),
    ["z402 claim --store .z402/vouchers.sqlite --key $SELLER_KEY"],
  );
  examples(
    program
      .command("settle")
      .description(
        "Transfer everything claimed but not yet settled to its receiver (permissionless). Without --receiver: " +
          "the key's address and the receiver of every channel the key receives on or authorizes.",
      )
      .option("--receiver <address>", "settle for this receiver only")
      .option("--token <address>", "token (default: the deployment's USDC)")
      .action(run(async () => (await import("./commands/escrow")).settleCommand)),
    ["z402 settle --key $SELLER_KEY", "z402 settle --receiver 0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
  );
  examples(
    program
      .command("refund")
      .description(
        "Return a channel's unclaimed balance to its payer, as the receiver. Refunding everything gives up what " +
          "was served but not claimed: --store claims it first, or --yes confirms.",
      )
      .argument("<channelId>", "channel id (0x + 64 hex)")
      .option("--amount <usdc>", "amount to refund (default: all unclaimed)")
      .option("--store <file>", "server voucher store: claim this channel's served vouchers first")
      .option("--yes", "refund all unclaimed without claiming served vouchers first")
      .action(run(async () => (await import("./commands/escrow")).refundCommand)),
    [
      "z402 refund 0x5f…e1 --store .z402/vouchers.sqlite --key $SELLER_KEY",
      "z402 refund 0x5f…e1 --amount 0.05 --key $SELLER_KEY",
    ],
  );
  examples(
    program
      .command("withdraw")
      .description(
        "Withdraw unclaimed funds from a channel, as the payer: starts the delay, then --finalize.",
      )
      .argument("<channelId>", "channel id (0x + 64 hex)")
      .option("--amount <usdc>", "amount to withdraw (default: all unclaimed)")
      .option("--finalize", "finish a withdrawal whose delay has passed")
      .option("--restart", "replace a pending withdrawal (its delay starts over)")
      .action(run(async () => (await import("./commands/escrow")).withdrawCommand)),
    ["z402 withdraw 0x5f…e1 --key $BUYER_KEY", "z402 withdraw 0x5f…e1 --finalize --key $BUYER_KEY"],
  );

  examples(
    program
      .command("feedback")
      .description(
        "Rate an agent in the ERC-8004 reputation registry (counts in paid reputation if you paid it).",
      )
      .argument("<agentId>", "the agent's id")
      .requiredOption("--score <0-100>", "score")
      .option("--tag <tag>", "tag (e.g. the skill)", "")
      .option("--endpoint <url>", "endpoint the feedback is about", "")
      .action(run(async () => (await import("./commands/feedback")).feedbackCommand)),
    ["z402 feedback 1 --score 95 --tag summarize --key $BUYER_KEY"],
  );

  examples(
    program
      .command("facilitator")
      .description(
        "Run an x402 facilitator (POST /verify, POST /settle, GET /supported) for exact and batch-settlement.",
      )
      .option("--host <host>", "interface to listen on", "127.0.0.1")
      .option("--port <port>", "port to listen on", "4020")
      .action(run(async () => (await import("./commands/facilitator")).facilitatorCommand)),
    ["z402 facilitator --port 4020 --key $RELAYER_KEY"],
  );

  addGatewayCommand(program, examples, run);
  addReceiptsCommand(program, examples, run);

  // Usage errors from sub-commands go through the same output and exit override.
  for (const cmd of allCommands(program)) {
    cmd.exitOverride().configureOutput(program.configureOutput()).showSuggestionAfterError(true);
  }
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Commander signals help/version display with these codes: they are successes, not failures. */
export function isCommanderExit(err: unknown): err is CommanderError {
  return err instanceof CommanderError;
}

export const COMMANDER_USAGE_EXIT = EXIT_USAGE;
