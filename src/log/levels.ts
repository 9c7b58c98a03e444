// The log levels leadloop knows, apart from the logger itself: the command line offers them in every
// command's help, which must not load the logging library to say so.
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
