/** An error the sandbox answers with, as `{statusCode, message}` (the shape Contabo's clients decode). */
export class SandboxHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new SandboxHttpError(400, message);
export const notFound = (message: string) => new SandboxHttpError(404, message);
