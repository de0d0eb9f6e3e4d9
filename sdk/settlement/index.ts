export { SettlementWorker, type SettlementOptions, type RunReport } from "./worker";
