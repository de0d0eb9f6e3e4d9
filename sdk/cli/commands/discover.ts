import { unavailable } from "./unavailable";
export const discoverCommand = unavailable("discover");
