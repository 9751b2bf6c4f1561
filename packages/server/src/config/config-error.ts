// The error a bad setting raises: its message starts with the variable's name, so the start fails
// with a line that says which variable to fix (docs/architecture.md, "Configuration"). A start
// checks every setting before it stops: ConfigErrors carries each problem, one line apiece.
export class ConfigError extends Error {
  /** The setting to change. */
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** Every problem one pass over the settings found; its message has one line per problem. */
export class ConfigErrors extends ConfigError {
  readonly problems: readonly ConfigError[];

  constructor(problems: readonly ConfigError[]) {
    super(problems[0]!.variable, '');
    this.name = 'ConfigErrors';
    this.message = problems.map((problem) => problem.message).join('\n');
    this.problems = Object.freeze([...problems]);
  }
}
