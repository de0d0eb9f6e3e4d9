import type { IncomingMessage, ServerResponse } from "node:http";
import { scrub } from "./logger";
import type { HealthChecks } from "./types";

/** A channel id no channel has: reading it proves the store answers. */
const NO_CHANNEL = "0x" + "0".repeat(64);

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
  [detail: string]: unknown;
}

/** Runs `probe` within `timeoutMs`: its details when it answers, its error (cut) when it fails or is too slow. */
async function check(probe: () => Promise<Record<string, unknown>>, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const details = await Promise.race([probe(), late]);
    return { ok: true, ms: Date.now() - started, ...details };
  } catch (err) {
    return {
      ok: false,
      ms: Date.now() - started,
      error: scrub(String((err as Error)?.message ?? err)).slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The block number from either a plain `{ blockNumber() }` or an ethers provider. */
function blockNumber(chain: NonNullable<HealthChecks["chain"]>): Promise<number> {
  return "getBlockNumber" in chain ? chain.getBlockNumber() : chain.blockNumber();
}

/** Each configured check's result. */
export async function runChecks(c: HealthChecks): Promise<Record<string, CheckResult>> {
  const timeoutMs = c.checkTimeoutMs ?? 2000;
  const maxLag = c.maxMirrorLagMs ?? 30_000;
  const probes: Record<string, () => Promise<Record<string, unknown>>> = {};
  const { store, chain, mirror } = c;
  if (store) probes.store = async () => (await store.get(NO_CHANNEL), {});
  if (chain) probes.chain = async () => ({ block: await blockNumber(chain) });
  if (mirror) {
    probes.mirror = async () => {
      const lag = mirror.lag();
      if (!Number.isFinite(lag.ms)) throw new Error("mirror not running");
      if (lag.ms > maxLag) throw new Error(`mirror last caught up ${lag.ms} ms ago (max ${maxLag})`);
      return { lagMs: lag.ms, block: lag.block, head: lag.head };
    };
  }
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => check(probes[name], timeoutMs)));
  return Object.fromEntries(names.map((name, i) => [name, results[i]]));
}

/** `/readyz`: 200 when every check passes and the process is not shutting down, else 503; JSON of each check. */
export function readinessHandler(checks: HealthChecks, draining: () => boolean) {
  return async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const results = await runChecks(checks);
    const shuttingDown = draining();
    const ok = !shuttingDown && Object.values(results).every((r) => r.ok);
    const body = { status: ok ? "ready" : shuttingDown ? "shutting_down" : "not_ready", checks: results };
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };
}
