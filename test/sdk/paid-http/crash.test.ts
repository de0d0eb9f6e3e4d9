import path from "node:path";
import { SqliteVoucherStore } from "../../../sdk/store";
import { shouldSurviveKill9 } from "./support/crash-run";

describe("crash safety: a paid server killed with SIGKILL during traffic", function () {
  shouldSurviveKill9({
    name: "sqlite",
    env: (dir) => ({ Z402_DB: path.join(dir, "vouchers.db") }),
    open: (dir) => new SqliteVoucherStore({ filename: path.join(dir, "vouchers.db") }),
  });
});
