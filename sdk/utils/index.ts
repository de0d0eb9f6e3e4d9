export * from "./hex";
export * from "./keccak";
export * from "./address";
export * from "./uint";
