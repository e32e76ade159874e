import { RecordingLogger, rawBody, sampleOrder, snsEnvelopeBody } from '@orders/testkit';
import {
  type InboundMessage,
  ProcessOrderBatch,
  type RecordTrace,
  type RecordTraceEnd,
  type RecordTraceStart,
  type RecordTracing,
  RepositoryUnavailableError,
  type SaveOptions,
  type TimedOrder,
} from '../../src';
import { FakeOrderRepository } from '../support/fake-order-repository';

const PRODUCER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01`;
const XRAY_TRACE = '5759e988bd862e3fe1be46a994272793';
const XRAY = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

/** A tracer that records what the use case asks of it, and whether each save ran inside its record's span. */
class RecordingTracing implements RecordTracing {
  readonly started: RecordTraceStart[] = [];
  readonly ended: { messageId: string; outcome: RecordTraceEnd }[] = [];
  /** The span current while the store ran: what an OpenTelemetry context would hold. */
  current: string | undefined;
  private next = 0;

  startRecord(start: RecordTraceStart): RecordTrace {
    this.started.push(start);
    const spanId = (++this.next).toString(16).padStart(16, '0');
    const traceId = start.producer?.traceId ?? `${spanId}${spanId}`;
    return {
      traceId,
      spanId,
      run: async (work) => {
        this.current = spanId;
        try {
          return await work();
        } finally {
          this.current = undefined;
        }
      },
      end: (outcome) => this.ended.push({ messageId: start.messageId, outcome }),
    };
  }
}

/** The fake store, noting the save options each order came with and the span current during its save. */
function observedRepository(tracing: RecordingTracing, failures?: ReadonlyMap<string, unknown>) {
  const inner = new FakeOrderRepository(failures ? { failures } : {});
  const saves: { orderId: string; traceId: string | undefined; span: string | undefined }[] = [];
  return {
    saves,
    repository: {
      save: (event: TimedOrder, options?: SaveOptions) => {
        saves.push({ orderId: event.order.orderId, traceId: options?.traceId, span: tracing.current });
        return inner.save(event);
      },
      findById: (orderId: string) => inner.findById(orderId),
    },
  };
}

const message = (messageId: string, body: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
  messageId,
  body,
  queueName: 'OrderQueue',
  ...extra,
});

describe('ProcessOrderBatch: one trace per record', () => {
  it("starts one span per record from the producer's context, for both deliveries and X-Ray", async () => {
    const tracing = new RecordingTracing();
    const { repository } = observedRepository(tracing);
    const useCase = new ProcessOrderBatch({ repository, tracing });
    await useCase.execute([
      message('m-envelope', snsEnvelopeBody(sampleOrder({ orderId: 'A' }), { traceparent: TRACEPARENT })),
      message('m-raw', rawBody(sampleOrder({ orderId: 'B' })), { messageAttributes: { traceparent: TRACEPARENT } }),
      message('m-xray', rawBody(sampleOrder({ orderId: 'C' })), { awsTraceHeader: XRAY }),
      message('m-none', rawBody(sampleOrder({ orderId: 'D' }))),
    ]);
    expect(tracing.started.map((s) => [s.messageId, s.queueName, s.producer?.source, s.producer?.traceId])).toEqual([
      ['m-envelope', 'OrderQueue', 'sns-envelope', PRODUCER_TRACE],
      ['m-raw', 'OrderQueue', 'sqs-attributes', PRODUCER_TRACE],
      ['m-xray', 'OrderQueue', 'aws-trace-header', XRAY_TRACE],
      ['m-none', 'OrderQueue', undefined, undefined],
    ]);
    expect(tracing.ended.map((e) => [e.messageId, e.outcome.status])).toEqual([
      ['m-envelope', 'created'],
      ['m-raw', 'created'],
      ['m-xray', 'created'],
      ['m-none', 'created'],
    ]);
  });

  it("saves inside the record's span and hands the store the record's trace id", async () => {
    const tracing = new RecordingTracing();
    const { repository, saves } = observedRepository(tracing);
    const { outcomes } = await new ProcessOrderBatch({ repository, tracing }).execute([
      message('m-1', rawBody(sampleOrder({ orderId: 'A' })), { messageAttributes: { traceparent: TRACEPARENT } }),
    ]);
    expect(saves).toEqual([{ orderId: 'A', traceId: PRODUCER_TRACE, span: '0000000000000001' }]);
    expect(outcomes[0]).toMatchObject({ status: 'created', traceId: PRODUCER_TRACE, spanId: '0000000000000001' });
  });

  it('ends the span with the outcome: failures with their code and class, invalid records with their problems', async () => {
    const tracing = new RecordingTracing();
    const failures = new Map([['BROKEN', new RepositoryUnavailableError('table unreachable')]]);
    const { repository } = observedRepository(tracing, failures);
    await new ProcessOrderBatch({ repository, tracing }).execute([
      message('m-failed', rawBody(sampleOrder({ orderId: 'BROKEN' }))),
      message('m-invalid', snsEnvelopeBody('not json', { traceparent: TRACEPARENT })),
    ]);
    const byId = new Map(tracing.ended.map((e) => [e.messageId, e.outcome]));
    expect(byId.get('m-failed')).toMatchObject({
      status: 'failed',
      orderId: 'BROKEN',
      error: { code: 'repository_unavailable', failureClass: 'transient' },
    });
    expect(byId.get('m-invalid')).toMatchObject({ status: 'invalid', problems: [{ code: 'not_json' }] });
    // The rejected record is still in its producer's trace.
    expect(tracing.started.find((s) => s.messageId === 'm-invalid')?.producer?.traceId).toBe(PRODUCER_TRACE);
  });

  it('gives records handed back untried a span and their trace id too', async () => {
    const tracing = new RecordingTracing();
    const { repository, saves } = observedRepository(tracing);
    const { outcomes } = await new ProcessOrderBatch({ repository, tracing }).execute(
      [message('m-late', snsEnvelopeBody(sampleOrder({ orderId: 'A' }), { traceparent: TRACEPARENT }))],
      { shouldStop: () => true },
    );
    expect(saves).toEqual([]);
    expect(outcomes[0]).toMatchObject({ status: 'failed', traceId: PRODUCER_TRACE, spanId: '0000000000000001' });
    expect(tracing.ended).toEqual([
      {
        messageId: 'm-late',
        outcome: expect.objectContaining({ error: expect.objectContaining({ code: 'deadline_exceeded' }) }),
      },
    ]);
  });

  it('puts trace_id and span_id on every per-record log line', async () => {
    const tracing = new RecordingTracing();
    const logger = new RecordingLogger();
    const failures = new Map([['BROKEN', new RepositoryUnavailableError('table unreachable')]]);
    const { repository } = observedRepository(tracing, failures);
    await new ProcessOrderBatch({ repository, tracing, logger }).execute([
      message('m-ok', rawBody(sampleOrder({ orderId: 'A' })), { messageAttributes: { traceparent: TRACEPARENT } }),
      message('m-invalid', 'not json', { awsTraceHeader: XRAY }),
      message('m-failed', rawBody(sampleOrder({ orderId: 'BROKEN' }))),
    ]);
    const lines = logger.calls.filter((call) => call.fields['messageId'] !== undefined);
    expect(lines.map((call) => [call.message, call.fields['trace_id'], call.fields['span_id']])).toEqual([
      ['order message processed', PRODUCER_TRACE, '0000000000000001'],
      ['order message rejected', XRAY_TRACE, '0000000000000002'],
      // No producer context: the span's own new trace.
      ['order message failed', '00000000000000030000000000000003', '0000000000000003'],
    ]);
  });

  it('ignores a malformed context with a debug line and does not fail the record', async () => {
    const tracing = new RecordingTracing();
    const logger = new RecordingLogger();
    const { repository } = observedRepository(tracing);
    const { outcomes } = await new ProcessOrderBatch({ repository, tracing, logger }).execute([
      message('m-1', rawBody(sampleOrder({ orderId: 'A' })), {
        messageAttributes: { traceparent: 'garbage' },
        awsTraceHeader: 'Root=1-nothex;Parent=x',
      }),
    ]);
    expect(outcomes[0]?.status).toBe('created');
    expect(tracing.started[0]?.producer).toBeUndefined();
    const ignored = logger.calls.filter((call) => call.message === 'trace context ignored');
    expect(ignored.map((call) => [call.level, call.fields['messageId'], call.fields['traceContextSource']])).toEqual([
      ['debug', 'm-1', 'sqs-attributes'],
      ['debug', 'm-1', 'aws-trace-header'],
    ]);
  });

  it('without a tracer, still carries the producer trace id to the log line and the store, and no span id', async () => {
    const logger = new RecordingLogger();
    const tracing = new RecordingTracing(); // only to observe the saves; not given to the use case
    const { repository, saves } = observedRepository(tracing);
    const { outcomes } = await new ProcessOrderBatch({ repository, logger }).execute([
      message('m-1', snsEnvelopeBody(sampleOrder({ orderId: 'A' }), { traceparent: TRACEPARENT })),
      message('m-2', rawBody(sampleOrder({ orderId: 'B' }))),
    ]);
    expect(saves.map((save) => save.traceId)).toEqual([PRODUCER_TRACE, undefined]);
    expect(outcomes[0]).toMatchObject({ traceId: PRODUCER_TRACE });
    expect(outcomes[0]).not.toHaveProperty('spanId');
    expect(outcomes[1]).not.toHaveProperty('traceId');
    const line = logger.calls.find((call) => call.fields['messageId'] === 'm-1');
    expect(line?.fields).toMatchObject({ trace_id: PRODUCER_TRACE, span_id: undefined });
  });

  it('never lets a tracer that throws cost a record its outcome', async () => {
    const broken: RecordTracing = {
      startRecord: () => {
        throw new Error('tracer bug');
      },
    };
    const endsBadly: RecordTracing = {
      startRecord: () => ({
        traceId: PRODUCER_TRACE,
        spanId: PRODUCER_SPAN,
        run: (work) => work(),
        end: () => {
          throw new Error('exporter bug');
        },
      }),
    };
    for (const tracing of [broken, endsBadly]) {
      const { repository } = observedRepository(new RecordingTracing());
      const { outcomes } = await new ProcessOrderBatch({ repository, tracing }).execute([
        message('m-1', rawBody(sampleOrder({ orderId: 'A' })), { messageAttributes: { traceparent: TRACEPARENT } }),
      ]);
      expect(outcomes.map((o) => [o.status, o.traceId])).toEqual([['created', PRODUCER_TRACE]]);
    }
  });
});
