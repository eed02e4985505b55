/**
 * Reading an error's chain of causes (`error.cause`, as fetch and the SDK nest them), each walk
 * bounded in depth, since a chain may loop back on itself.
 */

/** The messages of the chain, each with its code when the message does not already hold it. */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(
      typeof code === "string" && !current.message.includes(code) ? `${current.message} ${code}` : current.message,
    );
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(": ") || String(error);
}

/** The first code along the chain (ECONNREFUSED, ERR_TLS_…), where undici and Node put it. */
export function connectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message of the deepest error of the chain. */
export function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = "";
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
