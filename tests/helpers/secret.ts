/**
 * Whether a client secret still works against the API (the emulator), asked the way a ChatKit
 * front end does: listing threads with the secret as bearer token. This is the ground truth that
 * the lifecycle's clock-based decisions are checked against.
 */
export async function secretWorks(apiUrl: string, clientSecret: string): Promise<boolean> {
  const answer = await fetch(`${apiUrl}/chatkit/threads`, {
    headers: { authorization: `Bearer ${clientSecret}`, "openai-beta": "chatkit_beta=v1" },
  });
  await answer.arrayBuffer();
  return answer.ok;
}
