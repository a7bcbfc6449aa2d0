/** Where the simulator writes its log lines (one formatted line per call). */
export type LogSink = (line: string) => void;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SimLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** True when every stanza should be logged (expensive). */
  readonly trace: boolean;
}

const format = (level: LogLevel, msg: string, fields?: Record<string, unknown>): string => {
  let line = `[wa-sim] ${level} ${msg}`;
  for (const [k, v] of Object.entries(fields ?? {})) {
    line += ` ${k}=${typeof v === 'string' ? v : v instanceof Error ? v.message : JSON.stringify(v)}`;
  }
  return line;
};

/** Builds a logger; without a sink nothing is written. `debug` lines are only written when `verbose`. */
export function makeLogger(sink: LogSink | undefined, opts: { verbose?: boolean; trace?: boolean } = {}): SimLogger {
  const write = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (!sink || (level === 'debug' && !opts.verbose && !opts.trace)) return;
    sink(format(level, msg, fields));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    trace: Boolean(sink && opts.trace),
  };
}
