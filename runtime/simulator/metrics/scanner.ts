// The character scanner under the simulator's two query parsers (Datadog's metric query syntax
// and the PromQL subset): whitespace, one-character tokens and names, with errors that name
// the column. Each parser passes its own name pattern and error class.
export class Scanner {
  pos = 0;
  constructor(
    readonly src: string,
    private readonly name: RegExp,
    private readonly error: (message: string) => Error,
  ) {}

  fail(message: string): Error {
    return this.error(`${message} at column ${this.pos + 1}`);
  }
  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }
  peek(): string {
    this.ws();
    return this.src[this.pos] ?? "";
  }
  expect(ch: string): void {
    if (this.peek() !== ch) throw this.fail(`expected '${ch}'`);
    this.pos++;
  }
  ident(): string {
    this.ws();
    const m = this.name.exec(this.src.slice(this.pos));
    if (!m) throw this.fail("expected a name");
    this.pos += m[0].length;
    return m[0];
  }
}
