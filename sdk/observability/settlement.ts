import type { SettlementWorker } from "../settlement/worker";
import { amount, metricsFor } from "./metrics";
import type { Observability } from "./types";

/**
 * Counts and logs what the settlement worker does: rounds, claim batches and the amount they claimed, settles,
 * failures, quarantined channels; its exposure when no paywall is observed. Every claim batch, settle and
 * quarantine gets a log line with its channel ids and transaction. Returns the detachment.
 */
export function observeWorker(worker: SettlementWorker, obs: Observability): () => void {
  const m = metricsFor(obs.registry);
  const log = obs.logger.child({ component: "settlement" });
  const exposure = () => worker.exposure();
  m.sources.workers.add(exposure);
  const off = worker.on({
    round({ report, ms }) {
      m.rounds.inc({ result: "ok" });
      m.quarantined.set(report.quarantined.length);
      const level = report.claimedChannels > 0 ? "info" : "debug";
      const summary = {
        claimedChannels: report.claimedChannels,
        claimedAmount: report.claimedAmount.toString(),
        transactions: report.transactions,
        quarantined: report.quarantined.length,
        ms,
      };
      log[level](summary, "settlement round done");
    },
    failed({ error, ms }) {
      m.rounds.inc({ result: "failed" });
      m.failures.inc();
      log.error({ err: error, ms }, "settlement round failed");
    },
    batch({ transaction, channelIds, amount: claimed }) {
      m.batches.inc();
      m.claimed.inc(amount(claimed));
      log.info({ transaction, channelIds, amount: claimed.toString() }, "claim batch landed");
    },
    settle({ transaction, receiver, token }) {
      m.settles.inc();
      log.info({ transaction, receiver, token }, "settled");
    },
    quarantined({ channelId, reason }) {
      m.quarantinedRows.inc();
      log.warn({ channelId, reason }, "channel quarantined");
    },
  });
  return () => {
    off();
    m.sources.workers.delete(exposure);
  };
}
