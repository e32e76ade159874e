import {
  LAMBDA_DEFAULT_EXPORT_TIMEOUT_MS,
  readTracingSettings,
  type TracingDecision,
  type TracingSettings,
} from '../../src/tracing/tracing-settings';

const facts = { hostName: 'worker-1', pid: 4242 };
const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
const decide = (env: NodeJS.ProcessEnv): TracingDecision => readTracingSettings(env, 'OrderProcessor', facts);

function settingsOf(env: NodeJS.ProcessEnv): TracingSettings {
  const decision = decide(env);
  if (!decision.on) throw new Error(`expected tracing on, got off: ${decision.reason}`);
  return decision.settings;
}

function problemOf(env: NodeJS.ProcessEnv): { variable: string; value: string; reason: string } {
  const decision = decide(env);
  if (decision.on || decision.problem === undefined) throw new Error('expected a refused setting');
  return decision.problem;
}

describe('readTracingSettings: on or off', () => {
  it('is off, with nothing to warn about, when no OTLP endpoint is set (the default)', () => {
    expect(decide({})).toEqual({ on: false, reason: 'no OTLP endpoint is set' });
    expect(decide({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toEqual({ on: false, reason: expect.any(String) });
    // Other OTEL_* variables do not matter while no endpoint asks for tracing.
    expect(decide({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual({ on: false, reason: expect.any(String) });
  });

  it('is on with either endpoint variable', () => {
    expect(decide(ENDPOINT).on).toBe(true);
    expect(decide({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).on).toBe(true);
  });

  it('is off when OTEL_SDK_DISABLED is true in any case, or OTEL_TRACES_EXPORTER is none', () => {
    for (const value of ['true', 'TRUE', 'True']) {
      expect(decide({ ...ENDPOINT, OTEL_SDK_DISABLED: value })).toEqual({
        on: false,
        reason: 'OTEL_SDK_DISABLED is true',
      });
    }
    expect(decide({ ...ENDPOINT, OTEL_SDK_DISABLED: 'false' }).on).toBe(true);
    expect(decide({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' })).toEqual({ on: false, reason: expect.any(String) });
    expect(decide({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'otlp' }).on).toBe(true);
  });

  it.each([
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED', /must be true or false/],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER', /must be otlp or none/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL', /grpc is not supported.*http\/protobuf/],
    [
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/xml' },
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
      /http\/protobuf or http\/json/,
    ],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      /http or https URL, not collector:/,
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /is not a URL/],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '2s' }, 'OTEL_EXPORTER_OTLP_TIMEOUT', /whole number from 1 to 600000/],
    [{ OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '0' }, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', /whole number/],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, 'OTEL_BSP_MAX_QUEUE_SIZE', /whole number/],
    [
      { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200' },
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
      /must not exceed the queue size \(OTEL_BSP_MAX_QUEUE_SIZE, 100\)/,
    ],
    [{ OTEL_TRACES_SAMPLER: 'xray' }, 'OTEL_TRACES_SAMPLER', /must be one of always_on, .*parentbased_traceidratio/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG', /from 0 to 1/],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'team=orders,broken' }, 'OTEL_RESOURCE_ATTRIBUTES', /"broken" where key=value/],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES', /not valid percent-encoding/],
    [{ OTEL_LOG_LEVEL: 'loud' }, 'OTEL_LOG_LEVEL', /must be one of none, error, warn/],
  ])('refuses %j: off, naming %s and why', (env, variable, reason) => {
    const problem = problemOf({ ...ENDPOINT, ...env });
    expect(problem.variable).toBe(variable);
    expect(problem.reason).toMatch(reason);
    expect(problem.value).toBe(({ ...ENDPOINT, ...env } as Record<string, string>)[variable]);
  });
});

describe('readTracingSettings: where and how spans are exported', () => {
  it('appends v1/traces to the general endpoint, and uses the traces endpoint as given (it wins)', () => {
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/prefix/' }).tracesUrl).toBe(
      'https://otlp.example.com/prefix/v1/traces',
    );
    expect(
      settingsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:9999/custom',
      }).tracesUrl,
    ).toBe('http://collector:9999/custom');
  });

  it('exports http/protobuf by default, http/json when asked, the traces variable before the general one', () => {
    expect(settingsOf(ENDPOINT).protocol).toBe('http/protobuf');
    expect(settingsOf({ ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).protocol).toBe('http/json');
    expect(
      settingsOf({
        ...ENDPOINT,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }).protocol,
    ).toBe('http/json');
  });

  it("bounds every export: the specification's 10 s outside Lambda, 2 s in Lambda (the flush is on the invocation's path)", () => {
    expect(settingsOf(ENDPOINT).exportTimeoutMillis).toBe(10_000);
    expect(settingsOf({ ...ENDPOINT, AWS_LAMBDA_FUNCTION_NAME: 'OrderProcessor' }).exportTimeoutMillis).toBe(
      LAMBDA_DEFAULT_EXPORT_TIMEOUT_MS,
    );
    expect(
      settingsOf({
        ...ENDPOINT,
        AWS_LAMBDA_FUNCTION_NAME: 'OrderProcessor',
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '750',
      }).exportTimeoutMillis,
    ).toBe(750);
  });

  it("bounds the span queue: the BatchSpanProcessor defaults (one export bounded by the exporter's timeout), or OTEL_BSP_*", () => {
    expect(settingsOf(ENDPOINT).batch).toEqual({
      scheduledDelayMillis: 5_000,
      exportTimeoutMillis: 10_000,
      maxQueueSize: 2_048,
      maxExportBatchSize: 512,
    });
    expect(settingsOf({ ...ENDPOINT, AWS_LAMBDA_FUNCTION_NAME: 'f' }).batch.exportTimeoutMillis).toBe(2_000);
    expect(
      settingsOf({
        ...ENDPOINT,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_EXPORT_TIMEOUT: '1000',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
      }).batch,
    ).toEqual({ scheduledDelayMillis: 200, exportTimeoutMillis: 1_000, maxQueueSize: 100, maxExportBatchSize: 100 });
  });

  it('samples parent-based always-on by default, and as OTEL_TRACES_SAMPLER[_ARG] say', () => {
    expect(settingsOf(ENDPOINT).sampler).toEqual({ name: 'parentbased_always_on', ratio: 1 });
    expect(
      settingsOf({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })
        .sampler,
    ).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(settingsOf({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'traceidratio' }).sampler).toEqual({
      name: 'traceidratio',
      ratio: 1,
    });
    // The argument means nothing to the other samplers, so it cannot refuse them.
    expect(
      settingsOf({ ...ENDPOINT, OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'x' }).sampler,
    ).toEqual({ name: 'always_off', ratio: 1 });
  });

  it('reads OTEL_LOG_LEVEL for the SDK’s own lines (warn by default)', () => {
    expect(settingsOf(ENDPOINT).diagnostics).toBe('warn');
    expect(settingsOf({ ...ENDPOINT, OTEL_LOG_LEVEL: 'DEBUG' }).diagnostics).toBe('debug');
    expect(settingsOf({ ...ENDPOINT, OTEL_LOG_LEVEL: 'none' }).diagnostics).toBe('none');
  });
});

describe('readTracingSettings: the resource', () => {
  const lambdaEnv = {
    ...ENDPOINT,
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: 'prod-OrderProcessor',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/prod-OrderProcessor',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/05/[$LATEST]abc',
  };

  it("in Lambda: service.name from the code, with the function's faas and cloud attributes", () => {
    expect(settingsOf(lambdaEnv).resource).toEqual({
      'service.name': 'OrderProcessor',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
      'faas.name': 'prod-OrderProcessor',
      'faas.version': '$LATEST',
      'faas.instance': '2026/12/05/[$LATEST]abc',
      'faas.max_memory': 512 * 1024 * 1024,
      'aws.log.group.names': ['/aws/lambda/prod-OrderProcessor'],
    });
  });

  it('elsewhere (orders consume): the host and the process id, no faas attributes', () => {
    expect(settingsOf(ENDPOINT).resource).toEqual({
      'service.name': 'OrderProcessor',
      'host.name': 'worker-1',
      'process.pid': 4242,
    });
  });

  it("lets the operator's variables win: OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES over the code", () => {
    const fromAttributes = settingsOf({
      ...lambdaEnv,
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=orders-eu, deployment.environment.name = prod ,team=a%2Cb%3Dc',
    }).resource;
    expect(fromAttributes).toMatchObject({
      'service.name': 'orders-eu',
      'deployment.environment.name': 'prod',
      team: 'a,b=c',
      'faas.name': 'prod-OrderProcessor',
    });
    expect(
      settingsOf({ ...lambdaEnv, OTEL_RESOURCE_ATTRIBUTES: 'service.name=orders-eu', OTEL_SERVICE_NAME: 'orders' })
        .resource['service.name'],
    ).toBe('orders');
  });
});
