import { type CredentialNaming, nameCredentialSource } from "./cntb-config.js";
import { renameInError } from "./errors.js";
import type { UsersApi } from "./users-api.js";

/**
 * Errors that name the settings where they came from: with the credentials read from
 * ~/.cntb.yaml, a Contabo error names that file's keys, not the CONTABO_* variables.
 */

/** `make()`, its Contabo errors (a refused URL at start) naming the settings as `naming` says. */
export function nameErrorsOf<T>(naming: CredentialNaming | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw naming ? renameInError(error, (text) => nameCredentialSource(text, naming)) : error;
  }
}

/** The API with every Contabo error's text naming the settings as `naming` says. */
export function namingErrors(api: UsersApi, naming: CredentialNaming): UsersApi {
  const rename = (error: unknown) => renameInError(error, (text) => nameCredentialSource(text, naming));
  return new Proxy(api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw rename(error);
              })
            : result;
        } catch (error) {
          throw rename(error);
        }
      };
    },
  });
}
