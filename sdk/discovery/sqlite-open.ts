/** Opens a better-sqlite3 database by path, or adopts one the caller already has open (then the caller closes it). */
import { createRequire } from "node:module";

/** The slice of better-sqlite3's `Database` the SQLite-backed stores use. */
export interface SqliteHandle {
  pragma(source: string): unknown;
  exec(source: string): unknown;
}

export function openSqlite<D extends SqliteHandle>(db: D | string): { db: D; owned: boolean } {
  if (typeof db !== "string") return { db, owned: false };
  // Loaded lazily: better-sqlite3 is an optional dependency and a native module. A require made for this file, so
  // the ESM build (where `require` is not defined; the build shims `__filename`) loads it too.
  const Ctor = createRequire(__filename)("better-sqlite3") as new (file: string) => D;
  const opened = new Ctor(db);
  opened.pragma("journal_mode = WAL");
  return { db: opened, owned: true };
}
