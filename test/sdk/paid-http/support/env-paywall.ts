/**
 * The paywall of a server run as a child process (the crash test's, the paid-HTTP bench's), configured from the
 * environment: Z402_RPC, Z402_CHAIN_ID, Z402_RELAYER, Z402_ESCROW, Z402_TOKEN, Z402_COLLECTOR, Z402_RECEIVER,
 * Z402_AUTHORIZER, Z402_WITHDRAW_DELAY, Z402_PRICE (routes `/paid/*`) and Z402_DB (a SQLite file), or Z402_PG_URL
 * (a PostgreSQL database: when set, the store is a PostgresVoucherStore there).
 */
import { JsonRpcProvider } from "ethers";
import { ChainMirror, EthersEscrowChain, Paywall } from "../../../../sdk/server";
import { PostgresVoucherStore, SqliteVoucherStore } from "../../../../sdk/store";

export interface EnvPaywallOptions {
  /** The chain mirror's poll interval. */
  pollMs: number;
  synchronous?: "FULL" | "NORMAL";
  instanceId?: string;
}

export async function paywallFromEnv(env: NodeJS.ProcessEnv, o: EnvPaywallOptions) {
  const chainId = BigInt(env.Z402_CHAIN_ID!);
  const provider = new JsonRpcProvider(env.Z402_RPC, Number(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  const chain = new EthersEscrowChain(chainId, env.Z402_ESCROW!, await provider.getSigner(env.Z402_RELAYER!));
  const mirror = new ChainMirror(chain, { pollMs: o.pollMs });
  await mirror.start();
  const store = env.Z402_PG_URL
    ? new PostgresVoucherStore({ connectionString: env.Z402_PG_URL })
    : new SqliteVoucherStore({
        filename: env.Z402_DB!,
        ...(o.synchronous ? { synchronous: o.synchronous } : {}),
      });
  const paywall = new Paywall({
    network: `eip155:${chainId}`,
    chain,
    mirror,
    store,
    token: { address: env.Z402_TOKEN!, name: "USDC", version: "2" },
    payTo: env.Z402_RECEIVER!,
    receiverAuthorizer: env.Z402_AUTHORIZER!,
    withdrawDelay: Number(env.Z402_WITHDRAW_DELAY),
    depositCollector: env.Z402_COLLECTOR!,
    routes: [{ path: "/paid/*", price: BigInt(env.Z402_PRICE!) }],
    ...(o.instanceId ? { instanceId: o.instanceId } : {}),
  });
  await paywall.start();
  return { paywall, mirror, store };
}
