export interface Logger {
  info(msg: string, fields?: object): void
  warn(msg: string, fields?: object): void
  error(msg: string, fields?: object): void
}

/** One line per event. Callers never pass an email address or a raw IP. */
export function consoleLogger(write: (line: string) => void = (l) => console.log(l)): Logger {
  const line = (level: string, msg: string, fields?: object) =>
    write(
      `${new Date().toISOString()} ${level} ${msg}` +
        (fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''),
    )
  return {
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }

/** Collects lines in memory; tests scan them for leaks. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return { lines, ...consoleLogger((l) => lines.push(l)) }
}
