import type { ThroughputStageResult } from '../stages/measure-throughput';
import { table } from './format';

export function throughputTable(throughput: ThroughputStageResult): string {
  return table(
    'End-to-end throughput on moto (SQS + DynamoDB both moto; absolute and moto-bound: its ReceiveMessage cost grows with queue depth)',
    ['mode', 'orders', 'seconds', 'orders/s', 'stored', 'note'],
    throughput.results.map((t) => [
      t.mode,
      t.orders ?? '—',
      t.seconds === undefined ? '—' : t.seconds.toFixed(1),
      t.ordersPerSecond === undefined ? '—' : t.ordersPerSecond.toFixed(0),
      t.stored ?? '—',
      t.note,
    ]),
  );
}
