import { ORDER_ID_PATTERN } from '../src/stack/dashboard';
import {
  customMetricProblems,
  type DashboardBody,
  dashboardBody,
  type GraphedExpression,
  type GraphedMetric,
  graphedSeries,
} from './dashboard-body';
import { type EmittedMetric, emittedMetrics } from './emitted-metrics';
import { type CfnTemplate, cleanUpSynth, only, requireBundle, stackResourceIds, synth } from './support';

let json: CfnTemplate;
let body: DashboardBody;
let series: { metrics: GraphedMetric[]; expressions: GraphedExpression[] };
let emitted: EmittedMetric[];

beforeAll(() => {
  requireBundle();
  json = synth().json;
  body = dashboardBody(json, only(json, 'AWS::CloudWatch::Dashboard').id);
  series = graphedSeries(body);
  // The recorder as the function composes it, under the namespace and service the stack gives the
  // function (POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME).
  const variables = only(json, 'AWS::Lambda::Function').props.Environment.Variables;
  emitted = emittedMetrics({
    namespace: variables.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: variables.POWERTOOLS_SERVICE_NAME,
  });
});
afterAll(cleanUpSynth);

const ids = () => stackResourceIds(json);

const drawn = (namespace: string, metricName: string, dimensions: Record<string, string>, stat?: string) =>
  series.metrics.filter(
    (m) =>
      m.namespace === namespace &&
      m.metricName === metricName &&
      JSON.stringify(m.dimensions) === JSON.stringify(dimensions) &&
      (stat === undefined || m.stat === stat),
  );

describe('the dashboard and the metrics the code emits', () => {
  it('reads a recorder output that covers every outcome, the failure classes and the failure codes', () => {
    // Guards the capture itself: the EMF lines were read, with the failures' own lines.
    const names = new Set(emitted.map((m) => m.metricName));
    for (const name of ['created', 'updated', 'duplicate', 'stale', 'conflict', 'transient', 'systemic']) {
      expect(names).toContain(name);
    }
    expect(emitted.filter((m) => 'errorCode' in m.dimensions).length).toBeGreaterThanOrEqual(3);
  });

  it('draws every metric the code emits, and no custom metric the code does not emit', () => {
    expect(customMetricProblems(emitted, series)).toEqual([]);
  });

  it('would catch a renamed metric, a wrong dimension, and a metric the code does not emit', () => {
    const rename = (from: string, to: string) => ({
      ...series,
      metrics: series.metrics.map((m) => (m.metricName === from ? { ...m, metricName: to } : m)),
    });
    expect(customMetricProblems(emitted, rename('stale', 'staleOrders'))).toEqual([
      expect.stringContaining('OrderProcessing/stale {service} = {"service":"OrderProcessor"} is drawn by no widget'),
      expect.stringContaining('draws OrderProcessing/staleOrders'),
    ]);
    const wrongService = {
      ...series,
      metrics: series.metrics.map((m) =>
        m.metricName === 'duplicate' ? { ...m, dimensions: { service: 'orders' } } : m,
      ),
    };
    expect(customMetricProblems(emitted, wrongService)).toHaveLength(2);
    const noSearch = { ...series, expressions: [] };
    expect(customMetricProblems(emitted, noSearch)).toEqual([
      expect.stringContaining('failedRecords {service, failureClass, errorCode} (one series per dimension value)'),
    ]);
  });
});

describe('the dashboard', () => {
  it('is named after the stack and the Region (dashboards are global to the account)', () => {
    expect(only(json, 'AWS::CloudWatch::Dashboard').props.DashboardName).toEqual({
      'Fn::Join': ['-', ['OrderProcessing', { Ref: 'AWS::Region' }]],
    });
  });

  it('shows what was published, the DLQ depths of both dead-letter queues and the oldest message age', () => {
    const { topic, queue, dlq, subscriptionDlq } = ids();
    expect(drawn('AWS/SNS', 'NumberOfMessagesPublished', { TopicName: `\${${topic}.TopicName}` }, 'Sum')).toHaveLength(
      1,
    );
    for (const id of [dlq, subscriptionDlq]) {
      expect(drawn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `\${${id}.QueueName}` })).toHaveLength(
        1,
      );
    }
    expect(
      drawn('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: `\${${queue}.QueueName}` }, 'Maximum'),
    ).toHaveLength(1);
  });

  it("shows the function's duration p50 and p99, concurrency and throttles", () => {
    const fn = { FunctionName: `\${${ids().fn}}` };
    expect(drawn('AWS/Lambda', 'Duration', fn, 'p50')).toHaveLength(1);
    expect(drawn('AWS/Lambda', 'Duration', fn, 'p99')).toHaveLength(1);
    expect(drawn('AWS/Lambda', 'ConcurrentExecutions', fn, 'Maximum')).toHaveLength(1);
    expect(drawn('AWS/Lambda', 'Throttles', fn, 'Sum')).toHaveLength(1);
  });

  it("shows the table's consumed and throttled writes", () => {
    const table = { TableName: `\${${ids().table}}` };
    expect(drawn('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', table, 'Sum')).toHaveLength(1);
    expect(drawn('AWS/DynamoDB', 'WriteThrottleEvents', table, 'Sum')).toHaveLength(1);
  });

  it('draws AWS metrics of this stack’s resources only', () => {
    for (const metric of series.metrics.filter((m) => m.namespace.startsWith('AWS/'))) {
      const referenced = Object.values(metric.dimensions)
        .map((value) => /^\$\{([A-Za-z0-9]+)(?:\.\w+)?\}$/.exec(value)?.[1])
        .filter((id) => id !== undefined);
      expect({ metric: `${metric.namespace}/${metric.metricName}`, referenced }).toEqual({
        metric: `${metric.namespace}/${metric.metricName}`,
        referenced: [expect.any(String)],
      });
      expect(json.Resources[referenced[0]!]).toBeDefined();
    }
  });

  it('lists every alarm of the stack in its alarm widget', () => {
    const alarmArns = Object.entries(json.Resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id]) => `\${${id}.Arn}`)
      .sort();
    const widget = body.widgets.find((w) => w.type === 'alarm');
    expect([...(widget?.properties.alarms ?? [])].sort()).toEqual(alarmArns);
    expect(alarmArns).toHaveLength(7);
  });

  it('queries the function’s log group for failed records and for one order (the orderId input)', () => {
    const logs = body.widgets.filter((w) => w.type === 'log').map((w) => w.properties.query ?? '');
    expect(logs).toHaveLength(2);
    for (const query of logs) expect(query.startsWith(`SOURCE '\${${ids().logGroup}}'`)).toBe(true);
    expect(logs[0]).toContain('filter outcome in ["failed", "invalid", "conflict"]');
    expect(logs[1]).toContain(`filter orderId = "${ORDER_ID_PATTERN}"`);
    expect(logs[1]).toContain('trace_id');
    expect(body.variables).toEqual([
      expect.objectContaining({ type: 'pattern', inputType: 'input', id: 'orderId', pattern: ORDER_ID_PATTERN }),
    ]);
  });

  it('marks the alarm threshold, the timeout and the event source maximum on their graphs', () => {
    const annotated = (title: string) =>
      (body.widgets.find((w) => w.properties.title?.startsWith(title))?.properties as { annotations?: unknown })
        ?.annotations;
    expect(annotated('OrderQueue oldest message age')).toEqual({
      horizontal: [expect.objectContaining({ value: 600, label: 'alarm threshold' })],
    });
    expect(annotated('Duration')).toEqual({ horizontal: [expect.objectContaining({ value: 30_000 })] });
    const other = synth({ maxConcurrency: '20', reservedConcurrency: '30' }).json;
    const otherBody = dashboardBody(other, only(other, 'AWS::CloudWatch::Dashboard').id);
    const concurrency = otherBody.widgets.find((w) => w.properties.title === 'Concurrent executions')?.properties as {
      annotations?: unknown;
    };
    expect(concurrency.annotations).toEqual({
      horizontal: [
        expect.objectContaining({ value: 20, label: 'event source maximum' }),
        expect.objectContaining({ value: 30, label: 'reserved' }),
      ],
    });
  });
});
