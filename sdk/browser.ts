/** `z402` for browsers: the same core, with no Node built-ins (deployments come in as parsed JSON). */
export * from "./core";
