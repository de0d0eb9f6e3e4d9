import { unavailable } from "./unavailable";
export const facilitatorCommand = unavailable("facilitator");
