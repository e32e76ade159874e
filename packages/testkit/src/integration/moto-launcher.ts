/**
 * The Python program both moto paths run (the process the suite starts, and the container
 * testcontainers starts), so they serve the same moto: `python3 -c <program> PORT`.
 *
 * - One lock around moto's DynamoDB writes. moto serves each request on its own thread and
 *   evaluates a write's condition, then stores the item, without a lock, so two concurrent
 *   conditional puts of one key can both pass (the later overwrites the earlier whatever the
 *   condition said). DynamoDB decides each conditional write atomically, and the system relies on
 *   that; with the lock moto does too. Reads, SQS long polls and everything else stay concurrent.
 *   The public `motoserver/moto` image does not have it; started by the suite, it does.
 * - SIGTERM exits at once. In a container the server is PID 1, which ignores SIGTERM unless it
 *   handles it, so `docker stop` would wait out its 10 s grace period on every teardown.
 * - Optionally, exit when stdin closes: the suite holds a moto process's stdin open, so if Jest
 *   dies without running global teardown, moto goes with it instead of lingering on the port.
 *   (A container has no stdin; `scripts/containers/engine.sh stop` removes one left behind.)
 */
export interface MotoLauncherOptions {
  /** The address moto listens on: 127.0.0.1 for a process, 0.0.0.0 inside a container. */
  readonly host: '127.0.0.1' | '0.0.0.0';
  readonly exitWhenStdinCloses: boolean;
}

export function motoLauncherProgram(options: MotoLauncherOptions): string {
  return [
    'import os, runpy, signal, sys, threading',
    'signal.signal(signal.SIGTERM, lambda *_: os._exit(0))',
    ...(options.exitWhenStdinCloses
      ? [
          'def _exit_when_parent_goes():',
          '    sys.stdin.read()',
          '    os._exit(0)',
          'threading.Thread(target=_exit_when_parent_goes, daemon=True).start()',
        ]
      : []),
    'from moto.dynamodb.models import DynamoDBBackend',
    '_write_lock = threading.RLock()',
    'def _atomic(write):',
    '    def locked(self, *args, **kwargs):',
    '        with _write_lock:',
    '            return write(self, *args, **kwargs)',
    '    return locked',
    "for _name in ('put_item', 'update_item', 'delete_item', 'transact_write_items', 'batch_write_item'):",
    '    if hasattr(DynamoDBBackend, _name):',
    '        setattr(DynamoDBBackend, _name, _atomic(getattr(DynamoDBBackend, _name)))',
    `sys.argv = ['moto.server', '-H', '${options.host}', '-p', sys.argv[1]]`,
    "runpy.run_module('moto.server', run_name='__main__', alter_sys=True)",
  ].join('\n');
}
