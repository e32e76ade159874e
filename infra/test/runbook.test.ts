import {
  ALARM_DESCRIPTION_MAX_LENGTH,
  alarmDescriptionWithRunbook,
  DEFAULT_RUNBOOK_URL,
  resolveRunbookUrl,
  runbookAnchor,
} from '../src/stack/runbook';
import {
  alarmRunbookProblems,
  markdownHeadings,
  readRunbook,
  runbookLinkOf,
  subsections,
  templateAlarms,
} from './runbook-links';
import { type CfnTemplate, cleanUpSynth, requireBundle, synth } from './support';

const ALARMS_SECTION = 'Alarms: OrderProcessing stack';

let runbook: string;
let json: CfnTemplate;

beforeAll(() => {
  requireBundle();
  runbook = readRunbook();
  json = synth().json;
});
afterAll(cleanUpSynth);

describe('every alarm links to its runbook section', () => {
  it('finds the stack’s alarms (guards the enumeration)', () => {
    expect(templateAlarms(json)).toHaveLength(7);
  });

  it.each<[string, Record<string, string>]>([
    ['the defaults', {}],
    [
      'a prefixed copy without reserved concurrency, tracing on',
      {
        namePrefix: 'dev-',
        nameSuffix: '-2',
        reservedConcurrency: 'none',
        functionActiveTracing: 'true',
        topicActiveTracing: 'true',
      },
    ],
  ])('%s: each alarm has a description that ends with a link to a section of docs/runbook.md', (_, context) => {
    const template = Object.keys(context).length === 0 ? json : synth(context).json;
    expect(alarmRunbookProblems(template, runbook, DEFAULT_RUNBOOK_URL)).toEqual([]);
  });

  it('links a prefixed copy’s alarms to the same sections (named after the default alarm names)', () => {
    const anchors = (template: CfnTemplate) =>
      templateAlarms(template)
        .map((a) => runbookLinkOf(a.description)?.anchor)
        .sort();
    expect(anchors(synth({ namePrefix: 'dev-' }).json)).toEqual(anchors(json));
  });

  it('has a section for each alarm of the stack, and no section for an alarm the stack does not create', () => {
    const linked = templateAlarms(json)
      .map((a) => runbookLinkOf(a.description)?.anchor)
      .sort();
    expect(
      subsections(runbook, ALARMS_SECTION)
        .map((h) => h.anchor)
        .sort(),
    ).toEqual(linked);
  });

  it('says what each alarm means, how to confirm it, what to do and when to escalate', () => {
    const sections = runbook.split(/^### /m).slice(1);
    for (const heading of subsections(runbook, ALARMS_SECTION)) {
      const text = sections.find((s) => s.startsWith(`${heading.text}\n`)) ?? '';
      expect({
        heading: heading.text,
        parts: ['**What it means.**', '**Confirm.**', '**What to do', '**Escalate**'].filter((p) => !text.includes(p)),
      }).toEqual({
        heading: heading.text,
        parts: [],
      });
    }
  });

  it('uses the runbook URL given in context', () => {
    const url = 'https://github.com/example/orders/blob/main/docs/runbook.md';
    const template = synth({ runbookUrl: url }).json;
    expect(alarmRunbookProblems(template, runbook, url)).toEqual([]);
    expect(runbookLinkOf(templateAlarms(template)[0]!.description)?.url).toBe(url);
  });

  it('keeps a marked section for the consumer service’s (ECS) alarms', () => {
    expect(markdownHeadings(runbook)).toContainEqual(
      expect.objectContaining({ level: 2, text: 'Consumer service (ECS)', anchor: 'consumer-service-ecs' }),
    );
  });

  it('would catch a missing section, a missing link and a link elsewhere', () => {
    const withDescription = (description: string): CfnTemplate => ({
      Resources: {
        A: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'A', AlarmDescription: description } },
      },
    });
    expect(
      alarmRunbookProblems(withDescription('x Runbook: docs/runbook.md#no-such-alarm'), runbook, DEFAULT_RUNBOOK_URL),
    ).toEqual(['A links to #no-such-alarm, which the runbook does not have']);
    expect(alarmRunbookProblems(withDescription('no link'), runbook, DEFAULT_RUNBOOK_URL)).toHaveLength(1);
    expect(
      alarmRunbookProblems(
        withDescription('x Runbook: other.md#orderdlq-messagesvisible'),
        runbook,
        DEFAULT_RUNBOOK_URL,
      ),
    ).toEqual(['A links to other.md, not docs/runbook.md']);
  });
});

describe('runbook links', () => {
  it.each([
    ['OrderDLQ-MessagesVisible', 'orderdlq-messagesvisible'],
    ['Consumer service (ECS)', 'consumer-service-ecs'],
    ['Alarms: OrderProcessing stack', 'alarms-orderprocessing-stack'],
    ['First minutes, whatever fired', 'first-minutes-whatever-fired'],
  ])('anchors %s as GitHub does (#%s)', (heading, anchor) => {
    expect(runbookAnchor(heading)).toBe(anchor);
  });

  it('refuses a description CloudWatch would refuse, naming the alarm', () => {
    const long = 'x'.repeat(ALARM_DESCRIPTION_MAX_LENGTH);
    expect(() =>
      alarmDescriptionWithRunbook(long, { url: DEFAULT_RUNBOOK_URL, section: 'OrderDLQ-MessagesVisible' }),
    ).toThrow(/alarm 'OrderDLQ-MessagesVisible' is \d+ characters with its runbook link; CloudWatch allows 1024/);
  });

  it.each([
    ['empty', '', /is empty/],
    ['with an anchor', 'docs/runbook.md#alarms', /has an anchor/],
    ['with a space', 'my runbook.md', /contains whitespace/],
    ['of 320 characters', `https://example.com/${'a'.repeat(300)}`, /longer than 256/],
  ])('refuses a runbook URL %s', (_, url, problem) => {
    expect(() => resolveRunbookUrl(url)).toThrow(problem);
    expect(() => synth({ runbookUrl: url })).toThrow(problem);
  });
});
