/** `z402 deploy`: the System module with Ignition onto a network, and its deployments record. */
import { loadHardhat } from "../hardhat-loader";
import { openContext, signerOf } from "../context";
import { UsageError } from "../errors";
import { emit, keyValues } from "../output";
import type { Action } from "../action";
import { deployFromRepo } from "../repo-deploy";

/** The repository's Hardhat network for each CLI network, and the variable holding its RPC URL. */
const HARDHAT_NETWORKS: Record<string, { name: string; rpcEnv?: string }> = {
  local: { name: "localhost" },
  "base-sepolia": { name: "baseSepolia", rpcEnv: "BASE_SEPOLIA_RPC_URL" },
  base: { name: "base", rpcEnv: "BASE_RPC_URL" },
};

export const deployCommand: Action = async (_args, options, globals) => {
  const ctx = openContext(globals);
  const target = HARDHAT_NETWORKS[ctx.network.name];
  if (ctx.network.name === "local" && ctx.rpcUrl !== "http://127.0.0.1:8545") {
    throw new UsageError(
      "Local deployments go to http://127.0.0.1:8545 (start it with `z402 node`): drop --rpc",
    );
  }
  // Hardhat reads the key and the RPC URL from the environment when its config loads.
  if (ctx.network.name !== "local") process.env.DEPLOYER_PRIVATE_KEY = signerOf(ctx).privateKey;
  if (target.rpcEnv) process.env[target.rpcEnv] = ctx.rpcUrl;
  await ctx.provider.getBlockNumber(); // one sentence now if the chain is unreachable
  ctx.provider.destroy();
  const hre = loadHardhat(target.name);
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
