/** Progress lines on stderr, so stdout carries only the tables and the JSON line. */
export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
