import type { ChainMirror } from "../server/mirror";
import { metricsFor } from "./metrics";
import type { Observability } from "./types";

/**
 * Exposes the mirror's lag (seconds since it last caught up, blocks behind, last block read) and counts failed
 * polls; logs when polls start failing and when the mirror has caught up again. Returns the detachment.
 */
export function observeMirror(mirror: ChainMirror, obs: Observability): () => void {
  const m = metricsFor(obs.registry);
  const log = obs.logger.child({ component: "mirror" });
  m.sources.mirrors.add(mirror);
  let failing = 0;
  const off = mirror.on({
    poll({ block, head, ms }) {
      m.mirrorBlock.set(block);
      if (failing > 0) log.info({ block, head, ms, failedPolls: failing }, "mirror caught up again");
      failing = 0;
    },
    pollFailed({ error }) {
      m.mirrorPollFailures.inc();
      if (failing++ === 0) log.warn({ err: error }, "mirror poll failed; retrying every poll");
    },
  });
  return () => {
    off();
    m.sources.mirrors.delete(mirror);
  };
}
