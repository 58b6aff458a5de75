import type { UsersApi } from "./users-api.js";

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * A UsersApi whose implementation loads with its first call: a server that starts and lists its
 * tools does not build the request pipeline or the response schemas. Every method of UsersApi
 * returns a promise, so each is forwarded as an async call. A failed load is not kept: the next
 * call tries again.
 */
export function lazyUsersApi(load: () => Promise<UsersApi>): UsersApi {
  let loaded: Promise<UsersApi> | undefined;
  const api = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  const methods = new Map<PropertyKey, AnyMethod>();
  return new Proxy({} as UsersApi, {
    get(_target, name) {
      // Not a thenable: `await api` must give the api itself.
      if (name === "then") return undefined;
      let method = methods.get(name);
      if (!method) {
        method = async (...args) => {
          const real = await api();
          const called = Reflect.get(real, name) as AnyMethod | undefined;
          if (typeof called !== "function") throw new TypeError(`UsersApi has no method ${String(name)}`);
          return Reflect.apply(called, real, args);
        };
        methods.set(name, method);
      }
      return method;
    },
  });
}
