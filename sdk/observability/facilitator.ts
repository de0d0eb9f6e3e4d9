import type { FacilitatorEvent, ObservableFacilitator } from "../facilitator/facilitator";
import { metricsFor } from "./metrics";
import type { Observability } from "./types";

/**
 * Counts, times and logs the facilitator's answers: verify/settle requests by scheme, network and result,
 * refusals by reason. A settle gets a log line (transaction, channel id, payer); a refusal gets one with its
 * reason. Returns the detachment. Mount `/metrics` with `serveFacilitator(f, { obs })`.
 */
export function observeFacilitator(facilitator: ObservableFacilitator, obs: Observability): () => void {
  const m = metricsFor(obs.registry);
  const log = obs.logger.child({ component: "facilitator" });
  return facilitator.on({
    request(e: FacilitatorEvent) {
      const { kind, ok, reason } = e;
      const labels = { kind, scheme: e.scheme ?? "unknown", network: e.network ?? "unknown" };
      m.facilitatorRequests.inc({ ...labels, result: ok ? "ok" : "refused" });
      m.facilitatorDuration.observe({ kind }, e.ms / 1000);
      const fields = { ...labels, channelId: e.channelId, payer: e.payer, transaction: e.transaction };
      if (!ok) {
        m.facilitatorRefusals.inc({ kind, reason: reason ?? "unknown" });
        log[kind === "settle" ? "warn" : "info"]({ ...fields, reason }, `${kind} refused`);
      } else if (kind === "settle") {
        log.info(fields, "settled");
      } else {
        log.debug(fields, "verified");
      }
    },
  });
}
