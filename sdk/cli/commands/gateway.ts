/**
 * `z402 gateway --config gateway.yaml`: the paywall in front of an existing HTTP API, with its settlement worker,
 * metrics and health on the admin paths and JSON logs on stderr, until SIGINT/SIGTERM (then a graceful shutdown).
 * The key (--key / Z402_PRIVATE_KEY) pays gas and authorizes claims; it is the receiver unless the config names one.
 *
 * The program registers the command with `addGatewayCommand`; the gateway itself (server, store, chain) is loaded
 * only when the command runs, so `z402 --help` stays fast.
 */
import type { Command } from "commander";
import type { GatewayConfig, GatewayConfigError } from "../../gateway";
import { deploymentOf, openContext, signerOf } from "../context";
import type { Deployment } from "../deployment";
import { CliError } from "../errors";
import { emit, keyValues } from "../output";
import { assertPortFree, formatToken, parsePort } from "../parse";
import type { Action } from "../action";

/** One sentence per problem, each on its own `z402:` line (exit 1). */
function configProblems(err: GatewayConfigError): CliError {
  const lines = err.problems.map((p) => `In ${err.source}, ${p.replace(/[.]$/, "")}.`);
  return new CliError(lines.join("\nz402: "), 1, { cause: err });
}

type GatewayModule = typeof import("../../gateway");

function load(gw: GatewayModule, file: string): GatewayConfig {
  try {
    return gw.loadGatewayConfig(file);
  } catch (err) {
    if (err instanceof gw.GatewayConfigError) throw configProblems(err);
    throw err;
  }
}

/** A route's price in token units (the config holds base units). */
function priceText(route: GatewayConfig["routes"][number]): string {
  const p = route.price;
  return p.kind === "fixed"
    ? `${formatToken(p.amount)} per request`
    : `${formatToken(p.perUnit)} per ${p.unit}, at most ${formatToken(p.max)}`;
}

export const gatewayCommand: Action = async (_args, options, globals) => {
  const gw = await import("../../gateway");
  const { describeStore } = gw;
  const file = String(options.config);
  const config = load(gw, file);
  if (options.host !== undefined) config.listen.host = String(options.host);
  if (options.port !== undefined) config.listen.port = parsePort(String(options.port));
  const routes = config.routes.map((r) => ({ path: r.path, methods: r.methods, price: priceText(r) }));
  if (options.check) {
    emit(
      globals.json,
      { ok: true, config: file, routes },
      () => `${file} is valid (${routes.length} route(s)).`,
    );
    return;
  }
  await assertPortFree(config.listen.host, config.listen.port);
  // The config's network wins over --network / Z402_NETWORK; --rpc / Z402_RPC_URL over the config's rpc.
  const ctx = openContext({
    ...globals,
    network: config.network ?? globals.network,
    rpc: globals.rpc ?? config.rpc,
  });
  const signer = signerOf(ctx);
  let deployment: Deployment | undefined;
  try {
    deployment = deploymentOf(ctx);
  } catch (err) {
    if (!config.escrow) throw err;
  }
  const escrow = config.escrow ?? deployment?.escrow;
  if (!escrow) throw new CliError(`No escrow for chain ${ctx.network.chainId}: set escrow in ${file}`);
  await ctx.provider.getBlockNumber(); // fail now, in one sentence, if the chain is unreachable
  const chainId = ctx.network.chainId;
  let token;
  try {
    token = await gw.resolveToken(chainId, ctx.provider, config.token, deployment?.token);
  } catch (err) {
    throw new CliError((err as Error).message, 1, { cause: err });
  }
  // JSON log lines on stderr (stdout is the banner); LOG_LEVEL sets the level.
  const { createObservability } = await import("../../observability");
  const obs = createObservability({ service: "z402-gateway", destination: process.stderr });
  let gateway;
  try {
    gateway = await gw.startGateway({
      obs,
      config,
      signer,
      chainId,
      escrow,
      token,
      depositCollector: config.depositCollector ?? deployment?.collector,
    });
  } catch (err) {
    if (err instanceof gw.StoreOpenError) throw new CliError(err.message, 1, { cause: err });
    throw err;
  }
  // Listen for the stop signals before saying it serves: a SIGTERM right after the banner is graceful too.
  const stop = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const receiver = config.receiver ?? signer.address;
  const admin = config.admin;
  emit(
    globals.json,
    {
      url: gateway.url,
      upstream: config.upstream,
      network: `eip155:${chainId}`,
      receiver,
      token: token.address,
      store: describeStore(config.store),
      routes,
      admin,
    },
    () =>
      [
        `z402 gateway on ${gateway.url} in front of ${config.upstream} (Ctrl-C to stop)`,
        keyValues([
          ["network", `eip155:${chainId}`],
          ["receiver", receiver],
          ["token", `${token.address} (${token.name} v${token.version})`],
          ["store", describeStore(config.store)],
          ...routes.map((r): [string, string] => [`route ${r.path}`, r.price]),
          ["admin", admin ? `${admin.metrics} ${admin.health} ${admin.ready}` : "none"],
        ]),
      ].join("\n"),
  );
  await stop;
  await gateway.close(); // graceful: in-flight exchanges finish, the worker ends its batch, the store is flushed
  ctx.provider.destroy();
};

type Examples = (cmd: Command, lines: string[]) => Command;
type Run = (load: () => Promise<Action>) => (this: Command, ...params: unknown[]) => Promise<void>;

/** Adds `z402 gateway` to the program (with the program's own `examples` and lazy `run` helpers). */
export function addGatewayCommand(program: Command, examples: Examples, run: Run): void {
  examples(
    program
      .command("gateway")
      .description(
        "Put the paywall in front of an existing HTTP API: a reverse proxy that charges for the routes of a " +
          "YAML or JSON config, streams bodies through and runs the settlement worker.",
      )
      .requiredOption("--config <file>", "gateway config (YAML; JSON when it ends in .json)")
      .option("--host <host>", "interface to listen on (overrides listen.host)")
      .option("--port <port>", "port to listen on (overrides listen.port)")
      .option("--check", "validate the config and exit")
      .action(run(async () => gatewayCommand)),
    ["z402 gateway --config gateway.yaml --key $SELLER_KEY", "z402 gateway --config gateway.yaml --check"],
  );
}
