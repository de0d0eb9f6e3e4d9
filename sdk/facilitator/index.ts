export { createFacilitator } from "./facilitator";
export { createFacilitatorHandler, serveFacilitator } from "./http";
export type { FacilitatorHttpOptions, RunningFacilitator } from "./http";
export { ExactEip3009Scheme } from "./exact";
export type { ExactSchemeOptions } from "./exact";
export { Reason } from "./reasons";
export type { ReasonCode } from "./reasons";
export type * from "./types";
