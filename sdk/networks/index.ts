export * from "./caip";
export * from "./presets";
export * from "./deployments";
