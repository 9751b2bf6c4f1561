// The one error a bad setting raises: its message starts with the variable's name, so the start
// fails with a line that says which variable to fix (docs/architecture.md, "Configuration").
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}
