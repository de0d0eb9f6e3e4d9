import type { IncomingMessage, ServerResponse } from "node:http";
import type { Provider } from "ethers";
import type { DestinationStream, Logger } from "pino";
import type { Registry } from "prom-client";
import type { ChainMirror } from "../server/mirror";
import type { VoucherStore } from "../store/types";

/** A plain `node:http` request listener (Express accepts it too). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ObservabilityOptions {
  /** Service name, on every log line (`service`). */
  service: string;
  /** Log level (pino's: trace, debug, info, warn, error, fatal, silent). Default `LOG_LEVEL` or `info`. */
  level?: string;
  /** Human-readable lines (pino-pretty, when installed). Default: NODE_ENV is not `production` and stdout is a TTY. */
  pretty?: boolean;
  /** Registry for the metrics. Default: a new one (not prom-client's global registry). */
  registry?: Registry;
  /** Where log lines go. Default: stdout. */
  destination?: DestinationStream;
}

export interface Observability {
  /** Structured JSON logger; lines are scrubbed of signatures, payment headers and secrets. */
  logger: Logger;
  registry: Registry;
  /** `GET /metrics`: the registry in Prometheus text format. */
  metricsHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** `/healthz` (200 while serving) and `/readyz` (200 or 503, JSON of each check). */
  healthHandlers(checks: HealthChecks): { live: NodeHandler; ready: NodeHandler };
}

/** What readiness checks; each check is left out when not given. */
export interface HealthChecks {
  /** Reachable: a read of a channel that does not exist answers. */
  store?: VoucherStore;
  /** Reachable: the block number answers. */
  chain?: { blockNumber(): Promise<number> } | Provider;
  /** Caught up: it last caught up with the chain head at most `maxMirrorLagMs` ago. */
  mirror?: ChainMirror;
  /** Default 30 s. */
  maxMirrorLagMs?: number;
  /** How long one check may take before it counts as failed (ms). Default 2 s. */
  checkTimeoutMs?: number;
}
