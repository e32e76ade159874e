/**
 * Whether `work` settled within `ms`: true when it did (a rejection counts: the caller only waits,
 * whoever owns the work reports its failure), false when `ms` passed first. The work itself goes on
 * either way; the timer does not hold the process open. For waits that must end in time, such as
 * a flush before a Lambda invocation answers or a stopping process's last spans.
 */
export function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref?.();
  });
  return Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    cut,
  ]).finally(() => clearTimeout(timer));
}
