export { SettlementWorker, type SettlementOptions, type RunReport } from "./worker";
export { facilitatorSubmitter, type ClaimSubmitter } from "./facilitator-submitter";
export { listQuarantined, releaseQuarantined, describeQuarantined, type QuarantinedRow } from "./quarantine";
