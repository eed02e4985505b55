/**
 * The pipeline's test step: uses the session's client secret against the API the way a ChatKit
 * front end does (as a bearer token) and lists the session user's threads.
 *   node smoke.js            succeeds while the session is live
 *   node smoke.js --revoked  succeeds once destroy has cancelled the session
 * It reads the secret from `pulumi stack output --show-secrets clientSecret`.
 */
import { execFileSync } from "node:child_process";
import OpenAI from "openai";

const pulumi = process.env.PULUMI_BIN ?? "pulumi";
const output = (name: string, secret = false) =>
  execFileSync(pulumi, ["stack", "output", name, ...(secret ? ["--show-secrets"] : [])], { encoding: "utf8" }).trim();

async function main(): Promise<void> {
  const expectRevoked = process.argv.includes("--revoked");
  const clientSecret = process.env.CHATKIT_CLIENT_SECRET ?? output("clientSecret", true);
  if (!clientSecret) throw new Error("the stack has no clientSecret output");
  const client = new OpenAI({
    apiKey: clientSecret,
    baseURL: process.env.OPENAI_BASE_URL,
    maxRetries: 2,
    timeout: 20_000,
  });
  try {
    const threads = await client.beta.chatkit.threads.list({ limit: 1 });
    if (expectRevoked) throw new Error("the client secret still works after destroy");
    console.log(`smoke: the client secret works (${threads.data.length} thread(s) visible)`);
  } catch (error) {
    if (expectRevoked && error instanceof OpenAI.APIError && error.status === 401) {
      console.log("smoke: the client secret was revoked by destroy");
      return;
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`smoke: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
