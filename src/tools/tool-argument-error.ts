/** Raised when arguments name something that does not exist, before anything is changed. */
export class ToolArgumentError extends Error {}
