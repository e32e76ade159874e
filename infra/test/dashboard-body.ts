import type { CfnTemplate } from './support';

/**
 * The dashboard's body as JSON, with each CloudFormation reference inside it written as
 * `${LogicalId}` (Ref) or `${LogicalId.Attribute}` (Fn::GetAtt): what CloudFormation will send to
 * PutDashboard, with the references named instead of resolved.
 */
export function dashboardBody(template: CfnTemplate, logicalId: string): DashboardBody {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::CloudWatch::Dashboard') throw new Error(`${logicalId} is not a dashboard`);
  const body = resource.Properties?.DashboardBody;
  return JSON.parse(typeof body === 'string' ? body : joined(body)) as DashboardBody;
}

function joined(value: unknown): string {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined) throw new Error(`Unexpected DashboardBody: ${JSON.stringify(value)}`);
  const [separator, parts] = join;
  return parts.map(placeholder).join(separator);
}

function placeholder(part: unknown): string {
  if (typeof part === 'string') return part;
  const intrinsic = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (intrinsic.Ref !== undefined) return `\${${intrinsic.Ref}}`;
  if (intrinsic['Fn::GetAtt'] !== undefined) return `\${${intrinsic['Fn::GetAtt'].join('.')}}`;
  throw new Error(`Unexpected part of the DashboardBody: ${JSON.stringify(part)}`);
}

export interface DashboardBody {
  readonly widgets: readonly Widget[];
  readonly variables?: ReadonlyArray<Record<string, unknown>>;
}

export interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: ReadonlyArray<ReadonlyArray<unknown>>;
    readonly alarms?: readonly string[];
    readonly query?: string;
    readonly markdown?: string;
  };
}

/** A metric a graph draws: namespace, name, dimensions (name → value) and its statistic. */
export interface GraphedMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

/** A math expression a graph draws (e.g. SEARCH), with the widget it is in. */
export interface GraphedExpression {
  readonly widget: string;
  readonly expression: string;
}

/**
 * Every metric and expression in the dashboard's graphs. A metric entry is
 * `[namespace, name, dim1, value1, …, {options}]`; an expression entry is `[{expression, …}]`.
 */
export function graphedSeries(body: DashboardBody): { metrics: GraphedMetric[]; expressions: GraphedExpression[] } {
  const metrics: GraphedMetric[] = [];
  const expressions: GraphedExpression[] = [];
  for (const widget of body.widgets) {
    if (widget.type !== 'metric') continue;
    const title = widget.properties.title ?? '(untitled)';
    for (const entry of widget.properties.metrics ?? []) {
      const last = entry[entry.length - 1];
      const hasOptions = typeof last === 'object' && last !== null;
      const options = hasOptions ? (last as Record<string, unknown>) : {};
      if (typeof options.expression === 'string') {
        expressions.push({ widget: title, expression: options.expression });
        continue;
      }
      const fields: unknown[] = hasOptions ? entry.slice(0, -1) : [...entry];
      if (!fields.every((field): field is string => typeof field === 'string') || fields.length % 2 !== 0) {
        throw new Error(`Unexpected metric entry in '${title}': ${JSON.stringify(entry)}`);
      }
      const [namespace, metricName, ...pairs] = fields;
      if (namespace === '.' || metricName === '.') {
        throw new Error(`'${title}' uses the '.' shorthand, which this reader does not expand`);
      }
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
      metrics.push({
        widget: title,
        namespace: namespace!,
        metricName: metricName!,
        dimensions,
        stat: typeof options.stat === 'string' ? options.stat : 'Average',
      });
    }
  }
  return { metrics, expressions };
}

/** A SEARCH expression's schema: `SEARCH('{Namespace,Dim1,Dim2} MetricName="x" Dim1="v"', …)`. */
export interface SearchSchema {
  readonly namespace: string;
  readonly dimensionNames: readonly string[];
  readonly metricName: string;
  /** `Dimension="value"` terms that narrow the search. */
  readonly filters: Readonly<Record<string, string>>;
}

export function parseSearch(expression: string): SearchSchema | undefined {
  const match = /^SEARCH\('\{([^}]*)\}((?:\s+\w+="[^"]*")*)'\s*,/.exec(expression.trim());
  if (match === null) return undefined;
  const [namespace, ...dimensionNames] = match[1]!.split(',').map((s) => s.trim());
  const filters: Record<string, string> = {};
  for (const term of match[2]!.matchAll(/(\w+)="([^"]*)"/g)) filters[term[1]!] = term[2]!;
  const { MetricName: metricName, ...rest } = filters;
  if (namespace === undefined || metricName === undefined) return undefined;
  return { namespace, dimensionNames, metricName, filters: rest };
}

/** What the code emits, as far as the comparison needs it (see emitted-metrics.ts). */
export interface EmittedMetricLike {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

const sameDimensions = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

const isCustom = (namespace: string): boolean => !namespace.startsWith('AWS/');

/**
 * Holds the dashboard's custom metrics to what the code emits, both ways:
 * - every metric the code emits is drawn: directly, with the same namespace, name and dimensions,
 *   or — when its dimension values vary with what happened (a failure's class and code) — through a
 *   SEARCH over exactly its namespace, dimension names and metric name;
 * - every custom metric (and custom-namespace SEARCH) the dashboard draws is one the code emits.
 */
export function customMetricProblems(
  emitted: readonly EmittedMetricLike[],
  series: { readonly metrics: readonly GraphedMetric[]; readonly expressions: readonly GraphedExpression[] },
): string[] {
  const problems: string[] = [];
  const searches = series.expressions.flatMap((e) => {
    const schema = parseSearch(e.expression);
    return schema === undefined ? [] : [{ ...schema, widget: e.widget }];
  });
  const groups = new Map<string, EmittedMetricLike[]>();
  for (const metric of emitted) {
    const key = [metric.namespace, metric.metricName, Object.keys(metric.dimensions).sort().join(',')].join('|');
    groups.set(key, [...(groups.get(key) ?? []), metric]);
  }
  const searchCovers = (search: SearchSchema, group: readonly EmittedMetricLike[]): boolean => {
    const first = group[0]!;
    return (
      search.namespace === first.namespace &&
      search.metricName === first.metricName &&
      [...search.dimensionNames].sort().join(',') === Object.keys(first.dimensions).sort().join(',') &&
      Object.entries(search.filters).every(([name, value]) => group.every((m) => m.dimensions[name] === value))
    );
  };
  for (const group of groups.values()) {
    const first = group[0]!;
    const what = `${first.namespace}/${first.metricName} {${Object.keys(first.dimensions).join(', ')}}`;
    const varies = new Set(group.map((m) => JSON.stringify(Object.entries(m.dimensions).sort()))).size > 1;
    if (varies) {
      if (!searches.some((search) => searchCovers(search, group))) {
        problems.push(`emitted ${what} (one series per dimension value) is in no SEARCH of the dashboard`);
      }
    } else if (
      !series.metrics.some(
        (m) =>
          m.namespace === first.namespace &&
          m.metricName === first.metricName &&
          sameDimensions(m.dimensions, first.dimensions),
      )
    ) {
      problems.push(`emitted ${what} = ${JSON.stringify(first.dimensions)} is drawn by no widget`);
    }
  }
  for (const m of series.metrics.filter((metric) => isCustom(metric.namespace))) {
    const emittedAsDrawn = emitted.some(
      (e) => e.namespace === m.namespace && e.metricName === m.metricName && sameDimensions(e.dimensions, m.dimensions),
    );
    if (!emittedAsDrawn) {
      problems.push(
        `'${m.widget}' draws ${m.namespace}/${m.metricName} ${JSON.stringify(m.dimensions)}, which the code does not emit`,
      );
    }
  }
  for (const search of searches.filter((s) => isCustom(s.namespace))) {
    if (![...groups.values()].some((group) => searchCovers(search, group))) {
      problems.push(
        `'${search.widget}' searches ${search.namespace}/${search.metricName} {${search.dimensionNames.join(', ')}}, which the code does not emit`,
      );
    }
  }
  return problems;
}
