/** `z402 deploy`: the System module with Ignition onto a network, and its deployments record. */
import { loadHardhat } from "../hardhat-loader";
import { openContext, signerOf, type GlobalOptions } from "../context";
import { UsageError } from "../errors";
import { emit, keyValues } from "../output";
import { parsePort } from "../parse";
import type { Action } from "../action";
import { deployFromRepo } from "../repo-deploy";

/** The repository's Hardhat network for each CLI network, and the variable holding its RPC URL. */
const HARDHAT_NETWORKS: Record<string, { name: string; rpcEnv?: string }> = {
  local: { name: "localhost" },
  "base-sepolia": { name: "baseSepolia", rpcEnv: "BASE_SEPOLIA_RPC_URL" },
  base: { name: "base", rpcEnv: "BASE_RPC_URL" },
};

/** `--port <n>` is short for `--rpc http://127.0.0.1:<n>` (a local chain on another port). */
function withPort(globals: GlobalOptions, port: unknown): GlobalOptions {
  if (port === undefined) return globals;
  if (globals.rpc !== undefined) throw new UsageError("Pass either --port or --rpc, not both");
  return { ...globals, rpc: `http://127.0.0.1:${parsePort(String(port))}` };
}

export const deployCommand: Action = async (_args, options, globals) => {
  const ctx = openContext(withPort(globals, options.port));
  const target = HARDHAT_NETWORKS[ctx.network.name];
  if (!target) {
    throw new UsageError(
      `The repository deploys to ${Object.keys(HARDHAT_NETWORKS).join(", ")}, not ${ctx.network.name}: pass one of them with --network`,
    );
  }
  // Hardhat reads the key and the RPC URL from the environment when its config loads.
  if (ctx.network.name !== "local") process.env.DEPLOYER_PRIVATE_KEY = signerOf(ctx).privateKey;
  if (target.rpcEnv) process.env[target.rpcEnv] = ctx.rpcUrl;
  await ctx.provider.getBlockNumber(); // one sentence now if the chain is unreachable
  ctx.provider.destroy();
  const hre = loadHardhat(target.name);
  // The repository's `localhost` network is http://127.0.0.1:8545; its provider is created on first use, from this
  // same config object, so a local chain elsewhere (--rpc, --port) is reached by pointing the config there first.
  if (ctx.network.name === "local") (hre.network.config as { url?: string }).url = ctx.rpcUrl;
  const { record, file } = await deployFromRepo(hre, {
    outDir: options.outDir as string | undefined,
    displayUi: !globals.json,
  });
  emit(globals.json, { file, ...record }, () =>
    [
      `System deployed on chain ${record.chainId} from block ${record.startBlock}; record written to ${file}`,
      keyValues(Object.entries(record.contracts).map(([k, c]) => [k, c.address])),
    ].join("\n"),
  );
};
