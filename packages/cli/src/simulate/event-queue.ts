/** One thing that happens at a simulated instant. */
export interface SimulationEvent<T> {
  readonly at: number;
  readonly seq: number;
  readonly payload: T;
}

/**
 * The simulator's agenda: a binary min-heap by time, then by scheduling order, so events at the
 * same instant run in the order they were scheduled (a run is deterministic).
 */
export class EventQueue<T> {
  private readonly items: SimulationEvent<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(at: number, payload: T): void {
    const items = this.items;
    items.push({ at, seq: this.seq++, payload });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as SimulationEvent<T>, items[parent] as SimulationEvent<T>)) break;
      [items[i], items[parent]] = [items[parent] as SimulationEvent<T>, items[i] as SimulationEvent<T>];
      i = parent;
    }
  }

  pop(): SimulationEvent<T> | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.before(items[left] as SimulationEvent<T>, items[smallest] as SimulationEvent<T>))
        smallest = left;
      if (
        right < items.length &&
        this.before(items[right] as SimulationEvent<T>, items[smallest] as SimulationEvent<T>)
      )
        smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest] as SimulationEvent<T>, items[i] as SimulationEvent<T>];
      i = smallest;
    }
    return top;
  }

  private before(a: SimulationEvent<T>, b: SimulationEvent<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}
