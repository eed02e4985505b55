/**
 * Records the state this version of pulumi-chatkit writes, as never-changing fixtures for the
 * compatibility tests: for a minimal and a fully specified session, one that is live, one that
 * has expired and one cancelled outside Pulumi. Each session is created through the real
 * dynamic-provider host (check, then create, as the engine calls them) against the emulator.
 *
 *   npm run build --silent && node dist/tests/compat/record.js
 *
 * Run it only when a release changes what is written to state; it refuses to overwrite a version's
 * fixtures that already exist.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import OpenAI from "openai";
import { startEmulator } from "../../emulator/server";
import { startHost } from "../../scripts/tooling/host";
import { ChatKitSession } from "../../sdk/chatkitSession";
import { TEST_API_KEY } from "../helpers/emulator";
import { runUnderMocks } from "../helpers/mocks";
import { SESSIONS, STATE_FIXTURES_DIR, type StateFixture } from "./stateFixtures";

const REPO_ROOT = path.resolve(__dirname, "../../..");
/** How long after its expiry an expired session is recorded: beyond any clock tolerance. */
const EXPIRED_FOR_SECONDS = 3600;

async function main(): Promise<void> {
  const version: string = require(path.join(REPO_ROOT, "package.json")).version;
  const folder = path.join(STATE_FIXTURES_DIR, version);
  if (fs.existsSync(folder)) throw new Error(`State fixtures of ${version} exist already; they never change.`);

  const { registrations } = await runUnderMocks(
    () => new ChatKitSession("probe", { user: "probe", workflow: { id: "wf_probe" } }),
  );
  const type = registrations[0]?.type as string;
  const provider = registrations[0]?.inputs.__provider as string;
  const recordedWith = {
    package: `pulumi-chatkit ${version}`,
    pulumi: `@pulumi/pulumi ${require("@pulumi/pulumi/package.json").version}`,
    node: process.version,
  };

  const emulator = await startEmulator();
  const host = await startHost({ cwd: REPO_ROOT, env: { OPENAI_API_KEY: "", OPENAI_BASE_URL: "" } });
  const fixtures: StateFixture[] = [];
  try {
    await host.configure({ "chatkit:apiKey": TEST_API_KEY, "chatkit:baseUrl": emulator.url });
    const outside = new OpenAI({ apiKey: TEST_API_KEY, baseURL: emulator.url });
    for (const [session, given] of Object.entries(SESSIONS) as [StateFixture["session"], Record<string, unknown>][]) {
      for (const situation of ["live", "expired", "cancelled"] as const) {
        const checked = await host.check({}, { __provider: provider, ...given });
        if (checked.failures.length > 0)
          throw new Error(`check refused ${session}: ${JSON.stringify(checked.failures)}`);
        const created = await host.create(checked.inputs);
        let at = Math.floor(Date.now() / 1000);
        if (situation === "cancelled") {
          // Cancelled elsewhere (a console, a script), not by Pulumi: the state still says active.
          await outside.beta.chatkit.sessions.cancel(created.id);
          at = Math.floor(Date.now() / 1000);
        }
        if (situation === "expired") at = created.properties.expiresAt + EXPIRED_FOR_SECONDS;
        const offset = at - emulator.nowSeconds();
        emulator.advanceClock(offset);
        const apiStatus = emulator.session(created.id)!.status;
        emulator.advanceClock(-offset);
        fixtures.push({
          recordedWith,
          type,
          session,
          situation,
          at,
          apiStatus,
          id: created.id,
          inputs: checked.inputs,
          outputs: created.properties,
        });
      }
    }
  } finally {
    await host.close();
    await emulator.close();
  }

  fs.mkdirSync(folder, { recursive: true });
  for (const fixture of fixtures) {
    const file = path.join(folder, `${fixture.session}-${fixture.situation}.json`);
    fs.writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`${path.relative(REPO_ROOT, file)}: ${fixture.id}, ${fixture.apiStatus} at ${fixture.at}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
