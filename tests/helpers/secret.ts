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

/** Every run of ten characters of the text: none of them may appear where the text must not. */
export const runsOfTen = (text: string) =>
  Array.from({ length: Math.max(0, text.length - 9) }, (_, i) => text.slice(i, i + 10));
