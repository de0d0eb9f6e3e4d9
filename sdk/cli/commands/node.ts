import { unavailable } from "./unavailable";
export const nodeCommand = unavailable("node");
