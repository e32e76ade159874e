/**
 * The OpenTelemetry SDK's entry: start-tracing.ts imports this module dynamically, and only once
 * the environment asks for tracing, so it is the only way in to the SDK packages — with tracing off
 * none of them (and none of the settings code) is loaded. In the Lambda bundle it is a file of its
 * own, dist/tracing-sdk.mjs (packages/lambda-entry/scripts/bundle.mjs), which a cold start with
 * tracing off never reads.
 */
import { hostname } from 'node:os';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from '@orders/core';
import { registerTracing, type TracingApi } from './exporting-runtime';
import { createTracingSdk } from './tracing-provider';
import { TRACING_OFF, type TracingRuntime } from './tracing-runtime';
import { readTracingSettings } from './tracing-settings';

export type { TracingApi } from './exporting-runtime';

export interface TracingRequest {
  readonly serviceName: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
}

/**
 * Reads every tracing setting (a refused one is one warn line and tracing off), builds the SDK and
 * registers it with `api`. `exporter` replaces the OTLP exporter (tests export in memory).
 */
export async function startTracingSdk(
  api: TracingApi,
  request: TracingRequest,
  exporter?: SpanExporter,
): Promise<TracingRuntime> {
  const decision = readTracingSettings(request.env, request.serviceName, { hostName: hostname(), pid: process.pid });
  if (!decision.on) {
    if (decision.problem) {
      request.logger.warn(`tracing off: ${decision.problem.variable} ${decision.problem.reason}`, {
        variable: decision.problem.variable,
        value: decision.problem.value.slice(0, 200),
      });
    }
    return TRACING_OFF;
  }
  const sdk = createTracingSdk(decision.settings, exporter);
  return registerTracing(api, sdk, decision.settings, request.logger);
}
