/** The one error class that reaches the CLI entry point, with a stable code for scripts. */
export type ErrorCode =
  | 'bad_option'
  | 'unreadable_input'
  | 'bad_log_format'
  | 'unknown_query'
  | 'database';

export class AuthlogError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthlogError';
  }
}
