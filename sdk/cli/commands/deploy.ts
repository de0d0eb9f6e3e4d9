import { unavailable } from "./unavailable";
export const deployCommand = unavailable("deploy");
