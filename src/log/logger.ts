// The logger every layer receives: events from a fixed vocabulary (`run.started`, `batch.applied`) with
// ids as fields, never record bodies or secrets. Backed by winston; silent in tests unless asked.
import winston from "winston";
import { LOG_LEVELS, type LogLevel } from "./levels.js";
import { redactFields, redactText } from "./redact.js";


export type LogFields = Record<string, unknown>;

export interface Logger {
  error(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Readable lines for a terminal instead of JSON lines. */
  pretty: boolean;
  /** Values to blank wherever they appear (tokens, client secrets from the config). */
  secrets?: readonly string[];
  /** Where lines go; stderr by default so stdout stays for results. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = [...(options.secrets ?? [])];
  const redaction = winston.format((info) => {
    const clean = redactFields(info, secrets) as winston.Logform.TransformableInfo;
    clean.message = redactText(String(info.message), secrets);
    return clean;
  });
  const output = options.pretty
    ? winston.format.combine(
        winston.format.timestamp({ format: "HH:mm:ss" }),
        winston.format.colorize(),
        winston.format.printf(({ level, message, timestamp, ...rest }) => {
          const pairs = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(" ");
          return `${String(timestamp)} ${level} ${String(message)}${pairs ? ` ${pairs}` : ""}`;
        }),
      )
    : winston.format.combine(winston.format.timestamp(), winston.format.json());
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] });
  const base = winston.createLogger({
    level: options.level,
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    format: winston.format.combine(redaction(), output),
    transports: [transport],
  });
  return wrap(base);
}

function wrap(w: winston.Logger): Logger {
  return {
    error: (event, fields) => w.log("error", event, kept(fields)),
    warn: (event, fields) => w.log("warn", event, kept(fields)),
    info: (event, fields) => w.log("info", event, kept(fields)),
    debug: (event, fields) => w.log("debug", event, kept(fields)),
    child: (fields) => wrap(w.child(kept(fields))),
  };
}

/**
 * A line's `message` is its event, the name a log pipeline matches on: winston appends a `message` field
 * to it ("salesforce.probe_failed stopped after…"), so such a field is kept as `detail` instead.
 */
function kept(fields: LogFields | undefined): LogFields {
  if (!fields || !("message" in fields)) return fields ?? {};
  const { message, ...rest } = fields;
  return { ...rest, detail: message };
}

/** A logger that drops everything: the default for library use and tests. */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};
