// Loaded by the consumer image's entry right after the Node check, before the rest of the bundle
// runs. Node as a container's PID 1 gets no default signal action: the kernel drops a SIGTERM that
// PID 1 has no handler for, so a `docker stop` (or an ECS/Kubernetes stop) that came while the
// bundle was still loading would wait out the whole grace period and end in SIGKILL. Until the
// command installs its own graceful-stop handlers, a stop signal exits at once: nothing has been
// received yet, so nothing is lost, and 0 says so.
const exitNow = (): void => process.exit(0);
process.on('SIGTERM', exitNow);
process.on('SIGINT', exitNow);

/** Hands the stop signals over to the command (call just before its action installs its own handlers). */
export function releaseEarlySignalExit(): void {
  process.off('SIGTERM', exitNow);
  process.off('SIGINT', exitNow);
}
