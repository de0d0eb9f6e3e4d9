import { PostgresVoucherStore } from "../../../sdk/store";
import { shouldSurviveKill9 } from "./support/crash-run";
import {
  POSTGRES_SKIP,
  postgresAvailable,
  startPostgres,
  type PostgresServer,
} from "./support/postgres-server";

describe("crash safety on PostgreSQL: a paid server killed with SIGKILL during traffic", function () {
  let server: PostgresServer | undefined;
  before(async function () {
    if (!postgresAvailable()) {
      console.log(POSTGRES_SKIP);
      this.skip();
    }
    server = await startPostgres();
    console.log(`    (PostgreSQL ready in ${server.startMs} ms)`);
  });
  after(async () => server?.stop());

  shouldSurviveKill9({
    name: "postgres",
    env: () => ({ Z402_PG_URL: server!.url }),
    open: () => new PostgresVoucherStore({ connectionString: server!.url }),
  });
});
