/**
 * Builds an API path from a template, percent-encoding every interpolated value as one path
 * segment, so that no argument can change which route is called:
 * apiPath`/v1/users/${userId}` with userId "../client" gives "/v1/users/..%2Fclient".
 */
export function apiPath(strings: TemplateStringsArray, ...segments: Array<string | number>): string {
  return strings.reduce((path, literal, index) => {
    const segment = segments[index - 1];
    return path + (segment === undefined ? "" : encodeSegment(segment)) + literal;
  });
}

function encodeSegment(value: string | number): string {
  const text = String(value);
  if (text === "" || text === "." || text === "..") {
    throw new TypeError(`Invalid path segment: ${JSON.stringify(text)}`);
  }
  return encodeURIComponent(text);
}
