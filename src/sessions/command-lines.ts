// Command lines of lock owners when the inspection could not read them (no /proc, e.g.
// macOS). One `ps-list` call serves a whole scan, and its answer is reused briefly.
export type CommandLineTable = ReadonlyMap<number, string>;

export class CommandLineLookup {
  private cached: { at: number; table: CommandLineTable } | undefined;
  private pending: Promise<CommandLineTable> | undefined;

  constructor(
    private readonly ttlMs = 5_000,
    private readonly list: () => Promise<CommandLineTable> = listWithPsList,
  ) {}

  async table(now = Date.now()): Promise<CommandLineTable> {
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.table;
    this.pending ??= this.list()
      .catch((): CommandLineTable => new Map())
      .then((table) => {
        this.cached = { at: Date.now(), table };
        return table;
      })
      .finally(() => { this.pending = undefined; });
    return this.pending;
  }
}

async function listWithPsList(): Promise<CommandLineTable> {
  const { default: psList } = await import('ps-list');
  const table = new Map<number, string>();
  for (const proc of await psList()) table.set(proc.pid, proc.cmd ?? proc.name);
  return table;
}

export const sharedCommandLineLookup = new CommandLineLookup();
