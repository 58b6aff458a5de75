import { LOCALES } from "../contabo-api-schemas/common.js";
import { SeededRandom } from "./random.js";
import { SandboxState, type StoredRole, type StoredUser } from "./state.js";

/** The sandbox's API login. Not a secret: it opens only the simulator on 127.0.0.1. */
export const SANDBOX_LOGIN = {
  username: "anna.schmidt@example.com",
  password: "sandbox-api-password",
} as const;
export const SANDBOX_CLIENT_ID = "DE-54321";
export const DEFAULT_SEED = 20_261_129;
export const SEEDED_USER_COUNT = 25;

const ROLES: StoredRole[] = [
  {
    roleId: 1,
    name: "Administrator",
    admin: true,
    accessAllResources: true,
    type: "default",
    permissions: [],
  },
  {
    roleId: 2,
    name: "Billing",
    admin: false,
    accessAllResources: true,
    type: "default",
    permissions: [
      { apiName: "/v1/invoices", actions: ["READ"] },
      { apiName: "/v1/payment-methods", actions: ["CREATE", "READ", "UPDATE", "DELETE"] },
    ],
  },
  {
    roleId: 3,
    name: "Read only",
    admin: false,
    accessAllResources: true,
    type: "default",
    permissions: [
      { apiName: "/v1/compute/instances", actions: ["READ"] },
      { apiName: "/v1/object-storages", actions: ["READ"] },
      { apiName: "/v1/users", actions: ["READ"] },
    ],
  },
  {
    roleId: 101,
    name: "infrastructure",
    admin: false,
    accessAllResources: false,
    type: "custom",
    permissions: [
      {
        apiName: "/v1/compute/instances",
        actions: ["CREATE", "READ", "UPDATE", "DELETE"],
        resources: [{ tagId: 12345, tagName: "Web" }],
      },
      { apiName: "/v1/compute/snapshots", actions: ["CREATE", "READ", "DELETE"] },
    ],
  },
  {
    roleId: 102,
    name: "dns-managers",
    admin: false,
    accessAllResources: false,
    type: "custom",
    permissions: [{ apiName: "/v1/dns/zones", actions: ["CREATE", "READ", "UPDATE", "DELETE"] }],
  },
  {
    roleId: 103,
    name: "object-storage-operators",
    admin: false,
    accessAllResources: true,
    type: "custom",
    permissions: [{ apiName: "/v1/object-storages", actions: ["CREATE", "READ", "UPDATE"] }],
  },
];

const FIRST_NAMES = [
  "Lukas",
  "Sofia",
  "Mateo",
  "Emma",
  "Jonas",
  "Lucia",
  "Pedro",
  "Mia",
  "Felix",
  "Ana",
  "Diego",
  "Lea",
  "Tiago",
  "Hannah",
  "Pablo",
  "Clara",
  "Noah",
  "Beatriz",
  "Elias",
  "Carmen",
  "Leon",
  "Julia",
  "Hugo",
  "Marta",
] as const;
const LAST_NAMES = [
  "Müller",
  "Garcia",
  "Silva",
  "Weber",
  "Fernández",
  "Costa",
  "Becker",
  "López",
  "Santos",
  "Wagner",
  "Martín",
  "Oliveira",
  "Hoffmann",
  "Sánchez",
  "Pereira",
  "Koch",
  "Romero",
  "Almeida",
  "Richter",
  "Navarro",
] as const;

/** Builds the seeded demo tenant: an owner, ~25 users, default and custom roles, two object storages. */
export function seedState(seed: number = DEFAULT_SEED, userCount: number = SEEDED_USER_COUNT): SandboxState {
  const random = new SeededRandom(seed);
  const state = new SandboxState(
    { tenantId: "DE", customerId: "54321" },
    random,
    { id: random.uuid(), clientId: SANDBOX_CLIENT_ID, secret: random.uuid() },
    { ...SANDBOX_LOGIN },
  );
  for (const role of ROLES) state.roles.set(role.roleId, role);
  state.storages.push(
    { objectStorageId: random.uuid(), displayName: "Backups EU", region: "European Union" },
    { objectStorageId: random.uuid(), displayName: "Media US", region: "United States (Central)" },
  );

  const owner: StoredUser = {
    userId: random.uuid(),
    firstName: "Anna",
    lastName: "Schmidt",
    email: SANDBOX_LOGIN.username,
    emailVerified: true,
    enabled: true,
    totp: true,
    locale: "de-DE",
    roleIds: [],
    owner: true,
    passwordSet: true,
  };
  state.users.set(owner.userId, owner);

  const customRoleIds = [101, 102, 103];
  for (let i = 1; i < userCount; i++) {
    const firstName = FIRST_NAMES[(i * 7) % FIRST_NAMES.length] ?? "Alex";
    const lastName = LAST_NAMES[(i * 11) % LAST_NAMES.length] ?? "Doe";
    const roleIds =
      i % 6 === 0 ? [] : i % 5 === 0 ? [1] : [random.pick(customRoleIds), ...(i % 3 === 0 ? [3] : [])];
    const user: StoredUser = {
      userId: random.uuid(),
      firstName,
      lastName,
      // Unique: the first 24 names differ; larger tenants (benchmarks) number the rest.
      email: `${asciiLocalPart(firstName)}.${asciiLocalPart(lastName)}${i < SEEDED_USER_COUNT ? "" : i}@example.com`,
      emailVerified: random.chance(0.75),
      enabled: random.chance(0.85),
      totp: random.chance(0.5),
      locale: random.pick(LOCALES),
      roleIds: [...new Set(roleIds)],
      owner: false,
      // Every fourth user was invited and has not set a password yet.
      passwordSet: i % 4 !== 0,
    };
    state.users.set(user.userId, user);
  }
  for (const user of state.users.values()) state.addCredentialsFor(user.userId);
  return state;
}

function asciiLocalPart(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}
