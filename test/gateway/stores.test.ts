import { expect } from "chai";
import { Redis } from "ioredis";
import { PostgresVoucherStore, RedisVoucherStore, type VoucherStore } from "../../sdk/store";
import { parseGatewayConfig, startGateway } from "../../sdk/gateway";
import { deploy, payingFetch } from "../sdk/paid-http/support/fixture";
import { POSTGRES_SKIP, postgresAvailable, startPostgres } from "../sdk/paid-http/support/postgres-server";
import { redisAvailable, startRedis } from "../sdk/paid-http/support/redis-server";
import { PRICE, rawConfig, startUpstream, type Upstream } from "./support";

/** Starts a gateway on the store its config names, pays one request, and returns what `reader` finds charged. */
async function payThrough(up: Upstream, store: string, reader: () => VoucherStore): Promise<bigint> {
  const d = await deploy();
  const config = parseGatewayConfig(rawConfig(up.url, { receiver: d.receiver, store }));
  const gateway = await startGateway({
    config,
    signer: d.relayer,
    chainId: d.chainId,
    escrow: d.escrow,
    token: { address: d.tokenAddress, name: "USDC", version: "2" },
    depositCollector: d.collector,
    mirrorPollMs: 200,
  });
  try {
    const res = await payingFetch(d)(`${gateway.url}/paid/hello`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal("hello from upstream");
  } finally {
    await gateway.close();
  }
  const check = reader();
  try {
    return (await check.listOwed()).reduce((s, r) => s + r.charged, 0n);
  } finally {
    await check.close();
  }
}

describe("z402 gateway: the store its config names", function () {
  let up: Upstream;
  before(async function () {
    up = await startUpstream();
  });
  after(async function () {
    await up?.close();
  });

  it("keeps the charge in PostgreSQL with store: postgres://…", async function () {
    if (!postgresAvailable()) {
      console.log(POSTGRES_SKIP);
      this.skip();
    }
    const pg = await startPostgres();
    try {
      const url = await pg.createDatabase("gateway");
      expect(await payThrough(up, url, () => new PostgresVoucherStore({ connectionString: url }))).to.equal(
        PRICE,
      );
    } finally {
      await pg.stop();
    }
  });

  it("keeps the charge in Redis with store: redis://…", async function () {
    if (!redisAvailable()) this.skip();
    const redis = await startRedis();
    try {
      const url = `redis://127.0.0.1:${redis.port}`;
      const reader = () => new RedisVoucherStore({ client: new Redis(url), ownsClient: true });
      expect(await payThrough(up, url, reader)).to.equal(PRICE);
    } finally {
      await redis.stop();
    }
  });
});
